/**
 * The one place that chooses the session registry: process memory when there is no Redis (a single
 * instance), otherwise Redis shared by all instances with a per-instance memory fallback for outages.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger';
import { MemorySessionStore } from './memory-session-store';
import { RedisSessionStore } from './redis-session-store';
import { ResilientSessionStore } from './resilient-session-store';
import type { SessionStore } from './session-store';

export type ManagedSessionStore = SessionStore & {
  /** True while sessions are tracked per instance because Redis is unavailable (never with memory). */
  isDegraded(): boolean;
  /** Stops timers and listeners. Does not close the Redis client: its owner does (it is shared). */
  close(): Promise<void>;
};

export interface CreateSessionStoreOptions {
  redis?: Redis;
  logger: Logger;
  /** Redis key prefix; defaults to `va:`. Tests give each run its own. */
  keyPrefix?: string;
}

export function createSessionStore(options: CreateSessionStoreOptions): ManagedSessionStore {
  const local = new MemorySessionStore();
  if (!options.redis) {
    return {
      register: (record, capacity, now) => local.register(record, capacity, now),
      get: (id, now) => local.get(id, now),
      refresh: (id, newExpiresAt, maxRefreshes, now, switchMode) => local.refresh(id, newExpiresAt, maxRefreshes, now, switchMode),
      keepAlive: (id, newExpiresAt, now) => local.keepAlive(id, newExpiresAt, now),
      end: (id, now) => local.end(id, now),
      list: (limit, now) => local.list(limit, now),
      activeCounts: (instanceId, now) => local.activeCounts(instanceId, now),
      isDegraded: () => false,
      close: async () => local.close(),
    };
  }
  const shared = new RedisSessionStore(options.redis, { keyPrefix: options.keyPrefix });
  return new ResilientSessionStore(options.redis, shared, local, options.logger);
}
