/**
 * Redis outage and recovery, for real: the test's own redis-server is stopped and started again on the
 * same port. While it is down the store answers from memory (quickly, per instance); when it returns,
 * sharing resumes by itself. Each call must resolve well under 1.5 s — not a benchmark, just "no hang".
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionStore, type ManagedSessionStore } from '../../../src/server/sessions/create-session-store';
import { newSessionId } from '../../../src/server/sessions/session-id';
import type { SessionRecord } from '../../../src/server/sessions/session-store';
import { haveRedisServer, redisSuiteTitle, startRedisServer, type RedisServerHandle } from '../../helpers/redis-server';
import { captureLogger, closeClient, readyClient, timed, uniquePrefix, waitFor } from '../redis/redis-test-support';
import { createRedisClient, redisIsReady } from '../../../src/server/redis/redis-client';

const NO_HANG_MS = 1_500;
const cap = { maxPerIp: 2, maxPerInstance: 10, maxTotal: 10 };

const record = (overrides: Partial<SessionRecord> = {}): SessionRecord => {
  const now = Date.now();
  return {
    id: newSessionId(),
    mode: 'fallback',
    ip: '203.0.113.9',
    instanceId: 'inst-a',
    createdAt: now,
    expiresAt: now + 60_000,
    refreshCount: 0,
    ...overrides,
  };
};

describe.skipIf(!haveRedisServer)(redisSuiteTitle('resilient session store: Redis outage and recovery'), () => {
  let server: RedisServerHandle;
  let client: Redis;
  let observer: Redis;
  let store: ManagedSessionStore;
  const keyPrefix = uniquePrefix('outage');
  const logs = captureLogger();

  beforeAll(async () => {
    server = await startRedisServer();
    client = await readyClient(server.url, logs.logger);
    store = createSessionStore({ redis: client, logger: logs.logger, keyPrefix });
  });
  afterAll(async () => {
    await store?.close();
    await Promise.all([client && closeClient(client), observer && closeClient(observer)]);
    await server?.stop();
  });

  it('falls back to per-instance memory while Redis is down, then shares again by itself', async () => {
    // Up: sessions live in Redis.
    const before = record();
    expect(await store.register(before, cap)).toEqual({ ok: true });
    expect(store.isDegraded()).toBe(false);

    await server.stop();
    await waitFor(() => !redisIsReady(client), 5_000, 'client to notice the outage');

    // Down: every operation answers quickly, from memory, with per-instance quotas.
    const during = record({ ip: '198.51.100.20' });
    const registered = await timed(store.register(during, cap));
    expect(registered.value).toEqual({ ok: true });
    expect(registered.ms).toBeLessThan(NO_HANG_MS);
    expect(store.isDegraded()).toBe(true);

    const second = await timed(store.register(record({ ip: '198.51.100.20' }), cap));
    expect(second.value).toEqual({ ok: true });
    const third = await timed(store.register(record({ ip: '198.51.100.20' }), cap));
    expect(third.value).toEqual({ ok: false, reason: 'ip_quota' });

    const got = await timed(store.get(during.id));
    expect(got.value).toEqual(during);
    expect(got.ms).toBeLessThan(NO_HANG_MS);
    const refreshed = await timed(store.refresh(during.id, during.expiresAt + 10_000, 5));
    expect(refreshed.value.ok).toBe(true);
    expect(refreshed.ms).toBeLessThan(NO_HANG_MS);
    // The Redis-held session is unreachable: reported as absent, not as an error.
    const unreachable = await timed(store.get(before.id));
    expect(unreachable.value).toBeNull();
    expect(unreachable.ms).toBeLessThan(NO_HANG_MS);
    const counts = await timed(store.activeCounts('inst-a'));
    expect(counts.value).toEqual({ instance: 2, total: 2 });
    expect(counts.ms).toBeLessThan(NO_HANG_MS);
    expect(logs.events('sessionStoreDegraded')).toHaveLength(1);

    // Back (empty: the throwaway server persists nothing).
    await server.restart();
    await waitFor(() => !store.isDegraded(), 10_000, 'store to leave degraded mode');

    // New sessions go to Redis again: visible to another instance's client.
    observer = await readyClient(server.url);
    const after = record({ ip: '192.0.2.33' });
    expect(await store.register(after, cap)).toEqual({ ok: true });
    expect(await observer.exists(`${keyPrefix}s:${after.id}`)).toBe(1);
    const otherInstance = createSessionStore({ redis: observer, logger: logs.logger, keyPrefix });
    expect(await otherInstance.get(after.id)).toEqual(after);
    await otherInstance.close();

    // Sessions created during the outage still work after it…
    expect((await store.get(during.id))?.refreshCount).toBe(1);
    expect((await store.refresh(during.id, during.expiresAt + 20_000, 5)).ok).toBe(true);
    // …and still count: the IP holds 2 memory sessions, so Redis admits no more for it.
    expect(await store.register(record({ ip: '198.51.100.20' }), cap)).toEqual({ ok: false, reason: 'ip_quota' });
    expect(await store.activeCounts('inst-a')).toEqual({ instance: 3, total: 3 });
    expect((await store.end(during.id))?.id).toBe(during.id);
    expect(await store.end(during.id)).toBeNull();
    expect(await store.end(after.id)).toEqual(after);
    expect(logs.events('sessionStoreRecovered').length).toBeGreaterThanOrEqual(1);
  });

  it('answers from memory when Redis was never reachable', async () => {
    const closedPort = server.port + 0;
    await server.stop();
    const lonely = createRedisClient(`redis://127.0.0.1:${closedPort}`, logs.logger);
    const offline = createSessionStore({ redis: lonely, logger: logs.logger, keyPrefix: uniquePrefix('never') });
    try {
      const r = record();
      const registered = await timed(offline.register(r, cap));
      expect(registered.value).toEqual({ ok: true });
      expect(registered.ms).toBeLessThan(NO_HANG_MS);
      expect(offline.isDegraded()).toBe(true);
      expect(await offline.get(r.id)).toEqual(r);
      expect(await offline.end(r.id)).toEqual(r);
    } finally {
      await offline.close();
      lonely.disconnect();
      await server.restart();
    }
  });
});
