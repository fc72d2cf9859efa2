/**
 * The standalone development search server (`npm run search-server`, the architecture's
 * http://localhost:3001/search): the app's search route, provider code and session check in a process
 * of its own. It sees the app's sessions through the shared Redis; without one it refuses to start.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_SERVER_SCRIPT, postJson, runAppServerExpectingExit, startAppServer, startSearchServer, type AppServer } from '../helpers/app-server';
import { BUILT_IN_SEARCH_PATH, resolveSearchEndpoint } from '../../src/lib/voice-agent/api/search-endpoint';
import { haveRedisServer, redisSuiteTitle, startRedisServer, type RedisServerHandle } from '../helpers/redis-server';

const SECRET = 'shared-secret-for-tests-0123456789abcdef';
const HIGH_RISK = 'What does the EU AI Act require for high-risk systems?';
const LIMITS = { RATE_LIMIT_PER_IP_PER_MINUTE: '1000', MAX_SESSIONS_PER_IP: '1000' };

describe('search server without Redis', () => {
  it('refuses to start and says why, naming REDIS_URL', async () => {
    const { code, output } = await runAppServerExpectingExit({ SEARCH_SERVER_PORT: '0' }, 15_000, SEARCH_SERVER_SCRIPT);
    expect(code).toBe(1);
    expect(output).toContain('Configuration error: Invalid environment variable REDIS_URL');
    expect(output).toContain('/api/voice-agent/responses-search');
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('reports a bad variable like the app does', async () => {
    const { code, output } = await runAppServerExpectingExit({ SEARCH_SERVER_PORT: 'abc' }, 15_000, SEARCH_SERVER_SCRIPT);
    expect(code).toBe(1);
    expect(output).toContain('Invalid environment variable SEARCH_SERVER_PORT');
  });
});

describe.skipIf(!haveRedisServer)(redisSuiteTitle('search server sharing Redis with the app'), () => {
  let redis: RedisServerHandle;
  let app: AppServer;
  let searchServer: AppServer;
  const appOrigin = 'https://coach.example.com';

  beforeAll(async () => {
    redis = await startRedisServer();
    const shared = { REDIS_URL: `${redis.url}/4`, SESSION_SECRET: SECRET, SITE_URL: appOrigin, ...LIMITS };
    [app, searchServer] = await Promise.all([startAppServer(shared), startSearchServer(shared)]);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([app?.stop(), searchServer?.stop()]);
    await redis?.stop();
  });

  const newSession = async () => (await (await app.fetch('/api/voice-agent/token', { method: 'POST' })).json()).sessionId as string;
  const search = (body: unknown, headers: Record<string, string> = {}) => postJson(searchServer, '/search', body, headers);

  it('answers its health probe with what it is', async () => {
    const res = await searchServer.fetch('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'healthy', service: 'search', provider: 'knowledge' });
  });

  it("is what the browser's routing module picks in development, and answers the probe cross-origin", async () => {
    expect(await resolveSearchEndpoint({ devServerUrl: searchServer.url })).toEqual({ url: `${searchServer.url}/search`, source: 'dev-server' });
    const probe = await searchServer.fetch('/health', { headers: { Origin: appOrigin } });
    expect(probe.headers.get('access-control-allow-origin')).toBe(appOrigin);
  });

  it("searches for the app's live sessions with the same provider code, sharing the cache", async () => {
    const sessionId = await newSession();
    const res = await search({ query: HIGH_RISK, sessionId });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ provider: 'knowledge', cached: false, stale: false });
    expect(body.citations[0]).toMatchObject({ url: '/library/eu-ai-act-high-risk-systems' });
    // The app's built-in route now answers the same question from the shared (Redis) cache.
    const viaApp = await (await postJson(app, '/api/voice-agent/responses-search', { query: HIGH_RISK, sessionId })).json();
    expect(viaApp).toMatchObject({ cached: true, answer: body.answer });
  });

  it('refuses unknown and ended sessions, and bad input, like the built-in route', async () => {
    expect((await search({ query: 'AI strategy', sessionId: 'sess_' + 'x'.repeat(32) })).status).toBe(404);
    const sessionId = await newSession();
    await postJson(app, '/api/voice-agent/end-session', { sessionId });
    const ended = await search({ query: 'AI strategy', sessionId });
    expect(ended.status).toBe(404);
    expect((await ended.json()).error.code).toBe('session_not_found');
    const missing = await search({ query: 'AI strategy' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ success: false, error: { code: 'invalid_request' } });
    expect((await searchServer.fetch('/search')).status).toBe(405);
    expect((await searchServer.fetch('/nowhere')).status).toBe(404);
  });

  it("allows the app's pages by CORS (they live on another origin) and refuses others", async () => {
    const preflight = await searchServer.fetch('/search', {
      method: 'OPTIONS',
      headers: { Origin: appOrigin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(appOrigin);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');

    const sessionId = await newSession();
    const allowed = await search({ query: 'board reporting on AI', sessionId }, { Origin: appOrigin });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(appOrigin);

    const refused = await search({ query: 'board reporting on AI', sessionId }, { Origin: 'https://coach.example.com.evil.test' });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe('origin_not_allowed');
    await searchServer.waitForLog((l) => l.event === 'corsViolation');
  });

  it('counts its searches on /metrics', async () => {
    const text = await (await searchServer.fetch('/metrics')).text();
    expect(text).toMatch(/voice_agent_search_requests_total\{provider="knowledge",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/voice_agent_http_request_seconds_count\{route="\/search",method="POST",status="200"\} [1-9]/);
  });

  // Last: it takes Redis away.
  it('says it cannot check sessions while Redis is down (503, health unhealthy) instead of calling them ended', async () => {
    const sessionId = await newSession();
    await redis.stop();
    await expect
      .poll(async () => (await searchServer.fetch('/health')).status, { timeout: 15_000, interval: 200 })
      .toBe(503);
    expect(await (await searchServer.fetch('/health')).json()).toMatchObject({ status: 'unhealthy', service: 'search' });
    const res = await search({ query: 'AI strategy', sessionId });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect((await res.json()).error.code).toBe('session_check_unavailable');
    // …so the browser's routing module falls back to the app's own route.
    expect(await resolveSearchEndpoint({ devServerUrl: searchServer.url })).toEqual({ url: BUILT_IN_SEARCH_PATH, source: 'built-in' });
  });
});
