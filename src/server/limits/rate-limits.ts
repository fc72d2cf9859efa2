/**
 * Request-rate limits (rate-limiter-flexible, fixed 60 s windows). Limits that must hold across all
 * instances live in Redis; each has an in-memory insurance limiter with the same points, so a Redis
 * outage degrades them to per-instance limits instead of failing requests. A limiter problem never
 * becomes a failed request: the decision is "allowed" and a warning is logged.
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Config } from '../config';
import type { Logger } from '../observability/logger';

export interface LimitDecision { allowed: boolean; limit: number; remaining: number; retryAfterSeconds: number; } // retryAfterSeconds ≥ 1 when !allowed
export interface RateLimits {
  perIp(ip: string): Promise<LimitDecision>;        // RATE_LIMIT_PER_IP_PER_MINUTE token+refresh requests per IP per 60 s, shared via Redis
  instanceTokens(): Promise<LimitDecision>;         // MAX_TOKENS_PER_MINUTE tokens minted by THIS instance per 60 s (memory only)
  upstreamCalls(): Promise<LimitDecision>;          // API_RATE_LIMIT_PER_MINUTE upstream OpenAI calls per 60 s across all instances (Redis key, insurance in memory)
  searchPerSession(sessionId: string): Promise<LimitDecision>; // SEARCH_RATE_LIMIT_PER_SESSION_PER_MINUTE, shared
  searchPerIp(ip: string): Promise<LimitDecision>;   // SEARCH_RATE_LIMIT_PER_IP_PER_MINUTE, shared
  telemetryPerSession(sessionId: string): Promise<LimitDecision>; // TELEMETRY_RATE_LIMIT_PER_SESSION_PER_MINUTE, shared
  fallbackPerSession(sessionId: string): Promise<LimitDecision>; // FALLBACK_RATE_LIMIT_PER_SESSION_PER_MINUTE (transcribe+chat+speech), shared
  fallbackPerIp(ip: string): Promise<LimitDecision>; // FALLBACK_RATE_LIMIT_PER_IP_PER_MINUTE, shared
  gradePerSession(sessionId: string): Promise<LimitDecision>; // GRADE_RATE_LIMIT_PER_SESSION_PER_MINUTE (scorecards), shared
  gradePerIp(ip: string): Promise<LimitDecision>; // GRADE_RATE_LIMIT_PER_IP_PER_MINUTE, shared
  callsPerSession(sessionId: string): Promise<LimitDecision>; // CALLS_RATE_LIMIT_PER_SESSION_PER_MINUTE (metered WebRTC offers + relay connects), shared
  statusPerSession(sessionId: string): Promise<LimitDecision>; // session-status polls: TELEMETRY_RATE_LIMIT_PER_SESSION_PER_MINUTE, its own bucket, shared
}

export type RateLimitsConfig = Pick<Config, 'rateLimitPerIpPerMinute' | 'maxTokensPerMinute' | 'apiRateLimitPerMinute'> &
  Partial<
    Pick<
      Config,
      | 'searchRateLimitPerSessionPerMinute'
      | 'searchRateLimitPerIpPerMinute'
      | 'telemetryRateLimitPerSessionPerMinute'
      | 'fallbackRateLimitPerSessionPerMinute'
      | 'fallbackRateLimitPerIpPerMinute'
      | 'gradeRateLimitPerSessionPerMinute'
      | 'gradeRateLimitPerIpPerMinute'
      | 'callsRateLimitPerSessionPerMinute'
    >
  >;

const WINDOW_SECONDS = 60;
/** A persistent limiter fault would otherwise log on every request. */
const WARN_EVERY_MS = 60_000;

