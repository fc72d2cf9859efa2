/**
 * Builds the server's services once per process, in dependency order, and hands them to middleware
 * and routes. Stored on `globalThis` so the adapter entrypoint (which validates config at startup) and
 * the routes share one instance even if the bundler gives them separate module copies.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { loadConfig, type Config } from './config';
import { createLogger, type Logger } from './observability/logger';
import { createMetrics, type Metrics } from './observability/metrics';
import { createRedisClient, redisIsReady } from './redis/redis-client';
import { createSessionStore } from './sessions/create-session-store';
import { createRateLimits, type RateLimits } from './limits/rate-limits';
import { createOpenAIUpstream } from './openai/openai-upstream';
import { createFallbackUpstream, type FallbackUpstream } from './openai/fallback-upstream';
import { createUpstreamGuard } from './openai/upstream-guard';
import { createFallbackAuth, type FallbackAuth } from './fallback/fallback-auth';
import { createMemoryTierCache, createRedisTierCache } from './openai/tier-cache';
import { createTierDetector } from './openai/tier-detector';
import { createTokenService, type TokenService } from './tokens/token-service';
import { loadScenarioCatalogue, type ScenarioCatalogue } from './coach/scenario-catalogue';
import { createHealthService, type HealthService } from './health/health-service';
import { realtimeConnectSources, searchConnectSources } from './http/security-headers';
import { createConfiguredSearchService } from './search/create-search-service';
import type { SearchService } from './search/search-service';
import type { SessionStore } from './sessions/session-store';
import { createTelemetryService, type TelemetryService } from './telemetry/telemetry-service';
import { createGradingService, createGradingUpstream, type GradingService } from './grading/grading-service';
import { createMeter, createMetering, type MeteringServices } from './metering/create-metering';
import { relayGuards } from './relay/relay-guards';

export interface AppContext {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  tokens: TokenService;
  health: HealthService;
  search: SearchService;
  telemetry: TelemetryService;
  /** Post-session scorecards (model grader, or the heuristic one for demo sessions). */
  grading: GradingService;
  /** The practice scenarios a session can be bound to (read once at startup). */
  scenarios: ScenarioCatalogue;
  /** Fallback mode's token check and OpenAI calls (no upstream without a key). */
  fallback: FallbackServices;
  sessions: SessionStore;
  /** Cost control (issue 8): present when sessions are metered (METERED_SESSIONS / budgets configured). */
  metering: MeteringServices | undefined;
  limits: RateLimits;
  instanceId: string;
  /** Page `connect-src` additions: the realtime upstream and, when configured, the search endpoint's origin. */
  connectSources: string[];
  /** Whether shared state (Redis) is reachable right now; undefined when none is configured. */
  sharedStateHealthy: (() => boolean) | undefined;
  close(): Promise<void>;
}

export interface FallbackServices {
  auth: FallbackAuth;
  upstream: FallbackUpstream | undefined;
}

const KEY = Symbol.for('executive-ai-coach.app-context');
type Holder = { [KEY]?: AppContext };

export function getAppContext(): AppContext {
  const holder = globalThis as Holder;
  holder[KEY] ??= createAppContext(loadConfig());
  return holder[KEY];
}

