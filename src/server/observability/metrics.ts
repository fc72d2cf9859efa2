/**
 * Prometheus metrics for every server-side figure of the architecture's `Metrics` interface, plus
 * default process metrics. Names carry the `voice_agent_` prefix. Client-reported figures
 * (webrtcConnectionTime, userEngagement, conversationLength…) are declared here too so dashboards and
 * alerts can be written now; `POST /api/voice-agent/telemetry` feeds them (telemetry/telemetry-service.ts).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createCostMetrics } from './cost-metrics';

export type ActiveCountsSource = () => Promise<{ instance: number; total: number }>;

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'voice_agent_' });

  const tokenGenerationSeconds = new Histogram({
    name: 'voice_agent_token_generation_seconds',
    help: 'Time to answer a token request that produced a token (tokenGenerationTime), by mode.',
    labelNames: ['mode'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const tokensGenerated = new Counter({
    name: 'voice_agent_tokens_generated_total',
    help: 'Tokens issued (tokensGenerated), by mode and kind (new session or refresh).',
    labelNames: ['mode', 'kind'] as const,
    registers: [registry],
  });
  const rateLimitHits = new Counter({
    name: 'voice_agent_rate_limit_hits_total',
    help: 'Requests refused by a limit (rateLimitHits), by limit name.',
    labelNames: ['limit'] as const,
    registers: [registry],
  });
  const apiErrors = new Counter({
    name: 'voice_agent_api_errors_total',
    help: 'Upstream API failures (apiErrors), by service and HTTP status (0 = network/timeout).',
    labelNames: ['service', 'status'] as const,
    registers: [registry],
  });
  const failedConnections = new Counter({
    name: 'voice_agent_failed_connections_total',
    help: 'Sessions that could not be set up (failedConnections), by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const corsViolations = new Counter({
    name: 'voice_agent_cors_violations_total',
    help: 'Requests refused because their Origin is not allowed.',
    registers: [registry],
  });
  const upstreamSeconds = new Histogram({
    name: 'voice_agent_upstream_request_seconds',
    help: 'Latency of calls to the OpenAI API, by operation and outcome.',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const tierDetections = new Counter({
    name: 'voice_agent_tier_detections_total',
    help: 'Tier detection lookups, by result and source (cache or upstream).',
    labelNames: ['result', 'source'] as const,
    registers: [registry],
  });
  const httpRequestSeconds = new Histogram({
    name: 'voice_agent_http_request_seconds',
    help: 'HTTP request duration by route, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const sessionDurationSeconds = new Histogram({
    name: 'voice_agent_session_duration_seconds',
    help: 'Lifetime of sessions ended through end-session (sessionDuration), by mode.',
    labelNames: ['mode'] as const,
    buckets: [10, 30, 60, 120, 300, 600, 1200, 1800, 3600],
    registers: [registry],
  });
  const redisUp = new Gauge({
    name: 'voice_agent_redis_up',
    help: '1 when the shared Redis store is reachable, 0 when running on per-instance memory, -1 when not configured.',
    registers: [registry],
  });

  // Web search (the coach's web_search tool, served by this server).
  const searchResponseSeconds = new Histogram({
    name: 'voice_agent_search_response_seconds',
    help: 'Web search provider latency (searchResponseTime), by provider.',
    labelNames: ['provider'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });
  const searchRequests = new Counter({
    name: 'voice_agent_search_requests_total',
    help: 'Web search requests (searchRequests), by provider and outcome.',
    labelNames: ['provider', 'outcome'] as const,
    registers: [registry],
  });
  const searchCache = new Counter({
    name: 'voice_agent_search_cache_total',
    help: 'Search cache lookups, by result (hit or miss).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  // Client-reported figures (seam for the voice-client issue).
  const webrtcConnectionSeconds = new Histogram({
    name: 'voice_agent_webrtc_connection_seconds',
    help: 'Client-reported time to connect the realtime transport (webrtcConnectionTime).',
    labelNames: ['transport'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10],
    registers: [registry],
  });
  const conversationTurns = new Histogram({
    name: 'voice_agent_conversation_turns',
    help: 'Client-reported turns per conversation (conversationLength).',
    buckets: [1, 2, 5, 10, 20, 50, 100],
    registers: [registry],
  });
  const userEngagementSeconds = new Histogram({
    name: 'voice_agent_user_engagement_seconds',
    help: 'Client-reported seconds the user spoke per session (userEngagement).',
    buckets: [5, 15, 30, 60, 120, 300, 600, 1800],
    registers: [registry],
  });

  const responseLatencySeconds = new Histogram({
    name: 'voice_agent_response_latency_seconds',
    help: "Client-reported time from the end of the user's speech to the coach's first audio.",
    buckets: [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10],
    registers: [registry],
  });
  const realtimeTokens = new Counter({
    name: 'voice_agent_realtime_tokens_total',
    help: 'Client-reported realtime token usage (response.done), by direction and kind (text, audio, cached input).',
    labelNames: ['direction', 'kind'] as const,
    registers: [registry],
  });

  // Fallback mode (speech-to-text + chat + text-to-speech through this server).
  const transcribedAudioSeconds = new Counter({
    name: 'voice_agent_transcribed_audio_seconds_total',
    help: 'Seconds of user audio sent to speech-to-text (fallback mode).',
    registers: [registry],
  });
  const synthesizedCharacters = new Counter({
    name: 'voice_agent_synthesized_characters_total',
    help: 'Characters of coach text sent to text-to-speech (fallback mode).',
    registers: [registry],
  });
  const chatTokens = new Counter({
    name: 'voice_agent_chat_tokens_total',
    help: 'Chat Completions token usage in fallback mode, by kind (input or output).',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const gradings = new Counter({
    name: 'voice_agent_gradings_total',
    help: 'Post-session scorecards (POST /api/voice-agent/grade), by grader (model or heuristic) and outcome (ok, invalid_answer, upstream_error, cancelled).',
    labelNames: ['grader', 'outcome'] as const,
    registers: [registry],
  });

  let activeSource: ActiveCountsSource | undefined;
  const activeConnections = new Gauge({
    name: 'voice_agent_active_connections',
    help: 'Live sessions (activeConnections): scope="instance" minted here, scope="global" across instances.',
    labelNames: ['scope'] as const,
    registers: [registry],
    async collect() {
      if (!activeSource) return;
      try {
        const counts = await activeSource();
        this.set({ scope: 'instance' }, counts.instance);
        this.set({ scope: 'global' }, counts.total);
      } catch {
        // Leave the last values; the store logs its own outages.
      }
    },
  });

  return {
    registry,
    tokenGenerationSeconds,
    tokensGenerated,
    rateLimitHits,
    apiErrors,
    failedConnections,
    corsViolations,
    upstreamSeconds,
    tierDetections,
    httpRequestSeconds,
    sessionDurationSeconds,
    redisUp,
    activeConnections,
    webrtcConnectionSeconds,
    searchResponseSeconds,
    searchRequests,
    searchCache,
    conversationTurns,
    userEngagementSeconds,
    responseLatencySeconds,
    realtimeTokens,
    transcribedAudioSeconds,
    synthesizedCharacters,
    chatTokens,
    gradings,
    /** Metering and budgets (cost-metrics.ts). */
    cost: createCostMetrics(registry),
    /** Wires the active-connections gauge to the session registry (read at scrape time). */
    setActiveCountsSource(source: ActiveCountsSource) {
      activeSource = source;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
