import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { decodeJwt } from 'jose';
import { loadConfig } from '../../../src/server/config';
import { createMetrics } from '../../../src/server/observability/metrics';
import { createSessionStore } from '../../../src/server/sessions/create-session-store';
import { createRateLimits } from '../../../src/server/limits/rate-limits';
import { createTokenService } from '../../../src/server/tokens/token-service';
import { ApiError } from '../../../src/server/http/api-error';
import { UpstreamCallError, type OpenAIUpstream } from '../../../src/server/openai/openai-upstream';
import type { Tier, TierDetector } from '../../../src/server/openai/tier-detector';

const logger = pino({ level: 'silent' });
const stores: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

function fixedTier(tier: Tier): TierDetector & { remembered: Tier[] } {
  const remembered: Tier[] = [];
  return { detect: async () => tier, peek: async () => tier, remember: async (t) => void remembered.push(t), remembered };
}

function service(env: Record<string, string>, opts: { tier?: TierDetector; upstream?: OpenAIUpstream } = {}) {
  const config = loadConfig(env);
  const store = createSessionStore({ logger });
  stores.push(store);
  const metrics = createMetrics();
  const tokens = createTokenService({
    config,
    store,
    limits: createRateLimits(config),
    upstream: opts.upstream,
    tier: opts.tier,
    metrics,
    logger,
    instanceId: 'test-instance',
  });
  return { tokens, store, metrics, config };
}

const mintOk: OpenAIUpstream = {
  listModelIds: async () => ['gpt-realtime-2.1'],
  mintRealtimeSecret: async (ttl) => ({ value: `ek_test_${Math.random()}`, expiresAtMs: Date.now() + ttl * 1000, model: 'gpt-realtime-2.1' }),
};
const mintFails = (kind: 'invalid_key' | 'no_realtime_access' | 'server_error'): OpenAIUpstream => ({
  listModelIds: async () => [],
  mintRealtimeSecret: async () => {
    throw new UpstreamCallError({ kind, status: kind === 'invalid_key' ? 401 : kind === 'server_error' ? 500 : 403, code: null, detail: '' });
  },
});

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected ApiError');
}

