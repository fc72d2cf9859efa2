/**
 * Meters through a Redis outage, for real: the test's own redis-server is stopped and started again on
 * the same port. While it is down the store meters in memory, quickly, carrying on from the last shared
 * figures it saw (a budget is not reset by an outage); when Redis returns, metering is shared again by
 * itself and what was metered during the outage still counts. Each call must answer well under 1.5 s.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeterStore, type ManagedMeterStore } from '../../src/server/metering/create-meter-store';
import { ZERO_USAGE, type SessionClosure } from '../../src/server/metering/metering-types';
import { RedisMeterStore } from '../../src/server/metering/redis-meter-store';
import { utcDay } from '../../src/server/metering/utc-day';
import { createRedisClient, redisIsReady } from '../../src/server/redis/redis-client';
import { haveRedisServer, redisSuiteTitle, startRedisServer, type RedisServerHandle } from '../helpers/redis-server';
import { captureLogger, closeClient, readyClient, timed, uniquePrefix, waitFor } from '../unit/redis/redis-test-support';

const NO_HANG_MS = 1_500;
const IP = '203.0.113.40';

describe.skipIf(!haveRedisServer)(redisSuiteTitle('resilient meter store: Redis outage and recovery'), () => {
  let server: RedisServerHandle;
  let client: Redis;
  let observer: Redis | undefined;
  let store: ManagedMeterStore;
  const keyPrefix = uniquePrefix('meter-outage');
  const logs = captureLogger();

  beforeAll(async () => {
    server = await startRedisServer();
    client = await readyClient(server.url, logs.logger);
    store = createMeterStore({ redis: client, logger: logs.logger, keyPrefix });
  });
  afterAll(async () => {
    await store?.dispose();
    await Promise.all([client && closeClient(client), observer && closeClient(observer)]);
    await server?.stop();
  });

  it('meters in memory from the last shared figures while Redis is down, and adds both up once it is back', async () => {
    const now = Date.now();
    const day = utcDay(now);
    const outageClosure: SessionClosure = { reason: 'daily_cost', message: "Today's voice budget is used up.", at: now + 5 };

    // Up: metered in Redis.
    expect(await store.addUsage('s1', { ...ZERO_USAGE, outputAudioTokens: 10 }, 1_000_000, day, now)).toEqual({ sessionCostNanoUsd: 1_000_000, dayCostNanoUsd: 1_000_000 });
    expect(await store.addSeconds('s1', IP, 10, day, now)).toEqual({ sessionSeconds: 10, ipSecondsToday: 10 });
    expect(store.isDegraded()).toBe(false);

    await server.stop();
    await waitFor(() => !redisIsReady(client), 5_000, 'client to notice the outage');

    // Down: answers quickly, from memory, carrying on from the figures Redis last reported.
    const added = await timed(store.addUsage('s1', { ...ZERO_USAGE, outputAudioTokens: 5 }, 500_000, day, now + 1));
    expect(added.value).toEqual({ sessionCostNanoUsd: 1_500_000, dayCostNanoUsd: 1_500_000 });
    expect(added.ms).toBeLessThan(NO_HANG_MS);
    expect(store.isDegraded()).toBe(true);
    const counted = await timed(store.addSeconds('s1', IP, 5, day, now + 2));
    expect(counted.value).toEqual({ sessionSeconds: 15, ipSecondsToday: 15 });
    expect(counted.ms).toBeLessThan(NO_HANG_MS);
    expect(await store.dayCost(day)).toBe(1_500_000);
    expect(await store.ipSeconds(IP, day)).toBe(15);
    const closed = await timed(store.close('s1', outageClosure));
    expect(closed.value).toEqual(outageClosure);
    expect(closed.ms).toBeLessThan(NO_HANG_MS);
    const during = await timed(store.ledger('s1'));
    expect(during.value).toMatchObject({ costNanoUsd: 1_500_000, connectedSeconds: 15, closed: outageClosure });
    expect(during.value?.usage.outputAudioTokens).toBe(5); // the per-modality breakdown covers the outage only
    expect(during.ms).toBeLessThan(NO_HANG_MS);
    expect(await store.ledger('never-metered')).toBeNull();
    expect(logs.events('meterStoreDegraded')).toHaveLength(1);

    // Back, with its data (the throwaway server persists nothing, so the test puts it back).
    await server.restart();
    observer = await readyClient(server.url);
    await observer.hset(`${keyPrefix}s:s1`, { costNanoUsd: 1_000_000, connectedMs: 10_000, outputAudioTokens: 10, updatedAt: now });
    await observer.set(`${keyPrefix}d:${day}:cost`, 1_000_000);
    await observer.set(`${keyPrefix}d:${day}:ip:${IP}`, 10_000);
    await waitFor(() => !store.isDegraded(), 10_000, 'store to leave degraded mode');

    // Shared again: Redis's figures plus what the outage metered.
    expect(await store.addUsage('s1', { ...ZERO_USAGE, outputAudioTokens: 1 }, 250_000, day, now + 10)).toEqual({ sessionCostNanoUsd: 1_750_000, dayCostNanoUsd: 1_750_000 });
    expect(await observer.hget(`${keyPrefix}s:s1`, 'costNanoUsd')).toBe('1250000');
    expect(await store.addSeconds('s1', IP, 1, day, now + 11)).toEqual({ sessionSeconds: 16, ipSecondsToday: 16 });
    expect(await store.dayCost(day)).toBe(1_750_000);
    expect(await store.ipSeconds(IP, day)).toBe(16);

    // The closure made during the outage came first: it is what Redis (and so every instance) keeps.
    expect(await store.close('s1', { reason: 'operator', message: 'later', at: now + 20 })).toEqual(outageClosure);
    const otherInstance = new RedisMeterStore(observer, { keyPrefix });
    expect((await otherInstance.ledger('s1'))?.closed).toEqual(outageClosure);

    expect(await store.ledger('s1')).toMatchObject({
      usage: { ...ZERO_USAGE, outputAudioTokens: 16 },
      costNanoUsd: 1_750_000,
      connectedSeconds: 16,
      closed: outageClosure,
    });
    expect(logs.events('meterStoreRecovered').length).toBeGreaterThanOrEqual(1);
  });

  it('falls back when a call fails while the client still looks connected (a stuck Redis), then resumes', async () => {
    const day = utcDay(Date.now());
    const pauser = await readyClient(server.url);
    try {
      await pauser.call('CLIENT', 'PAUSE', '1500', 'WRITE');
      const added = await timed(store.addUsage('stuck', ZERO_USAGE, 1_000, day, Date.now()));
      expect(added.ms).toBeLessThan(NO_HANG_MS);
      expect(added.value.sessionCostNanoUsd).toBeGreaterThanOrEqual(1_000);
      expect(redisIsReady(client)).toBe(true);
      expect(store.isDegraded()).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1_600));
      await store.addSeconds('stuck', IP, 1, day, Date.now());
      expect(store.isDegraded()).toBe(false);
    } finally {
      await closeClient(pauser);
    }
  });

  it('meters in memory when Redis was never reachable', async () => {
    await server.stop();
    const lonely = createRedisClient(`redis://127.0.0.1:${server.port}`, logs.logger);
    const offline = createMeterStore({ redis: lonely, logger: logs.logger, keyPrefix: uniquePrefix('meter-never') });
    try {
      const day = utcDay(Date.now());
      const added = await timed(offline.addUsage('s2', { ...ZERO_USAGE, inputTextTokens: 3 }, 12_000, day, Date.now()));
      expect(added.value).toEqual({ sessionCostNanoUsd: 12_000, dayCostNanoUsd: 12_000 });
      expect(added.ms).toBeLessThan(NO_HANG_MS);
      expect(offline.isDegraded()).toBe(true);
      expect(await offline.addSeconds('s2', IP, 2.5, day, Date.now())).toEqual({ sessionSeconds: 2.5, ipSecondsToday: 2.5 });
      expect(await offline.ledger('s2')).toMatchObject({ costNanoUsd: 12_000, connectedSeconds: 2.5, usage: { ...ZERO_USAGE, inputTextTokens: 3 } });
    } finally {
      await offline.dispose();
      lonely.disconnect();
      await server.restart();
    }
  });
});
