/**
 * Client telemetry: session-bound (only live sessions report), rate-limited per session, and a
 * heartbeat — every report keeps the session alive for SESSION_IDLE_SECONDS more (never beyond
 * SESSION_MAX_SECONDS from its start), so a long conversation keeps its quota slot and its search access
 * without spending token refreshes, and a vanished tab frees its slot soon after.
 */
import type { Config } from '../config';
import { ApiError } from '../http/api-error';
import type { RateLimits } from '../limits/rate-limits';
import { maskSecrets, shortId, type Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { SessionRecord, SessionStore } from '../sessions/session-store';
import type { TelemetryBody, TelemetryEvent } from './telemetry-schema';

export interface TelemetryDeps {
  config: Pick<Config, 'sessionIdleSeconds' | 'sessionMaxSeconds'>;
  store: SessionStore;
  limits: Pick<RateLimits, 'telemetryPerSession'>;
  metrics: Metrics;
  logger: Logger;
  now?: () => number;
}

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

export function createTelemetryService(deps: TelemetryDeps) {
  const { config, store, limits, metrics, logger } = deps;
  const now = deps.now ?? Date.now;

  function record(event: TelemetryEvent, session: SessionRecord, client: ClientInfo): void {
    switch (event.type) {
      case 'connected':
        metrics.webrtcConnectionSeconds.observe({ transport: event.transport }, event.connectMs / 1000);
        return;
      case 'connection_failed':
        metrics.failedConnections.inc({ reason: `client_${event.reason}` });
        logger.warn(
          {
            event: 'connectionFailed',
            reason: event.reason,
            // Masked before shortening: a cut-off token would no longer look like one.
            detail: event.detail === undefined ? undefined : maskSecrets(event.detail).slice(0, 200),
            clientInfo: { transport: event.transport, ip: client.ip, userAgent: client.userAgent?.slice(0, 160), mode: session.mode },
            sessionId: shortId(session.id),
          },
          'connectionFailed',
        );
        return;
      case 'response_latency':
        metrics.responseLatencySeconds.observe(event.ms / 1000);
        return;
      case 'usage':
        for (const [direction, kind, tokens] of [
          ['input', 'text', event.inputTextTokens],
          ['input', 'audio', event.inputAudioTokens],
          ['input', 'cached', event.cachedTokens],
          ['output', 'text', event.outputTextTokens],
          ['output', 'audio', event.outputAudioTokens],
        ] as const) {
          if (tokens > 0) metrics.realtimeTokens.inc({ direction, kind }, tokens);
        }
        return;
      case 'summary':
        metrics.conversationTurns.observe(event.turns);
        metrics.userEngagementSeconds.observe(event.userSpeechSeconds);
        logger.info(
          { event: 'conversationSummary', sessionId: shortId(session.id), mode: session.mode, durationSeconds: event.durationSeconds, turns: event.turns, userSpeechSeconds: event.userSpeechSeconds },
          'conversationSummary',
        );
        return;
      case 'heartbeat':
        return;
    }
  }

  return {
    /** Records the events and keeps the session alive; returns its new expiry (epoch ms). */
    async report(body: TelemetryBody, client: ClientInfo): Promise<{ success: true; expiresAt: number }> {
      const session = await store.get(body.sessionId, now());
      if (!session) throw new ApiError(404, 'session_not_found', 'This session has ended or expired.');
      const decision = await limits.telemetryPerSession(body.sessionId);
      if (!decision.allowed) {
        metrics.rateLimitHits.inc({ limit: 'telemetry_session' });
        throw new ApiError(429, 'rate_limited', 'Too many telemetry reports for this session.', { 'Retry-After': String(decision.retryAfterSeconds) }, { retryAfter: decision.retryAfterSeconds });
      }
      const t = now();
      const until = Math.min(t + config.sessionIdleSeconds * 1000, session.createdAt + config.sessionMaxSeconds * 1000);
      const alive = await store.keepAlive(session.id, until, t);
      if (!alive) throw new ApiError(404, 'session_not_found', 'This session has ended or expired.');
      for (const event of body.events) record(event, alive, client);
      return { success: true, expiresAt: alive.expiresAt };
    },
  };
}

export type TelemetryService = ReturnType<typeof createTelemetryService>;
