/**
 * The one place that reads and validates the environment. Every variable is documented in
 * `.env.example` and the README; a bad value stops startup with a message naming the variable.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { decimal, int, modelId, optionalString, origin, publicSearchUrl } from './config-fields';
import { ConfigError } from './config-error';
import { costControlSettings } from './metering/metering-config';
import type { BudgetConfig, PricingTable } from './metering/metering-types';

/** Current GA realtime model (see shared/reference/openai-protocol.md §6). */
export const DEFAULT_REALTIME_MODEL = 'gpt-realtime-2.1';

/** Built-in text-to-speech voices (protocol brief §9.2). */
export const TTS_VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'fable', 'onyx', 'nova', 'sage', 'shimmer', 'verse', 'marin', 'cedar'] as const;
export const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high'] as const;

const envSchema = z
  .object({
    HOST: optionalString.transform((v) => v ?? '127.0.0.1'),
    PORT: int(0, 65535, 4321),
    OPENAI_API_KEY: optionalString,
    OPENAI_BASE_URL: optionalString
      .transform((v) => v ?? 'https://api.openai.com/v1')
      .pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }))
      .transform((v) => v.replace(/\/+$/, '')),
    // Where browsers connect for live voice (WebRTC `{url}/calls`, WebSocket `{url}?model=`); default `{OPENAI_BASE_URL}/realtime`.
    OPENAI_REALTIME_URL: optionalString.pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional()),
    OPENAI_REALTIME_MODEL: optionalString
      .transform((v) => v ?? DEFAULT_REALTIME_MODEL)
      .pipe(z.string().regex(/^[\w.:-]+$/, 'must be a model id')),
    OPENAI_REALTIME_VOICE: optionalString
      .transform((v) => v ?? 'marin')
      .pipe(z.enum(['alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse', 'marin', 'cedar'])),
    ALLOWED_ORIGINS: optionalString.transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ).pipe(z.array(origin)),
    SITE_URL: optionalString.pipe(origin.optional()),
    DEMO_MODE: optionalString.transform((v) => v ?? 'auto').pipe(z.enum(['auto', 'off', 'force'])),
    // OpenAI accepts 10..7200 s for an ephemeral secret (protocol brief §1.1).
    TOKEN_TTL_SECONDS: int(10, 7200, 60),
    RATE_LIMIT_PER_IP_PER_MINUTE: int(1, 1_000_000, 10),
    MAX_SESSIONS_PER_IP: int(1, 1_000_000, 3),
    TOKEN_REFRESH_LIMIT: int(0, 1_000_000, 5),
    MAX_TOKENS_PER_MINUTE: int(1, 10_000_000, 600),
    MAX_CONCURRENT_CONNECTIONS: int(1, 10_000_000, 100),
    TOTAL_ACTIVE_CONNECTIONS: int(1, 100_000_000, 10_000),
    API_RATE_LIMIT_PER_MINUTE: int(1, 100_000_000, 10_000),
    TIER_CACHE_SECONDS: int(1, 86_400, 300),
    UPSTREAM_TIMEOUT_MS: int(100, 120_000, 10_000),
    SLOW_RESPONSE_MS: int(1, 600_000, 1_000),
    // A session not heard from (telemetry heartbeat) for this long is over and frees its quota.
    SESSION_IDLE_SECONDS: int(30, 3600, 180),
    // Heartbeats never keep one session alive longer than this (the upstream caps one connection at 60 min;
    // the browser renews transparently, so a coaching session may run longer).
    SESSION_MAX_SECONDS: int(60, 86_400, 7_200),
    TELEMETRY_RATE_LIMIT_PER_SESSION_PER_MINUTE: int(1, 10_000, 30),
    SEARCH_PROVIDER: optionalString.transform((v) => v ?? 'auto').pipe(z.enum(['auto', 'openai', 'searxng', 'knowledge'])),
    SEARXNG_URL: optionalString
      .pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).optional())
      .transform((v) => v?.replace(/\/+$/, '')),
    OPENAI_SEARCH_MODEL: optionalString
      .transform((v) => v ?? 'gpt-5.4')
      .pipe(z.string().regex(/^[\w.:-]+$/, 'must be a model id')),
    // Fallback mode (speech-to-text + Chat Completions + text-to-speech, docs/fallback-and-demo.md).
    OPENAI_CHAT_MODEL: modelId('gpt-5.4'),
    OPENAI_CHAT_REASONING_EFFORT: optionalString.transform((v) => v ?? 'none').pipe(z.enum(REASONING_EFFORTS)),
    OPENAI_TTS_MODEL: modelId('gpt-4o-mini-tts'),
    OPENAI_TTS_VOICE: optionalString.transform((v) => v ?? 'marin').pipe(z.enum(TTS_VOICES)),
    OPENAI_TRANSCRIBE_MODEL: modelId('gpt-4o-mini-transcribe'),
    CHAT_MAX_TOOL_ROUNDS: int(1, 5, 3),
    FALLBACK_RATE_LIMIT_PER_SESSION_PER_MINUTE: int(1, 1_000_000, 60),
    FALLBACK_RATE_LIMIT_PER_IP_PER_MINUTE: int(1, 1_000_000, 180),
    // Post-session scorecards (POST /api/voice-agent/grade): the grading model and its budgets.
    OPENAI_GRADER_MODEL: modelId('gpt-5.4'),
    GRADE_RATE_LIMIT_PER_SESSION_PER_MINUTE: int(1, 1_000_000, 3),
    GRADE_RATE_LIMIT_PER_IP_PER_MINUTE: int(1, 1_000_000, 20),
    SEARCH_CACHE_SECONDS: int(0, 86_400, 600),
    SEARCH_TIMEOUT_MS: int(100, 60_000, 8_000),
    SEARCH_RATE_LIMIT_PER_SESSION_PER_MINUTE: int(1, 1_000_000, 10),
    SEARCH_RATE_LIMIT_PER_IP_PER_MINUTE: int(1, 1_000_000, 30),
    // Where the browser sends the coach's searches in production; unset = the built-in route.
    PUBLIC_SEARCH_API_URL: optionalString.pipe(publicSearchUrl.optional()),
    // The standalone development search server (`npm run search-server`).
    SEARCH_SERVER_HOST: optionalString.transform((v) => v ?? '127.0.0.1'),
    SEARCH_SERVER_PORT: int(0, 65535, 3001),
    // The practice scenarios (Markdown + frontmatter) the coach can be bound to; relative to the working directory.
    SCENARIOS_DIR: optionalString,
    // Cost control (docs/cost-control.md). METERED_SESSIONS=auto meters realtime sessions (server in the
    // call path: unified WebRTC interface + sideband, or the WebSocket relay) when any budget below is set.
    METERED_SESSIONS: optionalString.transform((v) => v ?? 'auto').pipe(z.enum(['auto', 'on', 'off'])),
    SESSION_MAX_MINUTES: decimal(0.05, 1440),
    DAILY_MINUTES_PER_IP: decimal(0.1, 1440),
    DAILY_COST_LIMIT_USD: decimal(0.01, 1_000_000),
    SESSION_COST_LIMIT_USD: decimal(0.01, 100_000),
    BUDGET_WARNING_SECONDS: int(1, 600, 60),
    // JSON: {"<model>": {"text": {"input", "cachedInput", "output"}, "audio": {…}}} in USD per million tokens, over the built-in table.
    MODEL_PRICES: optionalString,
    CALLS_RATE_LIMIT_PER_SESSION_PER_MINUTE: int(1, 10_000, 10),
    ADMIN_TOKEN: optionalString.pipe(z.string().min(24, 'must be at least 24 characters').optional()),
    REDIS_URL: optionalString.pipe(
      z.url({ protocol: /^rediss?$/, message: 'must be a redis:// or rediss:// URL' }).optional(),
    ),
    SESSION_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
    TRUST_PROXY: int(0, 10, 0),
    REQUIRE_HTTPS: optionalString.transform((v) => v ?? 'auto').pipe(z.enum(['auto', 'on', 'off'])),
    METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
    LOG_LEVEL: optionalString
      .transform((v) => v ?? 'info')
      .pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
    NODE_ENV: optionalString,
  })
  .superRefine((env, ctx) => {
    if (env.SEARCH_PROVIDER === 'searxng' && !env.SEARXNG_URL) {
      ctx.addIssue({ code: 'custom', path: ['SEARXNG_URL'], message: 'is required when SEARCH_PROVIDER=searxng' });
    }
    if (env.SEARCH_PROVIDER === 'openai' && !env.OPENAI_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['OPENAI_API_KEY'], message: 'is required when SEARCH_PROVIDER=openai' });
    }
    if (env.METERED_SESSIONS === 'on' && !env.OPENAI_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['METERED_SESSIONS'], message: 'is "on" but OPENAI_API_KEY is not set (there is nothing to meter in demo mode)' });
    }
    if (env.REDIS_URL && !env.SESSION_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SESSION_SECRET'],
        message: 'is required when REDIS_URL is set (every instance must sign tokens with the same key)',
      });
    }
  });

