/**
 * Rate limits: one behavioural suite run with and without Redis, then what only Redis promises (two
 * instances share the per-IP and upstream budgets exactly) and what the insurance limiter promises
 * (a Redis outage still enforces the limits per instance, without hanging).
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRateLimits, type RateLimits, type RateLimitsConfig } from '../../../src/server/limits/rate-limits';
import { redisIsReady } from '../../../src/server/redis/redis-client';
import { haveRedisServer, redisSuiteTitle, startRedisServer, type RedisServerHandle } from '../../helpers/redis-server';
import { captureLogger, closeClient, readyClient, timed, waitFor } from '../redis/redis-test-support';

const config: RateLimitsConfig = { rateLimitPerIpPerMinute: 3, maxTokensPerMinute: 4, apiRateLimitPerMinute: 5 };

async function drain(call: () => ReturnType<RateLimits['perIp']>, times: number) {
  const out = [];
  for (let i = 0; i < times; i += 1) out.push(await call());
  return out;
}

function rateLimitsContract(name: string, factory: () => RateLimits) {
  describe(`RateLimits contract: ${name}`, () => {
    let limits: RateLimits;
    beforeEach(() => {
      limits = factory();
    });

    it('perIp admits RATE_LIMIT_PER_IP_PER_MINUTE per IP, then refuses with a Retry-After', async () => {
      const decisions = await drain(() => limits.perIp('203.0.113.1'), 4);
      expect(decisions.slice(0, 3).map((d) => [d.allowed, d.remaining, d.limit])).toEqual([
        [true, 2, 3],
        [true, 1, 3],
        [true, 0, 3],
      ]);
      const refused = decisions[3]!;
      expect(refused.allowed).toBe(false);
      expect(refused.remaining).toBe(0);
      expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
      expect((await limits.perIp('203.0.113.2')).allowed).toBe(true);
    });

    it('instanceTokens admits MAX_TOKENS_PER_MINUTE, then refuses', async () => {
      const decisions = await drain(() => limits.instanceTokens(), 5);
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, false]);
      expect(decisions[4]!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(decisions[4]!.limit).toBe(4);
    });

    it('upstreamCalls admits API_RATE_LIMIT_PER_MINUTE, then refuses', async () => {
      const decisions = await drain(() => limits.upstreamCalls(), 6);
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
      expect(decisions[5]!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    });

    it('the budgets are independent of each other', async () => {
      await drain(() => limits.perIp('203.0.113.3'), 4);
      expect((await limits.instanceTokens()).allowed).toBe(true);
      expect((await limits.upstreamCalls()).allowed).toBe(true);
    });
  });
}

rateLimitsContract('memory', () => createRateLimits(config));

describe.skipIf(!haveRedisServer)(redisSuiteTitle('RateLimits with Redis'), () => {
  let server: RedisServerHandle;
  let clientA: Redis;
  let clientB: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    clientA = await readyClient(server.url);
    clientB = await readyClient(server.url);
  });
  afterAll(async () => {
    await Promise.all([clientA && closeClient(clientA), clientB && closeClient(clientB)]);
    await server?.stop();
  });
  // The limiters' key prefixes are fixed (va:rl:*): this file's own server is emptied between tests.
  beforeEach(async () => {
    await clientA.flushdb();
  });

  rateLimitsContract('redis', () => createRateLimits(config, clientA));

  it('two instances share one per-IP budget exactly under concurrency', async () => {
    const a = createRateLimits({ ...config, rateLimitPerIpPerMinute: 5 }, clientA);
    const b = createRateLimits({ ...config, rateLimitPerIpPerMinute: 5 }, clientB);
    const decisions = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).perIp('198.51.100.7')));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    expect(decisions.filter((d) => !d.allowed).every((d) => d.retryAfterSeconds >= 1)).toBe(true);
  });

  it('two instances share one upstream budget, but each has its own minting budget', async () => {
    const a = createRateLimits(config, clientA);
    const b = createRateLimits(config, clientB);
    const upstream = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).upstreamCalls()));
    expect(upstream.filter((d) => d.allowed)).toHaveLength(5);
    const tokensA = await drain(() => a.instanceTokens(), 5);
    const tokensB = await drain(() => b.instanceTokens(), 5);
    expect(tokensA.filter((d) => d.allowed)).toHaveLength(4);
    expect(tokensB.filter((d) => d.allowed)).toHaveLength(4);
  });

  it('with Redis down the insurance limiter enforces per-instance limits, without hanging or throwing', async () => {
    const logs = captureLogger();
    const limits = createRateLimits(config, clientA, logs.logger);
    expect((await limits.perIp('192.0.2.1')).allowed).toBe(true); // via Redis

    await server.stop();
    await waitFor(() => !redisIsReady(clientA), 5_000, 'client to notice the outage');
    try {
      const results = [];
      for (let i = 0; i < 4; i += 1) results.push(await timed(limits.perIp('192.0.2.1')));
      expect(results.every((r) => r.ms < 1_500)).toBe(true);
      // The insurance limiter starts its own count: 3 admitted, the 4th refused.
      expect(results.map((r) => r.value.allowed)).toEqual([true, true, true, false]);
      expect(results[3]!.value.retryAfterSeconds).toBeGreaterThanOrEqual(1);

      const upstream = await drain(() => limits.upstreamCalls(), 6);
      expect(upstream.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
      // Handled by insurance: nothing reached the fail-open path.
      expect(logs.events('rateLimiterError')).toEqual([]);
    } finally {
      await server.restart();
    }

    // Back: shared again (the restarted server is empty, so a fresh budget in Redis).
    await waitFor(() => redisIsReady(clientA) && redisIsReady(clientB), 10_000, 'clients to reconnect');
    const b = createRateLimits(config, clientB);
    const shared = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? limits : b).perIp('192.0.2.99')));
    expect(shared.filter((d) => d.allowed)).toHaveLength(3);
  });
});