export function createAppContext(config: Config): AppContext {
  const logger = createLogger(config.logLevel);
  const metrics = createMetrics();
  // First, before any connection is opened: a bad scenario file stops startup (ScenarioCatalogueError).
  const scenarios = loadScenarioCatalogue(config.scenariosDir, {
    onMissing: (dir) =>
      logger.warn(
        { event: 'configWarning', variable: 'SCENARIOS_DIR', dir },
        'No scenario directory: practice scenarios are unavailable (free coaching only).',
      ),
  });
  const instanceId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;

  const redis: Redis | undefined = config.redisUrl ? createRedisClient(config.redisUrl, logger) : undefined;
  const store = createSessionStore({ redis, logger });
  const limits = createRateLimits(config, redis, logger);

  // One guard for every OpenAI call: the global upstream budget, timing, apiError logs.
  const guard = createUpstreamGuard({ limits, metrics, logger });
  const upstream = config.openaiApiKey
    ? createOpenAIUpstream({
        apiKey: config.openaiApiKey,
        baseUrl: config.openaiBaseUrl,
        timeoutMs: config.upstreamTimeoutMs,
        model: config.realtimeModel,
        voice: config.realtimeVoice,
        guard,
      })
    : undefined;
  const fallback: FallbackServices = {
    // The gate exists once metering is built (below); a request can only arrive after startup.
    auth: createFallbackAuth({ config, sessions: store, gate: (session) => metering?.fallbackGate(session) ?? Promise.resolve() }),
    upstream: config.openaiApiKey ? createFallbackUpstream({ apiKey: config.openaiApiKey, config, guard }) : undefined,
  };
  const tier =
    upstream && config.openaiApiKey
      ? createTierDetector({
          upstream,
          cache: redis ? createRedisTierCache(redis) : createMemoryTierCache(),
          apiKey: config.openaiApiKey,
          baseUrl: config.openaiBaseUrl,
          model: config.realtimeModel,
          ttlSeconds: config.tierCacheSeconds,
          metrics,
          logger,
        })
      : undefined;

  const meter = createMeter({ redis, logger });
  const tokens = createTokenService({ config, store, limits, upstream, tier, metrics, logger, instanceId, scenarios, meter: config.metered ? meter : undefined });
  const metering = createMetering(
    {
      config,
      redis,
      sessions: store,
      connectsPerSession: limits.callsPerSession,
      guard,
      metrics,
      logger,
      instanceId,
      instructionsFor: tokens.instructionsFor,
      upstream,
      ...relayGuards(config),
    },
    meter,
  );
  const sharedStateHealthy = redis ? () => redisIsReady(redis) && !store.isDegraded() : undefined;
  const search = createConfiguredSearchService({ config, redis, limits, metrics, logger });
  const telemetry = createTelemetryService({ config, store, limits, metrics, logger });
  const grading = createGradingService(
    { sessions: store, scenarios, limits, metrics, logger, config },
    config.openaiApiKey
      ? createGradingUpstream({ apiKey: config.openaiApiKey, baseUrl: config.openaiBaseUrl, timeoutMs: config.upstreamTimeoutMs, model: config.graderModel, guard })
      : undefined,
  );
  const health = createHealthService({ apiKeyConfigured: Boolean(config.openaiApiKey), tier, sharedStateHealthy });

  metrics.setActiveCountsSource(() => store.activeCounts(instanceId));
  metrics.redisUp.set(redis ? 1 : -1);
  if (redis) {
    redis.on('ready', () => metrics.redisUp.set(1));
    redis.on('close', () => metrics.redisUp.set(0));
  }

  if (config.sessionSecretIsEphemeral) {
    logger.warn(
      { event: 'configWarning', variable: 'SESSION_SECRET' },
      'SESSION_SECRET is not set: fallback/demo tokens are signed with a random per-process key (fine for one instance; set it when running several).',
    );
  }
  logger.info(
    {
      event: 'startup',
      instanceId,
      mode: config.demoMode === 'force' || !config.openaiApiKey ? 'demo' : 'auto',
      stores: redis ? 'redis' : 'memory',
      searchProvider: search.providerName,
      realtimeModel: config.realtimeModel,
      chatModel: config.chatModel,
      scenarios: scenarios.list().length,
      metered: Boolean(metering),
    },
    'voice agent services ready',
  );

  return {
    config,
    logger,
    metrics,
    tokens,
    health,
    search,
    telemetry,
    grading,
    scenarios,
    fallback,
    sessions: store,
    metering,
    limits,
    instanceId,
    connectSources: [...realtimeConnectSources(config.realtimeUrl), ...searchConnectSources(config.publicSearchApiUrl)],
    sharedStateHealthy,
    async close() {
      await metering?.close();
      await store.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
