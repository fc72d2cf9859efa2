/**
 * The credential holder against a small in-memory stand-in for the token endpoints (global fetch): one
 * request at a time, the scenario named on every new session, a switch of the live session to fallback,
 * a conversation that moved to fallback never getting a realtime session back, and an old session ended
 * when it ran out of refreshes. The real endpoints are covered by tests/integration (token-modes, fallback-access).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTokenManager } from '../../../src/lib/voice-agent/session/token-manager';

interface Session {
  id: string;
  mode: 'realtime' | 'fallback';
  refreshes: number;
}

function fakeServer({ grant = 'realtime' as Session['mode'], refreshLimit = 5 } = {}) {
  const sessions = new Map<string, Session>();
  const requests: Array<{ path: string; body: Record<string, unknown> }> = [];
  let n = 0;
  const answer = (s: Session, status = 200) =>
    new Response(
      JSON.stringify({
        success: true,
        token: `${s.mode === 'realtime' ? 'ek' : 'jwt'}_${s.id}_${s.refreshes}`,
        expiresAt: Date.now() + 60_000,
        sessionId: s.id,
        mode: s.mode,
        ...(s.mode === 'realtime' ? { realtime: { url: 'https://api.example/v1/realtime', model: 'gpt-realtime-2.1' } } : {}),
      }),
      { status, headers: { 'content-type': 'application/json' } },
    );
  const error = (status: number, code: string) =>
    new Response(JSON.stringify({ success: false, error: { code, message: code } }), { status, headers: { 'content-type': 'application/json' } });
  const fetch = vi.fn(async (url: string, init: RequestInit) => {
    const path = new URL(url, 'http://app.test').pathname;
    const body = init.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : {};
    requests.push({ path, body });
    if (path === '/api/voice-agent/token') {
      const s = { id: `sess_${++n}`, mode: grant, refreshes: 0 };
      sessions.set(s.id, s);
      return answer(s);
    }
    const s = sessions.get(String(body.sessionId));
    if (path === '/api/voice-agent/end-session') {
      sessions.delete(String(body.sessionId));
      return new Response(JSON.stringify({ success: true }), { headers: { 'content-type': 'application/json' } });
    }
    if (!s) return error(404, 'session_not_found');
    if (s.refreshes >= refreshLimit) return error(429, 'refresh_limit_reached');
    s.refreshes++;
    if (body.mode === 'fallback') s.mode = 'fallback';
    return answer(s);
  });
  return { fetch, requests, sessions };
}

let server: ReturnType<typeof fakeServer>;
const use = (s: ReturnType<typeof fakeServer>) => {
  server = s;
  vi.stubGlobal('fetch', s.fetch);
};
beforeEach(() => use(fakeServer()));
afterEach(() => vi.unstubAllGlobals());

describe('token manager', () => {
  it('names the scenario when it starts a session, and shares one request between prefetch and click', async () => {
    const tokens = createTokenManager({ scenarioId: 'defend-ai-budget-to-the-cfo' });
    const [a, b] = await Promise.all([tokens.prefetch(), tokens.acquire()]);
    expect(a.ok && b.ok && a.data.sessionId === b.data.sessionId).toBe(true);
    expect(server.requests).toEqual([{ path: '/api/voice-agent/token', body: { scenarioId: 'defend-ai-budget-to-the-cfo' } }]);
    expect(tokens.current()).not.toHaveProperty('token');
  });

  it('turns the live session into a fallback one (same id), and a replacement session is switched too', async () => {
    const tokens = createTokenManager();
    const first = await tokens.acquire();
    expect(first.ok && first.data.mode).toBe('realtime');
    const switched = await tokens.switchToFallback();
    expect(switched.ok && switched.data).toMatchObject({ mode: 'fallback', sessionId: first.ok ? first.data.sessionId : '' });
    expect(server.requests.at(-1)).toEqual({ path: '/api/voice-agent/refresh-token', body: { sessionId: 'sess_1', mode: 'fallback' } });
    // The session lapses; the replacement the server grants is realtime again, but this conversation stays in fallback.
    server.sessions.clear();
    const renewed = await tokens.renew();
    expect(renewed.ok && renewed.data).toMatchObject({ mode: 'fallback', sessionId: 'sess_2' });
    // After hang-up (clear) a new conversation may have live voice again.
    tokens.clear();
    const next = await tokens.acquire();
    expect(next.ok && next.data.mode).toBe('realtime');
  });

  it('ends a session that ran out of refreshes before starting the next one (frees the per-IP quota)', async () => {
    use(fakeServer({ refreshLimit: 1 }));
    const tokens = createTokenManager();
    await tokens.acquire();
    await tokens.renew();
    const replaced = await tokens.renew();
    expect(replaced.ok && replaced.data.sessionId).toBe('sess_2');
    expect(server.requests.map((r) => r.path)).toEqual([
      '/api/voice-agent/token',
      '/api/voice-agent/refresh-token',
      '/api/voice-agent/refresh-token',
      '/api/voice-agent/end-session',
      '/api/voice-agent/token',
    ]);
    expect(server.sessions.has('sess_1')).toBe(false);
  });
});