describe('token flow', () => {
  it('issues a signed demo token without a key, with a warning saying what to set', async () => {
    const { tokens } = service({});
    const before = Date.now();
    const t = await tokens.issueToken('1.1.1.1');
    expect(t.mode).toBe('demo');
    expect(t.sessionId).toMatch(/^sess_[A-Za-z0-9_-]{32,}$/);
    expect(t.expiresAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(t.expiresAt).toBeLessThan(before + 62_000);
    expect(t.warnings?.join(' ')).toContain('OPENAI_API_KEY');
    expect(decodeJwt(t.token)).toMatchObject({ sub: t.sessionId, mode: 'demo' });
  });

  it('refuses with 503 when there is no key and DEMO_MODE=off', async () => {
    const e = await apiError(service({ DEMO_MODE: 'off' }).tokens.issueToken('1.1.1.1'));
    expect(e.status).toBe(503);
  });

  it('mints an ephemeral realtime secret when the key has realtime access', async () => {
    const { tokens } = service({ OPENAI_API_KEY: 'sk-x' }, { tier: fixedTier('realtime'), upstream: mintOk });
    const t = await tokens.issueToken('1.1.1.1');
    expect(t.mode).toBe('realtime');
    expect(t.token).toMatch(/^ek_/);
    expect(t.warnings).toBeUndefined();
  });

  it('falls back with a clear warning when the key has no realtime access', async () => {
    const t = await service({ OPENAI_API_KEY: 'sk-x' }, { tier: fixedTier('standard'), upstream: mintOk }).tokens.issueToken('1.1.1.1');
    expect(t.mode).toBe('fallback');
    expect(t.warnings?.[0]).toMatch(/no access to the realtime model gpt-realtime-2\.1/);
    expect(decodeJwt(t.token)).toMatchObject({ mode: 'fallback' });
  });

  it('tries to mint when the tier is unknown and falls back if the mint fails', async () => {
    const tier = fixedTier('unknown');
    const t = await service({ OPENAI_API_KEY: 'sk-x' }, { tier, upstream: mintFails('no_realtime_access') }).tokens.issueToken('1.1.1.1');
    expect(t.mode).toBe('fallback');
    expect(t.warnings?.[0]).toContain('no access to the realtime model');
    expect(tier.remembered).toEqual(['standard']);
    const t2 = await service({ OPENAI_API_KEY: 'sk-x' }, { tier: fixedTier('realtime'), upstream: mintFails('server_error') }).tokens.issueToken('1.1.1.1');
    expect(t2.mode).toBe('fallback');
    expect(t2.warnings?.[0]).toContain('temporary error');
  });

  it('goes to demo (or 503 when DEMO_MODE=off) when the key is rejected', async () => {
    const t = await service({ OPENAI_API_KEY: 'sk-x' }, { tier: fixedTier('realtime'), upstream: mintFails('invalid_key') }).tokens.issueToken('1.1.1.1');
    expect(t.mode).toBe('demo');
    expect(t.warnings?.[0]).toContain('rejected');
    const e = await apiError(service({ OPENAI_API_KEY: 'sk-x', DEMO_MODE: 'off' }, { tier: fixedTier('invalid_key') }).tokens.issueToken('1.1.1.1'));
    expect(e.status).toBe(503);
  });

  it('honours DEMO_MODE=force even with a working key', async () => {
    const t = await service({ OPENAI_API_KEY: 'sk-x', DEMO_MODE: 'force' }, { tier: fixedTier('realtime'), upstream: mintOk }).tokens.issueToken('1.1.1.1');
    expect(t.mode).toBe('demo');
  });

  it('limits requests per IP with a Retry-After', async () => {
    const { tokens } = service({ RATE_LIMIT_PER_IP_PER_MINUTE: '2', MAX_SESSIONS_PER_IP: '10' });
    await tokens.issueToken('2.2.2.2');
    await tokens.issueToken('2.2.2.2');
    const e = await apiError(tokens.issueToken('2.2.2.2'));
    expect(e.status).toBe(429);
    expect(Number(e.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
    await expect(tokens.issueToken('3.3.3.3')).resolves.toMatchObject({ mode: 'demo' });
  });

  it('holds the per-IP session quota until a session ends', async () => {
    const { tokens } = service({ MAX_SESSIONS_PER_IP: '2' });
    const a = await tokens.issueToken('4.4.4.4');
    await tokens.issueToken('4.4.4.4');
    const e = await apiError(tokens.issueToken('4.4.4.4'));
    expect([e.status, e.code]).toEqual([429, 'session_limit_reached']);
    await tokens.endSession(a.sessionId);
    await expect(tokens.issueToken('4.4.4.4')).resolves.toMatchObject({ mode: 'demo' });
  });

  it('caps instance concurrency and the global total with 503', async () => {
    const inst = service({ MAX_CONCURRENT_CONNECTIONS: '1' }).tokens;
    await inst.issueToken('5.5.5.1');
    expect((await apiError(inst.issueToken('5.5.5.2'))).status).toBe(503);
    const glob = service({ TOTAL_ACTIVE_CONNECTIONS: '1' }).tokens;
    await glob.issueToken('5.5.5.1');
    expect((await apiError(glob.issueToken('5.5.5.2'))).code).toBe('service_at_capacity');
  });

  it('caps tokens minted per instance per minute', async () => {
    const { tokens } = service({ MAX_TOKENS_PER_MINUTE: '1' });
    await tokens.issueToken('6.6.6.1');
    const e = await apiError(tokens.issueToken('6.6.6.2'));
    expect([e.status, e.code]).toEqual([503, 'instance_token_limit']);
  });

  it('refreshes a live session up to TOKEN_REFRESH_LIMIT times, then 429; unknown sessions 404', async () => {
    const { tokens } = service({ TOKEN_REFRESH_LIMIT: '2', RATE_LIMIT_PER_IP_PER_MINUTE: '100' });
    const t = await tokens.issueToken('7.7.7.7');
    const r1 = await tokens.refreshToken('7.7.7.7', t.sessionId);
    expect(r1).toMatchObject({ sessionId: t.sessionId, mode: 'demo' });
    expect(r1.token).not.toBe(t.token);
    await tokens.refreshToken('7.7.7.7', t.sessionId);
    expect((await apiError(tokens.refreshToken('7.7.7.7', t.sessionId))).status).toBe(429);
    expect((await apiError(tokens.refreshToken('7.7.7.7', 'sess_unknownunknownunknownunknown'))).status).toBe(404);
    await tokens.endSession(t.sessionId);
    expect((await apiError(tokens.refreshToken('7.7.7.7', t.sessionId))).status).toBe(404);
    expect((await apiError(tokens.endSession(t.sessionId))).status).toBe(404);
  });

  it('mints a fresh realtime secret on refresh', async () => {
    const { tokens } = service({ OPENAI_API_KEY: 'sk-x' }, { tier: fixedTier('realtime'), upstream: mintOk });
    const t = await tokens.issueToken('8.8.8.8');
    const r = await tokens.refreshToken('8.8.8.8', t.sessionId);
    expect(r.mode).toBe('realtime');
    expect(r.token).toMatch(/^ek_/);
    expect(r.token).not.toBe(t.token);
  });

  it('moves a live realtime session to fallback on request: same id, a signed fallback token, counted as a switch', async () => {
    let mints = 0;
    const counting: OpenAIUpstream = { ...mintOk, mintRealtimeSecret: (ttl) => (mints++, mintOk.mintRealtimeSecret(ttl)) };
    const { tokens, metrics } = service({ OPENAI_API_KEY: 'sk-x', TOKEN_REFRESH_LIMIT: '3' }, { tier: fixedTier('realtime'), upstream: counting });
    const t = await tokens.issueToken('8.8.8.9');
    expect(t.mode).toBe('realtime');
    const switched = await tokens.refreshToken('8.8.8.9', t.sessionId, { mode: 'fallback' });
    expect(switched).toMatchObject({ success: true, sessionId: t.sessionId, mode: 'fallback' });
    expect(switched.realtime).toBeUndefined();
    expect(decodeJwt(switched.token)).toMatchObject({ sub: t.sessionId, mode: 'fallback' });
    expect(mints).toBe(1); // no realtime secret minted for the switch
    // Asking again just refreshes the fallback session; a plain refresh keeps it in fallback too.
    expect((await tokens.refreshToken('8.8.8.9', t.sessionId, { mode: 'fallback' })).mode).toBe('fallback');
    expect((await tokens.refreshToken('8.8.8.9', t.sessionId)).mode).toBe('fallback');
    expect(mints).toBe(1);
    // The switch counts against the refresh limit like any refresh.
    expect((await apiError(tokens.refreshToken('8.8.8.9', t.sessionId, { mode: 'fallback' }))).status).toBe(429);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/voice_agent_tokens_generated_total\{mode="fallback",kind="switch"\} 1/);
    expect(text).toMatch(/voice_agent_tokens_generated_total\{mode="fallback",kind="refresh"\} 2/);
  });

  it('moves a live session to fallback itself when a refresh finds its key lost realtime access', async () => {
    let access = true;
    const losing: OpenAIUpstream = {
      ...mintOk,
      mintRealtimeSecret: async (ttl) => {
        if (access) return mintOk.mintRealtimeSecret(ttl);
        throw new UpstreamCallError({ kind: 'no_realtime_access', status: 403, code: 'model_not_found', detail: '' });
      },
    };
    const tier = fixedTier('realtime');
    const { tokens, store } = service({ OPENAI_API_KEY: 'sk-x', TOKEN_REFRESH_LIMIT: '1' }, { tier, upstream: losing });
    const t = await tokens.issueToken('8.8.8.11');
    await tokens.refreshToken('8.8.8.11', t.sessionId); // the client's one refresh
    access = false;
    const e = await apiError(tokens.refreshToken('8.8.8.11', t.sessionId));
    expect(e.status).toBe(429); // over the limit the client's own refresh is still refused…
    const { tokens: tokens2, store: store2 } = service({ OPENAI_API_KEY: 'sk-x', TOKEN_REFRESH_LIMIT: '1' }, { tier, upstream: losing });
    access = true;
    const t2 = await tokens2.issueToken('8.8.8.12');
    access = false;
    // …but within it, a refresh that finds no realtime access continues the same session in fallback.
    const r = await tokens2.refreshToken('8.8.8.12', t2.sessionId);
    expect(r).toMatchObject({ success: true, sessionId: t2.sessionId, mode: 'fallback' });
    expect(r.realtime).toBeUndefined();
    expect(decodeJwt(r.token)).toMatchObject({ sub: t2.sessionId, mode: 'fallback' });
    expect(r.warnings?.[0]).toContain('fallback mode');
    expect((await store2.get(t2.sessionId))?.mode).toBe('fallback');
    expect(tier.remembered).toContain('standard');
    expect((await store.get(t.sessionId))?.mode).toBe('realtime');
  });

  it('refuses to move a demo session to fallback (403 wrong_mode) and leaves it a demo session', async () => {
    const { tokens } = service({});
    const t = await tokens.issueToken('8.8.8.10');
    expect(t.mode).toBe('demo');
    const e = await apiError(tokens.refreshToken('8.8.8.10', t.sessionId, { mode: 'fallback' }));
    expect([e.status, e.code]).toEqual([403, 'wrong_mode']);
    expect((await tokens.refreshToken('8.8.8.10', t.sessionId)).mode).toBe('demo');
  });

  it('counts tokens by mode in metrics', async () => {
    const { tokens, metrics } = service({});
    await tokens.issueToken('9.9.9.9');
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/voice_agent_tokens_generated_total\{mode="demo",kind="new"\} 1/);
    expect(text).toMatch(/voice_agent_token_generation_seconds_count\{mode="demo"\} 1/);
  });
});