export function createRateLimits(config: RateLimitsConfig, redis?: Redis, logger?: Logger): RateLimits {
  const perIp = guarded('perIp', sharedLimiter('va:rl:ip', config.rateLimitPerIpPerMinute, redis), logger);
  // Minting budget protects this process (and its share of the upstream quota): never shared.
  const tokens = guarded(
    'instanceTokens',
    new RateLimiterMemory({ keyPrefix: 'va:rl:tok', points: config.maxTokensPerMinute, duration: WINDOW_SECONDS }),
    logger,
  );
  const upstream = guarded('upstreamCalls', sharedLimiter('va:rl:api', config.apiRateLimitPerMinute, redis), logger);
  const searchSession = guarded('searchPerSession', sharedLimiter('va:rl:ss', config.searchRateLimitPerSessionPerMinute ?? 10, redis), logger);
  const searchIp = guarded('searchPerIp', sharedLimiter('va:rl:si', config.searchRateLimitPerIpPerMinute ?? 30, redis), logger);
  const telemetry = guarded('telemetryPerSession', sharedLimiter('va:rl:tel', config.telemetryRateLimitPerSessionPerMinute ?? 30, redis), logger);
  const fallbackSession = guarded('fallbackPerSession', sharedLimiter('va:rl:fs', config.fallbackRateLimitPerSessionPerMinute ?? 60, redis), logger);
  const fallbackIp = guarded('fallbackPerIp', sharedLimiter('va:rl:fi', config.fallbackRateLimitPerIpPerMinute ?? 180, redis), logger);
  const gradeSession = guarded('gradePerSession', sharedLimiter('va:rl:gs', config.gradeRateLimitPerSessionPerMinute ?? 3, redis), logger);
  const gradeIp = guarded('gradePerIp', sharedLimiter('va:rl:gi', config.gradeRateLimitPerIpPerMinute ?? 20, redis), logger);
  const callsSession = guarded('callsPerSession', sharedLimiter('va:rl:cs', config.callsRateLimitPerSessionPerMinute ?? 10, redis), logger);
  const statusSession = guarded('statusPerSession', sharedLimiter('va:rl:st', config.telemetryRateLimitPerSessionPerMinute ?? 30, redis), logger);
  return {
    perIp: (ip) => perIp(ip),
    callsPerSession: (sessionId) => callsSession(sessionId),
    statusPerSession: (sessionId) => statusSession(sessionId),
    gradePerSession: (sessionId) => gradeSession(sessionId),
    gradePerIp: (ip) => gradeIp(ip),
    fallbackPerSession: (sessionId) => fallbackSession(sessionId),
    fallbackPerIp: (ip) => fallbackIp(ip),
    telemetryPerSession: (sessionId) => telemetry(sessionId),
    instanceTokens: () => tokens('instance'),
    upstreamCalls: () => upstream('all'),
    searchPerSession: (sessionId) => searchSession(sessionId),
    searchPerIp: (ip) => searchIp(ip),
  };
}

function sharedLimiter(keyPrefix: string, points: number, redis: Redis | undefined): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix, points, duration: WINDOW_SECONDS });
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis,
    keyPrefix,
    points,
    duration: WINDOW_SECONDS,
    // While the client is reconnecting, go straight to the insurance limiter (no doomed command).
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
  });
}

/** One consume → one decision, never a rejection. */
function guarded(name: string, limiter: RateLimiterAbstract, logger: Logger | undefined) {
  const limit = limiter.points;
  let lastWarnAt = -Infinity;
  return async (key: string): Promise<LimitDecision> => {
    try {
      const res = await limiter.consume(key);
      return { allowed: true, limit, remaining: res.remainingPoints, retryAfterSeconds: 0 };
    } catch (rejection) {
      // Over the limit: the library rejects with a RateLimiterRes (duck-typed: the module may be loaded twice).
      const msBeforeNext = (rejection as { msBeforeNext?: unknown } | null)?.msBeforeNext;
      if (typeof msBeforeNext === 'number') {
        return { allowed: false, limit, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)) };
      }
      // Anything else got past the insurance limiter (or there is none): fail open, loudly.
      if (logger && Date.now() - lastWarnAt >= WARN_EVERY_MS) {
        lastWarnAt = Date.now();
        logger.warn(
          { event: 'rateLimiterError', limiter: name, err: rejection instanceof Error ? { message: rejection.message } : String(rejection) },
          'rate limiter failed: request allowed',
        );
      }
      return { allowed: true, limit, remaining: limit, retryAfterSeconds: 0 };
    }
  };
}
