/**
 * Where tier-detection results live between lookups: process memory, or Redis so that N instances
 * ask OpenAI once per TIER_CACHE_SECONDS between them. A Redis error falls back to memory silently
 * (the store's own client logs the outage).
 */
import type { Redis } from 'ioredis';

export interface TierCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
}

export function createMemoryTierCache(now: () => number = Date.now): TierCache {
  const entries = new Map<string, { value: string; expiresAt: number }>();
  return {
    async get(key) {
      const hit = entries.get(key);
      if (!hit) return undefined;
      if (hit.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return hit.value;
    },
    async set(key, value, ttlSeconds) {
      entries.set(key, { value, expiresAt: now() + ttlSeconds * 1000 });
    },
  };
}

export function createRedisTierCache(redis: Redis, fallback: TierCache = createMemoryTierCache()): TierCache {
  return {
    async get(key) {
      try {
        return (await redis.get(`va:tier:${key}`)) ?? undefined;
      } catch {
        return fallback.get(key);
      }
    },
    async set(key, value, ttlSeconds) {
      await fallback.set(key, value, ttlSeconds);
      try {
        await redis.set(`va:tier:${key}`, value, 'EX', ttlSeconds);
      } catch {
        /* memory copy above keeps this instance from re-asking */
      }
    },
  };
}
