/**
 * The Redis meter store against a real, throwaway redis-server: the shared contract, then what only a
 * shared store can promise — two instances (two independent clients) adding to the same session, IP and
 * day never lose an update, the first closure wins across instances, and every key expires by itself.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeterStore } from '../../src/server/metering/create-meter-store';
import { ZERO_USAGE, type SessionClosure } from '../../src/server/metering/metering-types';
import { RedisMeterStore } from '../../src/server/metering/redis-meter-store';
import { utcDay } from '../../src/server/metering/utc-day';
import { haveRedisServer, redisSuiteTitle, startRedisServer, type RedisServerHandle } from '../helpers/redis-server';
import { meterStoreContract } from '../unit/metering/meter-store-contract';
import { closeClient, readyClient, silentLogger, uniquePrefix } from '../unit/redis/redis-test-support';

const DAY_S = 86_400;

describe.skipIf(!haveRedisServer)(redisSuiteTitle('Redis meter store'), () => {
  let server: RedisServerHandle;
  let clientA: Redis;
  let clientB: Redis;
  let observer: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    [clientA, clientB, observer] = await Promise.all([readyClient(server.url), readyClient(server.url), readyClient(server.url)]);
  });
  afterAll(async () => {
    await Promise.all([clientA, clientB, observer].map((c) => c && closeClient(c)));
    await server?.stop();
  });

  meterStoreContract('redis', async () => ({ store: new RedisMeterStore(clientA, { keyPrefix: uniquePrefix('meter') }), cleanup: async () => {} }));
  meterStoreContract('createMeterStore with Redis (resilient, Redis up)', async () => {
    const store = createMeterStore({ redis: clientA, logger: silentLogger(), keyPrefix: uniquePrefix('meter-resilient') });
    return { store, cleanup: () => store.dispose() };
  });

  const pair = () => {
    const keyPrefix = uniquePrefix('meter-pair');
    return { keyPrefix, a: new RedisMeterStore(clientA, { keyPrefix }), b: new RedisMeterStore(clientB, { keyPrefix }) };
  };

  it('keeps exact sums under 200 concurrent adds from two instances', async () => {
    const { a, b } = pair();
    const now = Date.now();
    const day = utcDay(now);
    const turn = { ...ZERO_USAGE, inputAudioTokens: 500, cachedAudioTokens: 100, outputAudioTokens: 300 };
    const cost = 35_040_000;
    const adds = Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).addUsage('shared-session', turn, cost, day, now));
    const seconds = Array.from({ length: 200 }, (_, i) => (i % 2 ? b : a).addSeconds('shared-session', '203.0.113.77', 0.333, day, now));
    const [added, counted] = await Promise.all([Promise.all(adds), Promise.all(seconds)]);

    // Every add saw its own total: increments were applied one at a time, none lost or doubled.
    expect(new Set(added.map((r) => r.sessionCostNanoUsd)).size).toBe(200);
    expect(Math.max(...added.map((r) => r.dayCostNanoUsd))).toBe(200 * cost);
    expect(Math.max(...counted.map((r) => r.ipSecondsToday))).toBe(66.6);

    const ledger = await b.ledger('shared-session');
    expect(ledger).toMatchObject({
      usage: { ...ZERO_USAGE, inputAudioTokens: 100_000, cachedAudioTokens: 20_000, outputAudioTokens: 60_000 },
      costNanoUsd: 7_008_000_000,
      connectedSeconds: 66.6,
    });
    expect(await a.dayCost(day)).toBe(7_008_000_000);
    expect(await b.ipSeconds('203.0.113.77', day)).toBe(66.6);
  });

  it('lets the first closure win across instances', async () => {
    const { a, b } = pair();
    const now = Date.now();
    const closures: SessionClosure[] = Array.from({ length: 20 }, (_, i) => ({
      reason: i % 2 ? 'operator' : 'session_minutes',
      message: `closure ${i}`,
      at: now + i,
    }));
    const results = await Promise.all(closures.map((c, i) => (i % 2 ? a : b).close('contested', c)));
    const winner = results[0]!;
    expect(closures).toContainEqual(winner);
    for (const result of results) expect(result).toEqual(winner);
    expect((await a.ledger('contested'))?.closed).toEqual(winner);
    expect((await b.ledger('contested'))?.closed).toEqual(winner);
    expect(await b.close('contested', { reason: 'daily_cost', message: 'late', at: now + 100 })).toEqual(winner);
  });

  it('lays keys out as documented, with their TTLs, and renews a ledger\'s TTL on every write', async () => {
    const { keyPrefix, a } = pair();
    const now = Date.now();
    const day = utcDay(now);
    await a.addUsage('s1', { ...ZERO_USAGE, outputTextTokens: 10 }, 160_000, day, now);
    await a.addSeconds('s1', '2001:db8::5', 1.5, day, now);
    await a.link('s1', { transport: 'webrtc', callId: 'rtc_abc', instanceId: 'inst-a', model: 'gpt-realtime-2.1' }, now);
    await a.setVerdict('s1', { endsAt: now + 60_000, limit: 'daily_minutes' }, now);
    await a.close('s1', { reason: 'daily_minutes', message: 'bye', at: now + 1 });

    const ledgerKey = `${keyPrefix}s:s1`;
    expect(await observer.hgetall(ledgerKey)).toEqual({
      outputTextTokens: '10',
      costNanoUsd: '160000',
      connectedMs: '1500',
      link: JSON.stringify({ transport: 'webrtc', callId: 'rtc_abc', instanceId: 'inst-a', model: 'gpt-realtime-2.1' }),
      endsAt: String(now + 60_000),
      limit: 'daily_minutes',
      closed: JSON.stringify({ reason: 'daily_minutes', message: 'bye', at: now + 1 }),
      updatedAt: String(now + 1),
    });
    expect(await observer.get(`${keyPrefix}d:${day}:cost`)).toBe('160000');
    expect(await observer.get(`${keyPrefix}d:${day}:ip:2001:db8::5`)).toBe('1500');

    const ttl = (key: string) => observer.ttl(key);
    expect(await ttl(ledgerKey)).toBeGreaterThan(DAY_S - 10);
    expect(await ttl(ledgerKey)).toBeLessThanOrEqual(DAY_S);
    for (const key of [`${keyPrefix}d:${day}:cost`, `${keyPrefix}d:${day}:ip:2001:db8::5`]) {
      expect(await ttl(key)).toBeGreaterThan(2 * DAY_S - 10);
      expect(await ttl(key)).toBeLessThanOrEqual(2 * DAY_S);
    }
    // Every kind of write renews the ledger's 24 h.
    const writes: Array<() => Promise<unknown>> = [
      () => a.addUsage('s1', ZERO_USAGE, 0, day, now),
      () => a.addSeconds('s1', '2001:db8::5', 0, day, now),
      () => a.link('s1', { transport: 'websocket', instanceId: 'inst-a', model: 'gpt-realtime-2.1' }, now),
      () => a.setVerdict('s1', { endsAt: now, limit: 'session_minutes' }, now),
      () => a.close('s1', { reason: 'operator', message: 'x', at: now }),
    ];
    for (const write of writes) {
      await observer.expire(ledgerKey, 100);
      await write();
      expect(await ttl(ledgerKey)).toBeGreaterThan(DAY_S - 10);
    }
  });

  it('writes under va:mt: by default', async () => {
    const store = new RedisMeterStore(clientA);
    const id = `default-prefix-${randomUUID()}`;
    try {
      await store.addSeconds(id, '192.0.2.1', 1, '1999-01-01', Date.now());
      expect(await observer.hget(`va:mt:s:${id}`, 'connectedMs')).toBe('1000');
      expect(await observer.get('va:mt:d:1999-01-01:ip:192.0.2.1')).toBe('1000');
    } finally {
      await observer.del(`va:mt:s:${id}`, 'va:mt:d:1999-01-01:ip:192.0.2.1');
    }
  });

  it('reads a damaged ledger without failing: unreadable fields are left out', async () => {
    const { keyPrefix, a } = pair();
    await observer.hset(`${keyPrefix}s:damaged`, {
      costNanoUsd: 'abc',
      outputAudioTokens: '-4',
      inputTextTokens: '12',
      link: '{not json',
      closed: JSON.stringify({ reason: 'bored', message: 'x', at: 1 }),
      endsAt: '123',
      limit: 'operator',
    });
    expect(await a.ledger('damaged')).toEqual({
      sessionId: 'damaged',
      usage: { ...ZERO_USAGE, inputTextTokens: 12 },
      costNanoUsd: 0,
      connectedSeconds: 0,
      updatedAt: 0,
    });
  });

  it('reads many ledgers at once', async () => {
    const { a, b } = pair();
    const now = Date.now();
    const ids = Array.from({ length: 300 }, (_, i) => `many-${i}`);
    await Promise.all(ids.filter((_, i) => i % 3 === 0).map((id, i) => b.addSeconds(id, '192.0.2.9', i, utcDay(now), now)));
    const found = await a.ledgers(ids);
    expect(found.size).toBe(100);
    expect(found.get('many-3')?.connectedSeconds).toBe(1);
    expect(found.has('many-1')).toBe(false);
  });
});
