/**
 * Builds cost control's services (issue 8) when sessions are metered: the shared meter, the per-instance
 * supervisor, the unified-interface calls with their sidebands, and the access gate. Without metering
 * only the meter store exists (the admin list and status endpoint read it; nothing writes it).
 */
import type { IncomingMessage } from 'node:http';
import type { Redis } from 'ioredis';
import type { Config } from '../config';
import { coachRealtimeSession } from '../coach/coach-session';
import type { LimitDecision } from '../limits/rate-limits';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { OpenAIUpstream } from '../openai/openai-upstream';
import type { UpstreamGuard } from '../openai/upstream-guard';
import { createRealtimeRelay } from '../relay/realtime-relay';
import type { RealtimeRelay } from '../relay/relay-types';
import type { SessionRecord, SessionStore } from '../sessions/session-store';
import { signingKey } from '../tokens/signed-token';
import { createMeterStore } from './create-meter-store';
import { createFallbackGate, type FallbackGate } from './fallback-gate';
import { createMeteredCalls, type MeteredCalls } from './metered-calls';
import type { MeterStore } from './metering-types';
import { createSessionAccess } from './session-access';
import { createSessionSupervisor } from './session-supervisor';
import type { SessionAccess, SessionSupervisor } from './supervisor-types';
import { nanoToUsd } from './pricing';
import { utcDay } from './utc-day';
import { createUnifiedCalls, upstreamRealtimeWsUrl, type UnifiedCalls } from './unified-calls';

export interface MeteringServices {
  meter: MeterStore;
  supervisor: SessionSupervisor;
  access: SessionAccess;
  unified: UnifiedCalls;
  calls: MeteredCalls;
  /** The WebSocket relay (`/api/voice-agent/realtime`); the HTTP server hands it the upgrades. */
  relay: RealtimeRelay;
  /** Bounds a metered session's fallback requests (fallback-gate.ts). */
  fallbackGate: FallbackGate;
  /** `ws(s)://…/realtime` of the upstream (sidebands and the relay's upstream). */
  upstreamWsUrl: string;
  close(): Promise<void>;
}

export interface MeteringDeps {
  config: Config;
  redis: Redis | undefined;
  sessions: SessionStore;
  connectsPerSession(sessionId: string): Promise<LimitDecision>;
  guard: UpstreamGuard;
  metrics: Metrics;
  logger: Logger;
  instanceId: string;
  /** The instructions bound to a session (its scenario and recap). */
  instructionsFor(record: SessionRecord): string;
  /** Mints the relay's ephemeral keys (server side only). */
  upstream: OpenAIUpstream | undefined;
  /** The relay's cross-site WebSocket guard and client address (CORS allowlist, TRUST_PROXY). */
  originAllowed(req: IncomingMessage): boolean;
  clientIp(req: IncomingMessage): string;
}

/** The meter store alone: created first, because the token service needs it. */
export function createMeter(deps: Pick<MeteringDeps, 'redis' | 'logger'>): MeterStore {
  return createMeterStore({ redis: deps.redis, logger: deps.logger });
}

export function createMetering(deps: MeteringDeps, meter: MeterStore): MeteringServices | undefined {
  const { config, metrics, logger } = deps;
  if (!config.metered || !config.openaiApiKey || !deps.upstream) return undefined;
  const upstream = deps.upstream;
  const apiKey = config.openaiApiKey;
  const supervisor = createSessionSupervisor({
    meter,
    sessions: deps.sessions,
    budgets: config.budgets,
    pricing: config.pricing,
    metrics,
    logger,
    instanceId: deps.instanceId,
  });
  const unified = createUnifiedCalls({ apiKey, baseUrl: config.openaiBaseUrl, timeoutMs: config.upstreamTimeoutMs, guard: deps.guard });
  const upstreamWsUrl = upstreamRealtimeWsUrl(config.openaiBaseUrl);
  const access = createSessionAccess({
    key: signingKey(config.sessionSecret),
    sessions: deps.sessions,
    meter,
    connectsPerSession: deps.connectsPerSession,
    metrics,
    logger,
  });
  const calls = createMeteredCalls({
    calls: unified,
    supervisor,
    sessionConfigFor: (record) => coachRealtimeSession({ model: config.realtimeModel, voice: config.realtimeVoice, instructions: deps.instructionsFor(record) }),
    model: config.realtimeModel,
    sidebandUrl: upstreamWsUrl,
    apiKey,
    logger,
  });
  const relay = createRealtimeRelay({
    access,
    supervisor,
    mint: (record) => upstream.mintRealtimeSecret(config.tokenTtlSeconds, { instructions: deps.instructionsFor(record) }),
    upstreamUrl: upstreamWsUrl,
    originAllowed: deps.originAllowed,
    clientIp: deps.clientIp,
    logger,
    metrics: {
      corsViolations: metrics.corsViolations,
      failedConnections: metrics.failedConnections,
      apiErrors: metrics.apiErrors,
      relayConnections: metrics.cost.relayConnections,
      relayDurationSeconds: metrics.cost.relayDurationSeconds,
      relayBackpressurePauses: metrics.cost.relayBackpressurePauses,
    },
  });
  metrics.cost.setDaySpendSource(async () => nanoToUsd(await meter.dayCost(utcDay(Date.now()))));
  return {
    meter,
    supervisor,
    access,
    unified,
    calls,
    relay,
    fallbackGate: createFallbackGate({ meter, budgets: config.budgets, metrics, logger }),
    upstreamWsUrl,
    async close() {
      supervisor.stop();
      await meter.dispose?.();
    },
  };
}
