/**
 * The browser's side of the metered wire (issue 8): a metered token's realtime target survives parsing
 * (a same-origin path, the relay, `metered`), the WebSocket transport connects to the relay on this site
 * (ws/wss from the page's scheme, `?model=` kept), and `session-status` is asked with the session id and
 * its answer read defensively.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { requestToken } from '../../../src/lib/voice-agent/api/voice-agent-api';
import { createMeteringLink } from '../../../src/lib/voice-agent/metering/metering-link';
import { fetchSessionStatus, parseSessionStatus } from '../../../src/lib/voice-agent/metering/session-status-client';
import { createTokenManager, type Credential } from '../../../src/lib/voice-agent/session/token-manager';
import { realtimeSubprotocols, realtimeWebSocketUrl } from '../../../src/lib/voice-agent/transports/websocket-handshake';

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => vi.unstubAllGlobals());

describe('a metered token', () => {
  const body = (realtime: unknown) => ({ success: true, token: 'session-token', expiresAt: Date.now() + 60_000, sessionId: 's1', mode: 'realtime', realtime });

  it('keeps the same-origin target, the relay and the metered flag', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(body({ url: '/api/voice-agent', websocketUrl: '/api/voice-agent/realtime', model: 'gpt-realtime-2.1', metered: true }))));
    const result = await requestToken();
    expect(result.ok && result.data.realtime).toEqual({ url: '/api/voice-agent', websocketUrl: '/api/voice-agent/realtime', model: 'gpt-realtime-2.1', metered: true });
  });

  it('still refuses a target on another site by a protocol-relative path', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(body({ url: '//evil.example/v1/realtime', model: 'gpt-realtime' }))));
    const result = await requestToken();
    expect(result.ok).toBe(false);
  });

  it('keeps a direct target as it was (no relay, not metered)', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(body({ url: 'https://api.openai.com/v1/realtime/', model: 'gpt-realtime' }))));
    const result = await requestToken();
    expect(result.ok && result.data.realtime).toEqual({ url: 'https://api.openai.com/v1/realtime', model: 'gpt-realtime' });
  });
});

describe('a metered fallback session (top-level `metered`)', () => {
  const fallbackBody = (extra: Record<string, unknown>) => ({ success: true, token: 'session-token', expiresAt: Date.now() + 60_000, sessionId: 's1', mode: 'fallback', ...extra });

  it('keeps `metered` from the token response into the credential, and from a switch to fallback', async () => {
    const fetch = vi.fn(async (url: string) =>
      json(url.endsWith('/refresh-token') ? fallbackBody({ metered: true }) : { ...fallbackBody({ metered: true }), mode: 'realtime', realtime: { url: '/api/voice-agent', model: 'gpt-realtime', metered: true } }),
    );
    vi.stubGlobal('fetch', fetch);
    const tokens = createTokenManager();
    const first = await tokens.acquire();
    expect(first.ok && first.data).toMatchObject({ mode: 'realtime', metered: true, realtime: { metered: true } });
    const switched = await tokens.switchToFallback();
    expect(switched.ok && switched.data).toMatchObject({ mode: 'fallback', metered: true });
    expect(switched.ok && switched.data.realtime).toBeUndefined();
  });

  it('leaves it out when the server does not meter the session (or says anything but true)', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(fallbackBody({ metered: 'yes' }))));
    const result = await requestToken();
    expect(result.ok && result.data).not.toHaveProperty('metered');
  });

  it('the metering link follows a credential metered either way, and never an unmetered one', async () => {
    const base: Credential = { token: 't', sessionId: 's1', mode: 'fallback', warnings: [], expiresAtLocal: Date.now() + 60_000 };
    const followed = async (credential: Credential) => {
      const load = vi.fn(async () => () => ({ check: async () => undefined, stop: () => undefined }));
      createMeteringLink({ onView: () => undefined, onEnded: () => undefined, load }).watch(credential);
      await Promise.resolve();
      return load.mock.calls.length;
    };
    expect(await followed({ ...base, metered: true })).toBe(1);
    expect(await followed({ ...base, mode: 'realtime', realtime: { url: '/api/voice-agent', model: 'gpt-realtime', metered: true } })).toBe(1);
    expect(await followed(base)).toBe(0);
    expect(await followed({ ...base, mode: 'realtime', realtime: { url: 'https://api.openai.com/v1/realtime', model: 'gpt-realtime' } })).toBe(0);
  });
});

describe('realtimeWebSocketUrl', () => {
  const relay = { url: '/api/voice-agent', websocketUrl: '/api/voice-agent/realtime', model: 'gpt-realtime-2.1', metered: true };

  it('connects a metered session to the relay on this site, wss on https and ws on http', () => {
    expect(realtimeWebSocketUrl(relay, 'https://coach.example/coach?scenario=x')).toBe('wss://coach.example/api/voice-agent/realtime?model=gpt-realtime-2.1');
    expect(realtimeWebSocketUrl(relay, 'http://127.0.0.1:4321/coach')).toBe('ws://127.0.0.1:4321/api/voice-agent/realtime?model=gpt-realtime-2.1');
  });

  it('keeps an absolute relay address and its query string', () => {
    expect(realtimeWebSocketUrl({ ...relay, websocketUrl: 'wss://relay.example/rt?region=eu' }, 'https://coach.example/')).toBe('wss://relay.example/rt?region=eu&model=gpt-realtime-2.1');
  });

  it('connects a direct session to the realtime URL as before', () => {
    expect(realtimeWebSocketUrl({ url: 'https://api.openai.com/v1/realtime', model: 'gpt-realtime' }, 'https://coach.example/')).toBe('wss://api.openai.com/v1/realtime?model=gpt-realtime');
  });

  it('presents the session token where OpenAI expects its key', () => {
    expect(realtimeSubprotocols('session-token')).toEqual(['realtime', 'openai-insecure-api-key.session-token']);
  });
});

describe('session-status', () => {
  it('posts the session id and reads the meter', async () => {
    const fetch = vi.fn(async (_url: string, _init: RequestInit) =>
      json({ success: true, metered: true, serverTime: 1_000, startedAt: 0, endsAt: 1_800_000, limit: 'session_minutes', warningSeconds: 60, costUsd: 0.42, connectedSeconds: 360 }),
    );
    const result = await fetchSessionStatus('s1', { fetch: fetch as unknown as typeof globalThis.fetch });
    expect(fetch.mock.calls[0]![0]).toBe('/api/voice-agent/session-status');
    expect(fetch.mock.calls[0]![1]).toMatchObject({ method: 'POST', body: JSON.stringify({ sessionId: 's1' }) });
    expect(result.ok && result.data).toMatchObject({ metered: true, endsAt: 1_800_000, limit: 'session_minutes', costUsd: 0.42 });
  });

  it('reads the server\'s end, and drops what is malformed rather than guessing', () => {
    expect(parseSessionStatus({ success: true, metered: true, serverTime: 5, startedAt: 1, warningSeconds: 60, ended: { reason: 'operator', message: 'An administrator ended this session.' } })?.ended).toEqual({
      reason: 'operator',
      message: 'An administrator ended this session.',
    });
    const odd = parseSessionStatus({ success: true, metered: true, serverTime: 5, endsAt: 'soon', limit: 'lunch', costUsd: -1, usage: { inputTextTokens: 'x' } });
    expect(odd).toMatchObject({ startedAt: 5, warningSeconds: 60, usage: { inputTextTokens: 0 } });
    expect(odd).not.toHaveProperty('endsAt');
    expect(odd).not.toHaveProperty('limit');
    expect(odd).not.toHaveProperty('costUsd');
    expect(parseSessionStatus({ success: false, error: { code: 'not_found', message: 'x' } })).toBeNull();
    expect(parseSessionStatus({ success: true, serverTime: 5 })).toBeNull();
  });
});
