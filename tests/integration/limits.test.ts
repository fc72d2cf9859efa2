/** Resource Management limits on the built server (in-memory stores). */
import { afterEach, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { REALTIME_KEY, calls, startTestEmulator } from '../helpers/emulator';

const servers: AppServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});
async function server(env: Record<string, string>) {
  const s = await startAppServer(env);
  servers.push(s);
  return s;
}
const token = (s: AppServer, headers: Record<string, string> = {}) => s.fetch('/api/voice-agent/token', { method: 'POST', headers });
const postSession = (s: AppServer, path: string, sessionId: string) =>
  s.fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ sessionId }) });

describe('limits', () => {
  it('RATE_LIMIT_PER_IP_PER_MINUTE counts token and refresh requests together; 429 carries Retry-After', async () => {
    const s = await server({ RATE_LIMIT_PER_IP_PER_MINUTE: '3', MAX_SESSIONS_PER_IP: '10' });
    const first = await (await token(s)).json();
    expect((await postSession(s, '/api/voice-agent/refresh-token', first.sessionId)).status).toBe(200);
    expect((await token(s)).status).toBe(200);
    const limited = await token(s);
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = await limited.json();
    expect(body).toMatchObject({ success: false, error: { code: 'rate_limited' }, retryAfter });
    expect((await postSession(s, '/api/voice-agent/refresh-token', first.sessionId)).status).toBe(429);
    const log = await s.waitForLog((l) => l.event === 'rateLimitExceeded');
    expect(log).toMatchObject({ ip: '127.0.0.1', attempts: 4 });
  });

  it('honours X-Forwarded-For only through TRUST_PROXY', async () => {
    const direct = await server({ RATE_LIMIT_PER_IP_PER_MINUTE: '1', MAX_SESSIONS_PER_IP: '10' });
    expect((await token(direct, { 'X-Forwarded-For': '198.51.100.1' })).status).toBe(200);
    // A forged header does not buy a fresh quota.
    expect((await token(direct, { 'X-Forwarded-For': '198.51.100.2' })).status).toBe(429);

    const proxied = await server({ RATE_LIMIT_PER_IP_PER_MINUTE: '1', MAX_SESSIONS_PER_IP: '10', TRUST_PROXY: '1' });
    expect((await token(proxied, { 'X-Forwarded-For': '198.51.100.1' })).status).toBe(200);
    expect((await token(proxied, { 'X-Forwarded-For': '198.51.100.2' })).status).toBe(200);
    expect((await token(proxied, { 'X-Forwarded-For': '198.51.100.2' })).status).toBe(429);
    // With one trusted hop, a client-supplied left part is ignored.
    expect((await token(proxied, { 'X-Forwarded-For': '10.9.9.9, 198.51.100.2' })).status).toBe(429);
  });

  it('MAX_SESSIONS_PER_IP holds live sessions; end-session frees the slot', async () => {
    const s = await server({ MAX_SESSIONS_PER_IP: '2', RATE_LIMIT_PER_IP_PER_MINUTE: '100' });
    const a = await (await token(s)).json();
    expect((await token(s)).status).toBe(200);
    const refused = await token(s);
    expect(refused.status).toBe(429);
    expect((await refused.json()).error.code).toBe('session_limit_reached');
    expect((await postSession(s, '/api/voice-agent/end-session', a.sessionId)).status).toBe(200);
    expect((await token(s)).status).toBe(200);
  });

  it('sessions expire with their token, freeing the quota', async () => {
    const s = await server({ MAX_SESSIONS_PER_IP: '1', RATE_LIMIT_PER_IP_PER_MINUTE: '100', TOKEN_TTL_SECONDS: '10' });
    const a = await (await token(s)).json();
    expect(a.expiresAt - Date.now()).toBeLessThanOrEqual(10_000);
    expect((await token(s)).status).toBe(429);
    await new Promise((r) => setTimeout(r, Math.max(0, a.expiresAt - Date.now()) + 200));
    expect((await postSession(s, '/api/voice-agent/refresh-token', a.sessionId)).status).toBe(404);
    expect((await token(s)).status).toBe(200);
  }, 20_000);

  it('TOKEN_REFRESH_LIMIT refreshes per session, then 429', async () => {
    const s = await server({ TOKEN_REFRESH_LIMIT: '2', RATE_LIMIT_PER_IP_PER_MINUTE: '100' });
    const a = await (await token(s)).json();
    expect((await postSession(s, '/api/voice-agent/refresh-token', a.sessionId)).status).toBe(200);
    const r2 = await postSession(s, '/api/voice-agent/refresh-token', a.sessionId);
    expect(r2.status).toBe(200);
    expect((await r2.json()).expiresAt).toBeGreaterThan(a.expiresAt - 1);
    const r3 = await postSession(s, '/api/voice-agent/refresh-token', a.sessionId);
    expect(r3.status).toBe(429);
    expect((await r3.json()).error.code).toBe('refresh_limit_reached');
    expect((await postSession(s, '/api/voice-agent/refresh-token', 'sess_' + 'A'.repeat(32))).status).toBe(404);
  });

  it('MAX_CONCURRENT_CONNECTIONS and TOTAL_ACTIVE_CONNECTIONS answer 503 with Retry-After', async () => {
    const inst = await server({ MAX_CONCURRENT_CONNECTIONS: '2', TRUST_PROXY: '1', RATE_LIMIT_PER_IP_PER_MINUTE: '100' });
    expect((await token(inst, { 'X-Forwarded-For': '192.0.2.1' })).status).toBe(200);
    expect((await token(inst, { 'X-Forwarded-For': '192.0.2.2' })).status).toBe(200);
    const full = await token(inst, { 'X-Forwarded-For': '192.0.2.3' });
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBeTruthy();
    const total = await server({ TOTAL_ACTIVE_CONNECTIONS: '1', TRUST_PROXY: '1' });
    expect((await token(total, { 'X-Forwarded-For': '192.0.2.1' })).status).toBe(200);
    const refused = await token(total, { 'X-Forwarded-For': '192.0.2.2' });
    expect(refused.status).toBe(503);
    expect((await refused.json()).error.code).toBe('service_at_capacity');
  });

  it('MAX_TOKENS_PER_MINUTE caps minting per instance', async () => {
    const s = await server({ MAX_TOKENS_PER_MINUTE: '2', TRUST_PROXY: '1' });
    expect((await token(s, { 'X-Forwarded-For': '192.0.2.1' })).status).toBe(200);
    expect((await token(s, { 'X-Forwarded-For': '192.0.2.2' })).status).toBe(200);
    const res = await token(s, { 'X-Forwarded-For': '192.0.2.3' });
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe('instance_token_limit');
  });

  it('API_RATE_LIMIT_PER_MINUTE caps upstream calls: no request reaches OpenAI beyond it', async () => {
    const emu = await startTestEmulator();
    try {
      const s = await server({
        OPENAI_API_KEY: REALTIME_KEY,
        OPENAI_BASE_URL: emu.baseUrl,
        API_RATE_LIMIT_PER_MINUTE: '3',
        TRUST_PROXY: '1',
      });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await token(s, { 'X-Forwarded-For': `192.0.2.${i + 1}` })).status);
      // 1 /models + 2 mints = 3 upstream calls; the 4th request is refused without calling OpenAI.
      expect(statuses).toEqual([200, 200, 503, 503]);
      expect(calls(emu, 'models') + calls(emu, 'client_secrets')).toBe(3);
    } finally {
      await emu.close();
    }
  });
});
