/**
 * Horizontal scaling: two built server instances sharing one real Redis behave as one, and a Redis
 * outage degrades them to per-instance limits instead of taking them down.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { REALTIME_KEY, calls, startTestEmulator, type Emulator } from '../helpers/emulator';
import { haveRedisServer, redisSuiteTitle, startRedisServer, type RedisServerHandle } from '../helpers/redis-server';
import { signRecapToken } from '../../src/server/tokens/recap-token';

const SECRET = 'shared-secret-for-tests-0123456789abcdef';
let redis: RedisServerHandle;
let emu: Emulator;
const servers: AppServer[] = [];

beforeAll(async () => {
  if (!haveRedisServer) return;
  redis = await startRedisServer();
  emu = await startTestEmulator();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  emu?.reset();
});
afterAll(async () => {
  await redis?.stop();
  await emu?.close();
});

async function pair(env: Record<string, string>, db: number) {
  const shared = { REDIS_URL: `${redis.url}/${db}`, SESSION_SECRET: SECRET, ...env };
  const [a, b] = await Promise.all([startAppServer(shared), startAppServer(shared)]);
  servers.push(a, b);
  return [a, b] as const;
}
const token = (s: AppServer, headers: Record<string, string> = {}) => s.fetch('/api/voice-agent/token', { method: 'POST', headers });
const postSession = (s: AppServer, path: string, sessionId: string) =>
  s.fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ sessionId }) });
async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(!haveRedisServer)(redisSuiteTitle('two instances sharing Redis'), () => {
  it('a per-IP limit of N admits exactly N requests across both instances, even concurrently', async () => {
    const [a, b] = await pair({ RATE_LIMIT_PER_IP_PER_MINUTE: '5', MAX_SESSIONS_PER_IP: '100' }, 1);
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => token(i % 2 ? a : b)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(11);
  });

  it('MAX_SESSIONS_PER_IP and TOTAL_ACTIVE_CONNECTIONS are global', async () => {
    const [a, b] = await pair({ MAX_SESSIONS_PER_IP: '3', RATE_LIMIT_PER_IP_PER_MINUTE: '100' }, 2);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => token(i % 2 ? a : b)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);

    const [c, d] = await pair({ TOTAL_ACTIVE_CONNECTIONS: '2', TRUST_PROXY: '1' }, 3);
    expect((await token(c, { 'X-Forwarded-For': '192.0.2.1' })).status).toBe(200);
    expect((await token(d, { 'X-Forwarded-For': '192.0.2.2' })).status).toBe(200);
    const refused = await token(c, { 'X-Forwarded-For': '192.0.2.3' });
    expect(refused.status).toBe(503);
    expect((await refused.json()).error.code).toBe('service_at_capacity');
  });

  it('a session minted on one instance is refreshed and ended on the other', async () => {
    const [a, b] = await pair({ RATE_LIMIT_PER_IP_PER_MINUTE: '100' }, 4);
    const t = await (await token(a)).json();
    const refreshed = await postSession(b, '/api/voice-agent/refresh-token', t.sessionId);
    expect(refreshed.status).toBe(200);
    expect((await refreshed.json()).sessionId).toBe(t.sessionId);
    expect((await postSession(b, '/api/voice-agent/end-session', t.sessionId)).status).toBe(200);
    expect((await postSession(a, '/api/voice-agent/refresh-token', t.sessionId)).status).toBe(404);
  });

  it('a scenario session minted on one instance is refreshed on the other with the same scenario bound', async () => {
    const SCENARIOS_DIR = fileURLToPath(new URL('../fixtures/scenarios/', import.meta.url));
    const [a, b] = await pair({ OPENAI_API_KEY: REALTIME_KEY, OPENAI_BASE_URL: emu.baseUrl, SCENARIOS_DIR, RATE_LIMIT_PER_IP_PER_MINUTE: '100' }, 6);
    const minted = await a.fetch('/api/voice-agent/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ scenarioId: 'fixture-board-pitch' }),
    });
    const first = await minted.json();
    expect(first).toMatchObject({ mode: 'realtime', scenario: { id: 'fixture-board-pitch' } });
    const refreshed = await (await postSession(b, '/api/voice-agent/refresh-token', first.sessionId)).json();
    expect(refreshed).toMatchObject({ mode: 'realtime', sessionId: first.sessionId, scenario: { id: 'fixture-board-pitch' } });
    expect(calls(emu, 'client_secrets')).toBe(2);
    expect(emu.stats().lastRequest['client_secrets']!.body.session.instructions).toContain('Role-play for this session: Fixture: pitch an AI strategy');
  });

  it('a session’s recap lives in the shared record: minted on one instance, refreshed on the other with the summary bound', async () => {
    const SCENARIOS_DIR = fileURLToPath(new URL('../fixtures/scenarios/', import.meta.url));
    const [a, b] = await pair({ OPENAI_API_KEY: REALTIME_KEY, OPENAI_BASE_URL: emu.baseUrl, SCENARIOS_DIR, RATE_LIMIT_PER_IP_PER_MINUTE: '100' }, 7);
    const summary = 'Previous session (24 Nov 2026): overall 58/100. Strongest: Clear ask (4/5). Weakest: Risk ownership (2/5). To work on: name who owns “model risk”.';
    const recap = await signRecapToken(new TextEncoder().encode(SECRET), { scenarioId: 'fixture-board-pitch', summary });
    const first = await (
      await a.fetch('/api/voice-agent/token', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ scenarioId: 'fixture-board-pitch', recap }),
      })
    ).json();
    expect(first).toMatchObject({ mode: 'realtime', scenario: { id: 'fixture-board-pitch' } });
    expect(first.warnings).toBeUndefined();
    expect(emu.stats().lastRequest['client_secrets']!.body.session.instructions).toContain(summary);
    const refreshed = await (await postSession(b, '/api/voice-agent/refresh-token', first.sessionId)).json();
    expect(refreshed).toMatchObject({ mode: 'realtime', sessionId: first.sessionId });
    expect(calls(emu, 'client_secrets')).toBe(2);
    expect(emu.stats().lastRequest['client_secrets']!.body.session.instructions).toContain(summary);
    for (const s of [a, b]) {
      expect(s.output()).not.toContain(recap);
      expect(s.output()).not.toContain('Risk ownership');
    }
  });

  it('tier detection is shared: one /models call for both instances', async () => {
    const [a, b] = await pair({ OPENAI_API_KEY: REALTIME_KEY, OPENAI_BASE_URL: emu.baseUrl, RATE_LIMIT_PER_IP_PER_MINUTE: '100' }, 5);
    expect((await (await token(a)).json()).mode).toBe('realtime');
    expect((await (await token(b)).json()).mode).toBe('realtime');
    expect(calls(emu, 'models')).toBe(1);
  });

  it('survives a Redis outage on per-instance limits, reports degraded, and recovers by itself', async () => {
    const [a, b] = await pair(
      { OPENAI_API_KEY: REALTIME_KEY, OPENAI_BASE_URL: emu.baseUrl, RATE_LIMIT_PER_IP_PER_MINUTE: '100', MAX_SESSIONS_PER_IP: '100' },
      6,
    );
    const health = async (s: AppServer) => (await (await s.fetch('/api/voice-agent/health')).json()).status;
    expect(await health(a)).toBe('healthy');
    expect((await token(a)).status).toBe(200);

    await redis.stop();
    await waitFor(async () => (await health(a)) === 'degraded' && (await health(b)) === 'degraded');
    for (const s of [a, b]) {
      const started = Date.now();
      const res = await token(s);
      expect(res.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2_000);
    }
    const during = await (await token(a)).json();
    expect((await postSession(a, '/api/voice-agent/refresh-token', during.sessionId)).status).toBe(200);
    await a.waitForLog((l) => l.event === 'redisUnavailable');
    expect(a.output()).not.toContain(SECRET);

    await redis.restart();
    await waitFor(async () => (await health(a)) === 'healthy' && (await health(b)) === 'healthy');
    await a.waitForLog((l) => l.event === 'redisRecovered');
    // Shared state is back: a new session minted on A is refreshed on B.
    const after = await (await token(a)).json();
    expect((await postSession(b, '/api/voice-agent/refresh-token', after.sessionId)).status).toBe(200);
    // The session created on A's memory during the outage is still A's to end.
    expect((await postSession(a, '/api/voice-agent/end-session', during.sessionId)).status).toBe(200);
  }, 60_000);
});
