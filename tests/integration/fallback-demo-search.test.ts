/**
 * Demo sessions never cause an upstream call: their searches are answered by the platform's library
 * even where OpenAI is the configured provider — on the app's route and on the standalone search
 * server — while fallback and realtime sessions keep the configured provider.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, startAppServer, startSearchServer, type AppServer } from '../helpers/app-server';
import { REALTIME_KEY, STANDARD_KEY, calls, startTestEmulator, type Emulator } from '../helpers/emulator';
import { issueToken } from '../helpers/fallback';
import { haveRedisServer, redisSuiteTitle, startRedisServer, type RedisServerHandle } from '../helpers/redis-server';
import { LOOSE_LIMITS } from '../helpers/server-fixture';

const HIGH_RISK = 'What does the EU AI Act require for high-risk systems?';
const SECRET = 'demo-search-secret-0123456789abcdefgh';
const upstreamCalls = (emu: Emulator) => Object.values(emu.stats().counts).reduce((a, b) => a + b, 0);

let emu: Emulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu?.close();
});

describe('searches from a demo session', () => {
  let app: AppServer;
  afterAll(async () => {
    await app?.stop();
  });

  it('are answered by the knowledge provider with no call to OpenAI, though OpenAI is the configured provider', async () => {
    app = await startAppServer({ OPENAI_API_KEY: REALTIME_KEY, OPENAI_BASE_URL: emu.baseUrl, DEMO_MODE: 'force', SEARCH_PROVIDER: 'openai', ...LOOSE_LIMITS });
    const demo = await issueToken(app);
    expect(demo.mode).toBe('demo');
    emu.reset();
    const res = await postJson(app, '/api/voice-agent/responses-search', { query: HIGH_RISK, sessionId: demo.sessionId });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ provider: 'knowledge', stale: false });
    expect(body.citations[0]).toMatchObject({ url: '/library/eu-ai-act-high-risk-systems' });
    expect(body.answer).not.toMatch(/web search is unavailable/i); // a demo answer, not a degraded web answer
    expect(upstreamCalls(emu)).toBe(0);
  });

  it('do not share cache entries with web answers: a fallback session on the same server still gets OpenAI', async () => {
    const s = await startAppServer({ OPENAI_API_KEY: STANDARD_KEY, OPENAI_BASE_URL: emu.baseUrl, SEARCH_PROVIDER: 'openai', ...LOOSE_LIMITS });
    try {
      const fallback = await issueToken(s);
      expect(fallback.mode).toBe('fallback');
      const web = await (await postJson(s, '/api/voice-agent/responses-search', { query: HIGH_RISK, sessionId: fallback.sessionId })).json();
      expect(web.provider).toBe('openai');
      expect(calls(emu, 'responses')).toBe(1);
    } finally {
      await s.stop();
    }
  });
});

describe.skipIf(!haveRedisServer)(redisSuiteTitle('the standalone search server with a demo session'), () => {
  let redis: RedisServerHandle;
  let app: AppServer;
  let searchServer: AppServer;
  beforeAll(async () => {
    redis = await startRedisServer();
    const shared = { REDIS_URL: `${redis.url}/5`, SESSION_SECRET: SECRET, OPENAI_API_KEY: REALTIME_KEY, OPENAI_BASE_URL: emu.baseUrl, DEMO_MODE: 'force', ...LOOSE_LIMITS };
    [app, searchServer] = await Promise.all([startAppServer(shared), startSearchServer(shared)]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([app?.stop(), searchServer?.stop()]);
    await redis?.stop();
  });

  it('answers /search from the library, with zero upstream calls', async () => {
    const demo = await issueToken(app);
    expect(demo.mode).toBe('demo');
    emu.reset();
    const res = await postJson(searchServer, '/search', { query: HIGH_RISK, sessionId: demo.sessionId });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ provider: 'knowledge' });
    expect(upstreamCalls(emu)).toBe(0);
  });
});

describe.skipIf(!haveRedisServer)(redisSuiteTitle('switching to fallback with sessions shared through Redis'), () => {
  let redis: RedisServerHandle;
  let a: AppServer;
  let b: AppServer;
  beforeAll(async () => {
    redis = await startRedisServer();
    const shared = { REDIS_URL: `${redis.url}/6`, SESSION_SECRET: SECRET, OPENAI_API_KEY: REALTIME_KEY, OPENAI_BASE_URL: emu.baseUrl, ...LOOSE_LIMITS };
    [a, b] = await Promise.all([startAppServer(shared), startAppServer(shared)]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.stop();
  });

  it('a realtime session from instance A switched on instance B is a fallback session on both', async () => {
    const live = await issueToken(a);
    expect(live.mode).toBe('realtime');
    const switched = await (await postJson(b, '/api/voice-agent/refresh-token', { sessionId: live.sessionId, mode: 'fallback' })).json();
    expect(switched).toMatchObject({ mode: 'fallback', sessionId: live.sessionId });
    const res = await a.fetch('/api/voice-agent/speech', {
      method: 'POST',
      headers: { Authorization: `Bearer ${switched.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'Hello from the other instance.' }),
    });
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });
});
