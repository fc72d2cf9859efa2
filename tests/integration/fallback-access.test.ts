/**
 * Who may use the fallback endpoints, and how much: the built server against the OpenAI emulator. For
 * each of transcribe, chat and speech: no/invalid/expired token → 401, a demo token → 403, an ended
 * session → 404, per-session and per-IP budgets → 429 with Retry-After, the global upstream budget →
 * 503. None of these refusals reaches OpenAI. Then the mid-session switch realtime → fallback.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import type { AppServer } from '../helpers/app-server';
import { postJson } from '../helpers/app-server';
import { REALTIME_KEY, STANDARD_KEY, calls, type Emulator } from '../helpers/emulator';
import { LOOSE_LIMITS, useServersWithEmulator } from '../helpers/server-fixture';
import { TEST_SESSION_SECRET, expectError, issueToken, postAudio, postChat, postSpeech, wav } from '../helpers/fallback';
import { signSessionToken } from '../../src/server/tokens/signed-token';

const fixture = useServersWithEmulator((emu) => ({ OPENAI_BASE_URL: emu.baseUrl, SESSION_SECRET: TEST_SESSION_SECRET, ...LOOSE_LIMITS }));
let emu: Emulator;
beforeAll(() => {
  emu = fixture.emu;
});

const CHAT = { messages: [{ role: 'user', content: 'How do I open a board discussion on AI?' }] };
type Call = (s: AppServer, token: string | undefined) => Promise<Response>;
const ENDPOINTS: Array<[string, Call]> = [
  ['transcribe', (s, t) => postAudio(s, t, wav(1))],
  ['chat', (s, t) => postChat(s, t, CHAT)],
  ['speech', (s, t) => postSpeech(s, t, { text: 'Let us start with the board.' })],
];
const upstreamCalls = () => calls(emu, 'chat.completions') + calls(emu, 'audio.speech') + calls(emu, 'audio.transcriptions');

describe.each(ENDPOINTS)('%s: who may call it', (_name, call) => {
  it('401 with a Bearer challenge without a token, with a bad one, and with an expired one', async () => {
    const s = await fixture.server({ OPENAI_API_KEY: STANDARD_KEY });
    const session = await issueToken(s);
    expect(session.mode).toBe('fallback');

    const missing = await call(s, undefined);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    await expectError(missing, 401, 'token_missing');

    const tampered = await call(s, `${session.token.slice(0, -3)}abc`);
    expect(tampered.headers.get('www-authenticate')).toBe('Bearer');
    await expectError(tampered, 401, 'token_invalid');
    await expectError(await call(s, 'not-a-token'), 401, 'token_invalid');
    // A token for a realtime session is an OpenAI secret, not ours.
    await expectError(await call(s, 'ek_abc123'), 401, 'token_invalid');

    // Same key and claims as the server's, expired a minute ago, for a session that is still live.
    const expired = await signSessionToken(new TextEncoder().encode(TEST_SESSION_SECRET), {
      sessionId: session.sessionId,
      mode: 'fallback',
      expiresAtMs: Date.now() - 60_000,
    });
    const res = await call(s, expired);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    const body = await expectError(res, 401, 'token_expired');
    expect(body.error.message).toMatch(/refresh/i);
    expect(upstreamCalls()).toBe(0);
  });

  it('403 wrong_mode for a demo token, and 404 once the session has ended', async () => {
    const demoServer = await fixture.server({ OPENAI_API_KEY: STANDARD_KEY, DEMO_MODE: 'force' });
    const demo = await issueToken(demoServer);
    expect(demo.mode).toBe('demo');
    await expectError(await call(demoServer, demo.token), 403, 'wrong_mode');

    const s = await fixture.server({ OPENAI_API_KEY: STANDARD_KEY });
    const session = await issueToken(s);
    expect((await postJson(s, '/api/voice-agent/end-session', { sessionId: session.sessionId })).status).toBe(200);
    const ended = await call(s, session.token);
    await expectError(ended, 404, 'session_not_found');
    expect(upstreamCalls()).toBe(0);
  });

});

describe('token lifetime', () => {
  it('a fallback token expires with TOKEN_TTL_SECONDS on every endpoint (refresh and retry)', { timeout: 20_000 }, async () => {
    const s = await fixture.server({ OPENAI_API_KEY: STANDARD_KEY, TOKEN_TTL_SECONDS: '10' });
    const session = await issueToken(s);
    await new Promise((r) => setTimeout(r, Math.max(0, session.expiresAt - Date.now()) + 1_100));
    for (const [, call] of ENDPOINTS) await expectError(await call(s, session.token), 401, 'token_expired');
  });
});

describe.each(ENDPOINTS)('%s: budgets', (_name, call) => {
  it('429 rate_limited with Retry-After once the session budget is spent; other sessions are not affected', async () => {
    const s = await fixture.server({ OPENAI_API_KEY: STANDARD_KEY, FALLBACK_RATE_LIMIT_PER_SESSION_PER_MINUTE: '2' });
    const a = await issueToken(s);
    expect((await call(s, a.token)).status).toBe(200);
    expect((await call(s, a.token)).status).toBe(200);
    const limited = await call(s, a.token);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = await expectError(limited, 429, 'rate_limited');
    expect(body.retryAfter).toBe(retryAfter);
    const b = await issueToken(s);
    expect((await call(s, b.token)).status).toBe(200);
    await s.waitForLog((l) => l.event === 'rateLimitExceeded' && l.limit === 'fallback_session');
    expect(await (await s.fetch('/metrics')).text()).toMatch(/voice_agent_rate_limit_hits_total\{limit="fallback_session"\} 1/);
  });

  it('429 once the IP budget is spent, across sessions', async () => {
    const s = await fixture.server({ OPENAI_API_KEY: STANDARD_KEY, FALLBACK_RATE_LIMIT_PER_IP_PER_MINUTE: '2' });
    const [a, b] = [await issueToken(s), await issueToken(s)];
    expect((await call(s, a.token)).status).toBe(200);
    expect((await call(s, b.token)).status).toBe(200);
    const limited = await call(s, b.token);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await expectError(limited, 429, 'rate_limited');
    expect(upstreamCalls()).toBe(2);
  });

  it('503 upstream_busy with Retry-After when the global upstream budget is spent', async () => {
    // The token request's tier detection spends the one allowed upstream call.
    const s = await fixture.server({ OPENAI_API_KEY: STANDARD_KEY, API_RATE_LIMIT_PER_MINUTE: '1' });
    const session = await issueToken(s);
    const busy = await call(s, session.token);
    expect(Number(busy.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await expectError(busy, 503, 'upstream_busy');
    expect(upstreamCalls()).toBe(0);
  });
});

describe('moving a live session to fallback (refresh-token with mode "fallback")', () => {
  it('realtime → fallback: same id, a fallback token that the fallback endpoints accept, no new realtime secret', async () => {
    const s = await fixture.server({ OPENAI_API_KEY: REALTIME_KEY });
    const live = await issueToken(s);
    expect(live.mode).toBe('realtime');
    // An OpenAI secret is no key to our endpoints; the realtime session's own JWT does not exist.
    await expectError(await postChat(s, live.token, CHAT), 401, 'token_invalid');

    const res = await postJson(s, '/api/voice-agent/refresh-token', { sessionId: live.sessionId, mode: 'fallback' });
    expect(res.status).toBe(200);
    const switched = await res.json();
    expect(switched).toMatchObject({ success: true, sessionId: live.sessionId, mode: 'fallback' });
    expect(switched.realtime).toBeUndefined();
    expect(decodeJwt(switched.token)).toMatchObject({ sub: live.sessionId, mode: 'fallback' });
    expect(calls(emu, 'client_secrets')).toBe(1); // no new realtime secret for the switch

    const chat = await postChat(s, switched.token, CHAT);
    expect(chat.status).toBe(200);
    expect(await chat.text()).toContain('event: done');

    // Fallback → fallback is a plain refresh (the `/refresh` alias too); a plain refresh stays fallback.
    const again = await (await postJson(s, '/api/voice-agent/refresh', { sessionId: live.sessionId, mode: 'fallback' })).json();
    expect(again).toMatchObject({ mode: 'fallback', sessionId: live.sessionId });
    expect((await (await postJson(s, '/api/voice-agent/refresh-token', { sessionId: live.sessionId })).json()).mode).toBe('fallback');

    const log = await s.waitForLog((l) => l.event === 'tokenGenerated' && l.kind === 'switch');
    expect(log).toMatchObject({ mode: 'fallback', refreshCount: 1 });
    const metrics = await (await s.fetch('/metrics')).text();
    expect(metrics).toMatch(/voice_agent_tokens_generated_total\{mode="fallback",kind="switch"\} 1/);
    expect(metrics).toMatch(/voice_agent_tokens_generated_total\{mode="fallback",kind="refresh"\} 2/);
  });

  it('a demo session cannot switch (403 wrong_mode); unknown sessions 404; a bad mode 400', async () => {
    const s = await fixture.server({ OPENAI_API_KEY: REALTIME_KEY, DEMO_MODE: 'force' });
    const demo = await issueToken(s);
    await expectError(await postJson(s, '/api/voice-agent/refresh-token', { sessionId: demo.sessionId, mode: 'fallback' }), 403, 'wrong_mode');
    await expectError(await postJson(s, '/api/voice-agent/refresh-token', { sessionId: 'sess_' + 'y'.repeat(32), mode: 'fallback' }), 404, 'session_not_found');
    await expectError(await postJson(s, '/api/voice-agent/refresh-token', { sessionId: demo.sessionId, mode: 'realtime' }), 400, 'invalid_request');
    expect((await (await postJson(s, '/api/voice-agent/refresh-token', { sessionId: demo.sessionId })).json()).mode).toBe('demo');
  });
});

describe('cross-origin callers', () => {
  it('preflights allow the Authorization header for allowed origins', async () => {
    const s = await fixture.server({ OPENAI_API_KEY: STANDARD_KEY, ALLOWED_ORIGINS: 'https://partner.example.com' });
    const res = await s.fetch('/api/voice-agent/chat', {
      method: 'OPTIONS',
      headers: { Origin: 'https://partner.example.com', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const refused = await s.fetch('/api/voice-agent/chat', { method: 'OPTIONS', headers: { Origin: 'https://evil.example.com' } });
    expect(refused.status).toBe(403);
  });
});
