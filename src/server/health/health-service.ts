/**
 * HealthResponse for load balancers and operators. Answers from cached facts: the tier comes from
 * the tier cache (a cold cache gets one bounded lookup, shared with token requests), Redis from the
 * client's connection state, so a health probe never multiplies upstream calls.
 */
import type { TierDetector, Tier } from '../openai/tier-detector';

export interface HealthResponse {
  status: 'healthy' | 'degraded' | 'unhealthy';
  apiKey: boolean;
  realtimeAPI: boolean;
  timestamp: number;
}

export interface HealthDeps {
  apiKeyConfigured: boolean;
  tier: TierDetector | undefined;
  /** Undefined when no Redis is configured (memory stores are the intended setup, not a degradation). */
  sharedStateHealthy: (() => boolean) | undefined;
  coldLookupTimeoutMs?: number;
  now?: () => number;
}

export function createHealthService(deps: HealthDeps) {
  const timeoutMs = deps.coldLookupTimeoutMs ?? 1500;
  const now = deps.now ?? Date.now;

  async function currentTier(): Promise<Tier | undefined> {
    if (!deps.tier) return undefined;
    const cached = await deps.tier.peek();
    if (cached) return cached;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    try {
      return await Promise.race([deps.tier.detect().catch(() => undefined), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async check(): Promise<HealthResponse> {
      const tier = await currentTier();
      const realtimeAPI = tier === 'realtime';
      const sharedOk = deps.sharedStateHealthy ? deps.sharedStateHealthy() : true;
      const status = tier === 'invalid_key' ? 'unhealthy' : realtimeAPI && sharedOk ? 'healthy' : 'degraded';
      return { status, apiKey: deps.apiKeyConfigured, realtimeAPI, timestamp: now() };
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;
