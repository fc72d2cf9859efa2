/**
 * The Redis registry against a real, throwaway redis-server: the shared contract, then what only a
 * shared store can promise — two instances (two independent clients) behave as one.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionStore } from '../../../src/server/sessions/create-session-store';
import { RedisSessionStore } from '../../../src/server/sessions/redis-session-store';
import { newSessionId } from '../../../src/server/sessions/session-id';
import type { SessionRecord } from '../../../src/server/sessions/session-store';
import { haveRedisServer, redisSuiteTitle, startRedisServer, type RedisServerHandle } from '../../helpers/redis-server';
import { closeClient, readyClient, silentLogger, uniquePrefix } from '../redis/redis-test-support';
import { sessionStoreContract } from './session-store-contract';

describe.skipIf(!haveRedisServer)(redisSuiteTitle('Redis session store'), () => {
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

  sessionStoreContract('redis', async () => ({
    store: new RedisSessionStore(clientA, { keyPrefix: uniquePrefix('contract') }),
    cleanup: async () => {},
  }));

  sessionStoreContract('createSessionStore with Redis (resilient, Redis up)', async () => {
    const store = createSessionStore({ redis: clientA, logger: silentLogger(), keyPrefix: uniquePrefix('resilient') });
    return { store, cleanup: () => store.close() };
  });

  describe('two instances sharing one Redis', () => {
    const record = (overrides: Partial<SessionRecord> = {}): SessionRecord => {
      const now = Date.now();
      return {
        id: newSessionId(),
        mode: 'realtime',
        ip: '203.0.113.50',
        instanceId: 'inst-a',
        createdAt: now,
        expiresAt: now + 60_000,
        refreshCount: 0,
        ...overrides,
      };
    };
    const pair = () => {
      const keyPrefix = uniquePrefix('pair');
      return { keyPrefix, a: new RedisSessionStore(clientA, { keyPrefix }), b: new RedisSessionStore(clientB, { keyPrefix }) };
    };

    it('a per-IP quota of 3 admits exactly 3 of 20 concurrent registers', async () => {
      const { a, b } = pair();
      const cap = { maxPerIp: 3, maxPerInstance: 100, maxTotal: 100 };
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? a : b).register(record({ instanceId: i % 2 ? 'inst-a' : 'inst-b' }), cap),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(3);
      expect(results.filter((r) => !r.ok && r.reason === 'ip_quota')).toHaveLength(17);
      expect((await a.activeCounts('inst-a')).total).toBe(3);
    });

    it('a global capacity of 5 admits exactly 5 of 20 concurrent registers from different IPs', async () => {
      const { a, b } = pair();
      const cap = { maxPerIp: 100, maxPerInstance: 100, maxTotal: 5 };
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? a : b).register(record({ ip: `10.1.0.${i}`, instanceId: i % 2 ? 'inst-a' : 'inst-b' }), cap),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(5);
      expect(results.filter((r) => !r.ok && r.reason === 'global_capacity')).toHaveLength(15);
    });

    it('a session registered on A can be read, refreshed and ended on B', async () => {
      const { a, b } = pair();
      const cap = { maxPerIp: 1, maxPerInstance: 1, maxTotal: 10 };
      const session = record({ instanceId: 'inst-a' });
      expect(await a.register(session, cap)).toEqual({ ok: true });
      expect(await b.get(session.id)).toEqual(session);

      const refreshed = await b.refresh(session.id, session.expiresAt + 60_000, 5);
      expect(refreshed).toEqual({ ok: true, record: { ...session, refreshCount: 1, expiresAt: session.expiresAt + 60_000 }, previousMode: 'realtime' });
      expect((await a.get(session.id))?.refreshCount).toBe(1);

      expect(await b.activeCounts('inst-a')).toEqual({ instance: 1, total: 1 });
      expect(await b.end(session.id)).toEqual({ ...session, refreshCount: 1, expiresAt: session.expiresAt + 60_000 });
      // Ending on B freed A's instance slot and the IP's quota.
      expect(await a.activeCounts('inst-a')).toEqual({ instance: 0, total: 0 });
      expect(await a.register(record({ instanceId: 'inst-a' }), cap)).toEqual({ ok: true });
    });

    it('sessions carry a Redis expiry, and end leaves no keys behind', async () => {
      const { a, keyPrefix } = pair();
      const session = record();
      await a.register(session, { maxPerIp: 5, maxPerInstance: 5, maxTotal: 5 });
      const ttl = await clientA.pttl(`${keyPrefix}s:${session.id}`);
      expect(ttl).toBeGreaterThan(55_000);
      expect(ttl).toBeLessThanOrEqual(60_000 + 60_000);
      expect(await clientA.pttl(`${keyPrefix}ip:${session.ip}`)).toBeGreaterThan(0);

      await a.end(session.id);
      expect(await clientA.keys(`${keyPrefix}*`)).toEqual([]);
    });

    it('registering sweeps other expired sessions out of Redis', async () => {
      const { a, keyPrefix } = pair();
      const now = Date.now();
      const cap = { maxPerIp: 5, maxPerInstance: 5, maxTotal: 5 };
      const stale = record({ ip: '10.2.0.1', instanceId: 'inst-old', expiresAt: now + 1_000 });
      await a.register(stale, cap, now);
      await a.register(record({ ip: '10.2.0.2' }), cap, now + 2_000);
      const keys = await clientA.keys(`${keyPrefix}*`);
      expect(keys.some((k) => k.includes(stale.id) || k.endsWith('ip:10.2.0.1') || k.endsWith('inst:inst-old'))).toBe(false);
    });
  });
});