export interface Config {
  host: string;
  port: number;
  openaiApiKey: string | undefined;
  openaiBaseUrl: string;
  realtimeModel: string;
  realtimeVoice: string;
  /** Base URL browsers connect to for realtime voice (no trailing slash). */
  realtimeUrl: string;
  sessionIdleSeconds: number;
  sessionMaxSeconds: number;
  telemetryRateLimitPerSessionPerMinute: number;
  allowedOrigins: readonly string[];
  siteUrl: string | undefined;
  demoMode: 'auto' | 'off' | 'force';
  tokenTtlSeconds: number;
  rateLimitPerIpPerMinute: number;
  maxSessionsPerIp: number;
  tokenRefreshLimit: number;
  maxTokensPerMinute: number;
  maxConcurrentConnections: number;
  totalActiveConnections: number;
  apiRateLimitPerMinute: number;
  tierCacheSeconds: number;
  upstreamTimeoutMs: number;
  slowResponseMs: number;
  searchProvider: 'auto' | 'openai' | 'searxng' | 'knowledge';
  searxngUrl: string | undefined;
  openaiSearchModel: string;
  chatModel: string;
  /** Sent as `reasoning_effort` with every fallback chat call. */
  chatReasoningEffort: (typeof REASONING_EFFORTS)[number];
  ttsModel: string;
  ttsVoice: (typeof TTS_VOICES)[number];
  transcribeModel: string;
  /** Web searches one fallback chat turn may run before the model must answer without tools. */
  chatMaxToolRounds: number;
  fallbackRateLimitPerSessionPerMinute: number;
  fallbackRateLimitPerIpPerMinute: number;
  /** Model of the post-session grading call (Chat Completions, structured output). */
  graderModel: string;
  gradeRateLimitPerSessionPerMinute: number;
  gradeRateLimitPerIpPerMinute: number;
  searchCacheSeconds: number;
  searchTimeoutMs: number;
  searchRateLimitPerSessionPerMinute: number;
  searchRateLimitPerIpPerMinute: number;
  /** Search endpoint the page hands the browser (absolute URL or same-origin path); undefined = built-in route. */
  publicSearchApiUrl: string | undefined;
  searchServerHost: string;
  searchServerPort: number;
  /** Absolute directory of the scenario files (`src/content/scenarios` under the working directory by default). */
  scenariosDir: string;
  /** Realtime sessions go through the server (unified WebRTC + sideband, or the WebSocket relay) and are metered. */
  metered: boolean;
  budgets: BudgetConfig;
  pricing: PricingTable;
  callsRateLimitPerSessionPerMinute: number;
  /** Bearer for `/api/admin/*`; undefined = the admin API is off. */
  adminToken: string | undefined;
  redisUrl: string | undefined;
  sessionSecret: Uint8Array;
  /** True when SESSION_SECRET was not set and a random per-process key is used. */
  sessionSecretIsEphemeral: boolean;
  trustProxy: number;
  requireHttps: boolean;
  metricsToken: string | undefined;
  logLevel: string;
}

