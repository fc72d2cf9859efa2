/**
 * Does the server's key have realtime access? Answered from `GET /models` (looking for the configured
 * realtime model id), cached for TIER_CACHE_SECONDS, and single-flighted so concurrent callers share
 * one upstream request. An upstream error gives `unknown` (the token flow then tries to mint), cached
 * only briefly so a blip does not stick for minutes.
 */
import { createHash } from 'node:crypto';
import type { Metrics } from '../observability/metrics';
import type { Logger } from '../observability/logger';
import { UpstreamCallError, type OpenAIUpstream } from './openai-upstream';
import type { TierCache } from './tier-cache';

export type Tier = 'realtime' | 'standard' | 'unknown' | 'invalid_key';

const UNKNOWN_CACHE_SECONDS = 15;

export interface TierDetector {
  detect(): Promise<Tier>;
  /** The cached answer, without calling upstream. */
  peek(): Promise<Tier | undefined>;
  /** Records what a mint attempt taught us (e.g. the key turned out to lack access). */
  remember(tier: Tier): Promise<void>;
}

export function createTierDetector(deps: {
  upstream: OpenAIUpstream;
  cache: TierCache;
  apiKey: string;
  baseUrl: string;
  model: string;
  ttlSeconds: number;
  metrics: Metrics;
  logger: Logger;
}): TierDetector {
  // The cache key is a hash: the key itself never reaches Redis or memory dumps.
  const cacheKey = createHash('sha256').update(`${deps.baseUrl}\n${deps.model}\n${deps.apiKey}`).digest('hex').slice(0, 32);
  let inFlight: Promise<Tier> | undefined;

  const ttlFor = (tier: Tier) => (tier === 'unknown' ? Math.min(UNKNOWN_CACHE_SECONDS, deps.ttlSeconds) : deps.ttlSeconds);

  async function lookup(): Promise<Tier> {
    try {
      const ids = await deps.upstream.listModelIds();
      if (ids.includes(deps.model)) return 'realtime';
      const realtimeIds = ids.filter((id) => id.includes('realtime'));
      deps.logger.warn(
        { event: 'realtimeModelUnavailable', model: deps.model, availableRealtimeModels: realtimeIds.slice(0, 10) },
        'configured realtime model is not available to this key',
      );
      return 'standard';
    } catch (error) {
      if (error instanceof UpstreamCallError && error.failure.kind === 'invalid_key') return 'invalid_key';
      if (error instanceof UpstreamCallError && error.failure.kind === 'no_realtime_access') return 'standard';
      if (error instanceof UpstreamCallError) return 'unknown';
      throw error; // e.g. the upstream budget is exhausted: the caller answers 503
    }
  }

  return {
    async peek() {
      return (await deps.cache.get(cacheKey)) as Tier | undefined;
    },

    async detect() {
      const cached = (await deps.cache.get(cacheKey)) as Tier | undefined;
      if (cached) {
        deps.metrics.tierDetections.inc({ result: cached, source: 'cache' });
        return cached;
      }
      inFlight ??= lookup()
        .then(async (tier) => {
          deps.metrics.tierDetections.inc({ result: tier, source: 'upstream' });
          await deps.cache.set(cacheKey, tier, ttlFor(tier));
          return tier;
        })
        .finally(() => {
          inFlight = undefined;
        });
      return inFlight;
    },

    async remember(tier) {
      await deps.cache.set(cacheKey, tier, ttlFor(tier));
    },
  };
}
