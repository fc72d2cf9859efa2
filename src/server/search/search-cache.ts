/**
 * Search results by normalised query, in memory or Redis. Entries outlive their freshness
 * (SEARCH_CACHE_SECONDS) for a day, so that when a provider fails the last good answer can still be
 * served, marked stale (the architecture's `searchFailed: () => provideCachedResponse()`).
 */
import type { Redis } from 'ioredis';
import type { SearchResult } from './search-types';

export const STALE_KEEP_SECONDS = 24 * 60 * 60;
const MEMORY_MAX_ENTRIES = 5_000;

export interface CachedSearch {
  result: SearchResult;
  storedAt: number; // epoch ms
}

export interface SearchCache {
  get(key: string): Promise<CachedSearch | undefined>;
  set(key: string, entry: CachedSearch): Promise<void>;
}

/** Lower-case, collapse whitespace and trailing punctuation: "What is the EU AI Act?" ≡ "what is the eu ai act". */
export function normaliseSearchQuery(query: string): string {
  return query.toLowerCase().replace(/\s+/g, ' ').replace(/[\s?!.,;:]+$/g, '').trim();
}

export function createMemorySearchCache(now: () => number = Date.now): SearchCache {
  const entries = new Map<string, CachedSearch>();
  return {
    async get(key) {
      const hit = entries.get(key);
      if (!hit) return undefined;
      if (now() - hit.storedAt > STALE_KEEP_SECONDS * 1000) {
        entries.delete(key);
        return undefined;
      }
      return hit;
    },
    async set(key, entry) {
      // Bounded: drop the oldest insertion when full (Map keeps insertion order).
      entries.delete(key);
      if (entries.size >= MEMORY_MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      entries.set(key, entry);
    },
  };
}

export function createRedisSearchCache(redis: Redis, fallback: SearchCache = createMemorySearchCache()): SearchCache {
  const redisKey = (key: string) => `va:search:${key}`;
  return {
    async get(key) {
      try {
        const raw = await redis.get(redisKey(key));
        return raw ? (JSON.parse(raw) as CachedSearch) : undefined;
      } catch {
        return fallback.get(key);
      }
    },
    async set(key, entry) {
      await fallback.set(key, entry);
      try {
        await redis.set(redisKey(key), JSON.stringify(entry), 'EX', STALE_KEEP_SECONDS);
      } catch {
        /* the memory copy keeps this instance served */
      }
    },
  };
}