export { ConfigError } from './config-error';

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'environment');
    throw new ConfigError(variable, issue.message);
  }
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    openaiApiKey: e.OPENAI_API_KEY,
    openaiBaseUrl: e.OPENAI_BASE_URL,
    realtimeModel: e.OPENAI_REALTIME_MODEL,
    realtimeVoice: e.OPENAI_REALTIME_VOICE,
    realtimeUrl: (e.OPENAI_REALTIME_URL ?? `${e.OPENAI_BASE_URL}/realtime`).replace(/\/+$/, ''),
    sessionIdleSeconds: e.SESSION_IDLE_SECONDS,
    sessionMaxSeconds: e.SESSION_MAX_SECONDS,
    telemetryRateLimitPerSessionPerMinute: e.TELEMETRY_RATE_LIMIT_PER_SESSION_PER_MINUTE,
    allowedOrigins: e.ALLOWED_ORIGINS,
    siteUrl: e.SITE_URL,
    demoMode: e.DEMO_MODE,
    tokenTtlSeconds: e.TOKEN_TTL_SECONDS,
    rateLimitPerIpPerMinute: e.RATE_LIMIT_PER_IP_PER_MINUTE,
    maxSessionsPerIp: e.MAX_SESSIONS_PER_IP,
    tokenRefreshLimit: e.TOKEN_REFRESH_LIMIT,
    maxTokensPerMinute: e.MAX_TOKENS_PER_MINUTE,
    maxConcurrentConnections: e.MAX_CONCURRENT_CONNECTIONS,
    totalActiveConnections: e.TOTAL_ACTIVE_CONNECTIONS,
    apiRateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
    tierCacheSeconds: e.TIER_CACHE_SECONDS,
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    slowResponseMs: e.SLOW_RESPONSE_MS,
    searchProvider: e.SEARCH_PROVIDER,
    searxngUrl: e.SEARXNG_URL,
    openaiSearchModel: e.OPENAI_SEARCH_MODEL,
    chatModel: e.OPENAI_CHAT_MODEL,
    chatReasoningEffort: e.OPENAI_CHAT_REASONING_EFFORT,
    ttsModel: e.OPENAI_TTS_MODEL,
    ttsVoice: e.OPENAI_TTS_VOICE,
    transcribeModel: e.OPENAI_TRANSCRIBE_MODEL,
    chatMaxToolRounds: e.CHAT_MAX_TOOL_ROUNDS,
    fallbackRateLimitPerSessionPerMinute: e.FALLBACK_RATE_LIMIT_PER_SESSION_PER_MINUTE,
    fallbackRateLimitPerIpPerMinute: e.FALLBACK_RATE_LIMIT_PER_IP_PER_MINUTE,
    graderModel: e.OPENAI_GRADER_MODEL,
    gradeRateLimitPerSessionPerMinute: e.GRADE_RATE_LIMIT_PER_SESSION_PER_MINUTE,
    gradeRateLimitPerIpPerMinute: e.GRADE_RATE_LIMIT_PER_IP_PER_MINUTE,
    searchCacheSeconds: e.SEARCH_CACHE_SECONDS,
    searchTimeoutMs: e.SEARCH_TIMEOUT_MS,
    searchRateLimitPerSessionPerMinute: e.SEARCH_RATE_LIMIT_PER_SESSION_PER_MINUTE,
    searchRateLimitPerIpPerMinute: e.SEARCH_RATE_LIMIT_PER_IP_PER_MINUTE,
    publicSearchApiUrl: e.PUBLIC_SEARCH_API_URL,
    searchServerHost: e.SEARCH_SERVER_HOST,
    searchServerPort: e.SEARCH_SERVER_PORT,
    scenariosDir: path.resolve(process.cwd(), e.SCENARIOS_DIR ?? 'src/content/scenarios'),
    ...costControlSettings(e),
    callsRateLimitPerSessionPerMinute: e.CALLS_RATE_LIMIT_PER_SESSION_PER_MINUTE,
    adminToken: e.ADMIN_TOKEN,
    redisUrl: e.REDIS_URL,
    sessionSecret: e.SESSION_SECRET ? new TextEncoder().encode(e.SESSION_SECRET) : randomBytes(32),
    sessionSecretIsEphemeral: !e.SESSION_SECRET,
    trustProxy: e.TRUST_PROXY,
    requireHttps: e.REQUIRE_HTTPS === 'on' || (e.REQUIRE_HTTPS === 'auto' && e.NODE_ENV === 'production'),
    metricsToken: e.METRICS_TOKEN,
    logLevel: e.LOG_LEVEL,
  };
}
