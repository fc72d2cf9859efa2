/**
 * The one place that chooses where meters live: process memory when there is no Redis (a single
 * instance), otherwise Redis shared by all instances with a per-instance memory fallback for outages.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger';
import { MemoryMeterStore } from './memory-meter-store';
import type { MeterStore } from './metering-types';
import { RedisMeterStore } from './redis-meter-store';
import { ResilientMeterStore } from './resilient-meter-store';

export type ManagedMeterStore = MeterStore & {
  /** Stops listeners. Does not close the Redis client: its owner does (it is shared). */
  dispose(): Promise<void>;
};

export interface CreateMeterStoreOptions {
  redis?: Redis;
  logger: Logger;
  /** Redis key prefix; defaults to `va:mt:`. Tests give each run its own. */
  keyPrefix?: string;
  /** Wall clock for memory expiry; tests pass their own. */
  clock?: () => number;
}

export function createMeterStore(options: CreateMeterStoreOptions): ManagedMeterStore {
  const local = new MemoryMeterStore({ clock: options.clock });
  if (!options.redis) {
    return Object.assign(local, { dispose: async () => {} });
  }
  const shared = new RedisMeterStore(options.redis, { keyPrefix: options.keyPrefix });
  return new ResilientMeterStore(options.redis, shared, local, options.logger, { clock: options.clock });
}
