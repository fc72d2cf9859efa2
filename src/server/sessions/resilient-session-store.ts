/**
 * Redis-backed sessions that survive a Redis outage. While Redis is not ready (or a call to it fails),
 * operations go to this instance's memory store, so quotas become per-instance instead of requests
 * failing; once the client reconnects, new sessions go to Redis again without anyone intervening.
 * Sessions created in memory during the outage stay there until they end or expire, and are still found
 * by get/refresh/end afterwards. No Redis error ever reaches a caller.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger';
import { RedisFallback } from '../redis/redis-fallback';
import type { MemorySessionStore } from './memory-session-store';
import type {
  ModeSwitch,
  RefreshResult,
  RegisterResult,
  SessionCapacity,
  SessionRecord,
  SessionStore,
} from './session-store';

export class ResilientSessionStore implements SessionStore {
  private readonly redis: RedisFallback;

  constructor(
    client: Redis,
    private readonly shared: SessionStore,
    private readonly local: MemorySessionStore,
    logger: Logger,
  ) {
    this.redis = new RedisFallback(client, logger, {
      degradedEvent: 'sessionStoreDegraded',
      degraded: 'session registry degraded to per-instance memory (quotas apply per instance until Redis is back)',
      recoveredEvent: 'sessionStoreRecovered',
      recovered: 'session registry is shared through Redis again',
    });
  }

  /** True while sessions are kept per instance (Redis not ready, or its last call failed). */
  isDegraded(): boolean {
    return this.redis.isDegraded();
  }

  async register(record: SessionRecord, capacity: SessionCapacity, now = Date.now()): Promise<RegisterResult> {
    const viaRedis = await this.redis.attempt('register', async () =>
      this.shared.register(record, await this.capacityLeftAfterLocal(record, capacity, now), now),
    );
    return viaRedis.ok ? viaRedis.value : this.local.register(record, capacity, now);
  }

  // get/refresh/end ask memory first: it holds only sessions created during an outage (ids are unique
  // across both), answering from it costs nothing, and it keeps those sessions usable if Redis is down.
  async get(id: string, now = Date.now()): Promise<SessionRecord | null> {
    const local = await this.local.get(id, now);
    if (local) return local;
    const viaRedis = await this.redis.attempt('get', () => this.shared.get(id, now));
    return viaRedis.ok ? viaRedis.value : null;
  }

  async refresh(id: string, newExpiresAt: number, maxRefreshes: number, now = Date.now(), switchMode?: ModeSwitch): Promise<RefreshResult> {
    const local = await this.local.refresh(id, newExpiresAt, maxRefreshes, now, switchMode);
    if (local.ok || local.reason !== 'not_found') return local;
    const viaRedis = await this.redis.attempt('refresh', () => this.shared.refresh(id, newExpiresAt, maxRefreshes, now, switchMode));
    // A Redis session cannot be refreshed while Redis is unreachable: to the caller it is not found.
    return viaRedis.ok ? viaRedis.value : local;
  }

  async keepAlive(id: string, newExpiresAt: number, now = Date.now()): Promise<SessionRecord | null> {
    const local = await this.local.keepAlive(id, newExpiresAt, now);
    if (local) return local;
    const viaRedis = await this.redis.attempt('keepAlive', () => this.shared.keepAlive(id, newExpiresAt, now));
    return viaRedis.ok ? viaRedis.value : null;
  }

  async end(id: string, now = Date.now()): Promise<SessionRecord | null> {
    const local = await this.local.end(id, now);
    if (local) return local;
    const viaRedis = await this.redis.attempt('end', () => this.shared.end(id, now));
    // If Redis is unreachable its copy stays until expiresAt; its quota frees itself then.
    return viaRedis.ok ? viaRedis.value : null;
  }

  async list(limit: number, now = Date.now()): Promise<SessionRecord[]> {
    const local = await this.local.list(limit, now);
    const viaRedis = await this.redis.attempt('list', () => this.shared.list(limit, now));
    const all = viaRedis.ok ? [...local, ...viaRedis.value] : local;
    return all.sort((a, b) => a.expiresAt - b.expiresAt).slice(0, limit);
  }

  async activeCounts(instanceId: string, now = Date.now()): Promise<{ instance: number; total: number }> {
    const local = await this.local.activeCounts(instanceId, now);
    const viaRedis = await this.redis.attempt('activeCounts', () => this.shared.activeCounts(instanceId, now));
    if (!viaRedis.ok) return local;
    return { instance: local.instance + viaRedis.value.instance, total: local.total + viaRedis.value.total };
  }

  async close(): Promise<void> {
    this.redis.dispose();
    this.local.close();
  }

  /** Sessions still held in memory from an outage count against the same quotas once Redis is back. */
  private async capacityLeftAfterLocal(
    record: SessionRecord,
    capacity: SessionCapacity,
    now: number,
  ): Promise<SessionCapacity> {
    if (this.local.isEmpty()) return capacity;
    const counts = await this.local.activeCounts(record.instanceId, now);
    return {
      maxPerIp: Math.max(0, capacity.maxPerIp - this.local.ipCount(record.ip, now)),
      maxPerInstance: Math.max(0, capacity.maxPerInstance - counts.instance),
      maxTotal: Math.max(0, capacity.maxTotal - counts.total),
    };
  }

}
