/**
 * Who may open a metered voice connection (`POST /api/voice-agent/calls`, the WebSocket relay): the
 * holder of a live realtime session's signed token (issued instead of an OpenAI key when sessions are
 * metered), whose voice the server has not closed, within CALLS_RATE_LIMIT_PER_SESSION_PER_MINUTE. Each
 * connection the server sets up spends the server's key, so this is the gate against an open proxy.
 */
import type { KeyObject } from 'node:crypto';
import { ApiError } from '../http/api-error';
import type { Logger } from '../observability/logger';
import { shortId } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { SessionStore } from '../sessions/session-store';
import { verifySessionToken } from '../tokens/signed-token';
import type { MeterStore, SessionClosure } from './metering-types';
import type { SessionAccess } from './supervisor-types';
import type { LimitDecision } from '../limits/rate-limits';

const CHALLENGE = { 'WWW-Authenticate': 'Bearer' };

export interface SessionAccessDeps {
  key: KeyObject;
  sessions: Pick<SessionStore, 'get'>;
  meter: Pick<MeterStore, 'ledger'>;
  /** The per-session connect budget. */
  connectsPerSession(sessionId: string): Promise<LimitDecision>;
  metrics: Metrics;
  logger: Logger;
}

/** 403 `session_ended`: the server closed this session's voice (a budget, or an operator). */
export function sessionEndedError(closure: SessionClosure): ApiError {
  return new ApiError(403, 'session_ended', closure.message, {}, { reason: closure.reason });
}

export function createSessionAccess(deps: SessionAccessDeps): SessionAccess {
  return {
    async check(token, ip) {
      if (!token) throw new ApiError(401, 'token_missing', 'Send the session token (an "Authorization: Bearer" header, or the WebSocket subprotocol the relay names).', { ...CHALLENGE });
      const verified = await verifySessionToken(deps.key, token, 'realtime');
      if (!verified.ok) {
        if (verified.reason === 'expired') throw new ApiError(401, 'token_expired', 'The session token has expired. Refresh it and try again.', { ...CHALLENGE });
        if (verified.reason === 'wrong_mode') throw wrongMode();
        throw new ApiError(401, 'token_invalid', 'The session token is not valid.', { ...CHALLENGE });
      }
      const sessionId = verified.claims.sessionId;
      const [session, ledger] = await Promise.all([deps.sessions.get(sessionId), deps.meter.ledger(sessionId)]);
      if (!session) throw new ApiError(404, 'session_not_found', 'This session has ended or expired. Start a new session.');
      if (session.mode !== 'realtime') throw wrongMode();
      if (ledger?.closed) throw sessionEndedError(ledger.closed);
      const decision = await deps.connectsPerSession(sessionId);
      if (!decision.allowed) {
        deps.metrics.rateLimitHits.inc({ limit: 'calls_session' });
        deps.logger.warn({ event: 'rateLimitExceeded', ip, endpoint: 'calls', limit: 'calls_session', sessionId: shortId(sessionId) }, 'rateLimitExceeded');
        throw new ApiError(
          429,
          'rate_limited',
          'Too many voice connections for this session. Please wait a moment.',
          { 'Retry-After': String(decision.retryAfterSeconds) },
          { retryAfter: decision.retryAfterSeconds },
        );
      }
      return session;
    },
  };
}

function wrongMode(): ApiError {
  return new ApiError(403, 'wrong_mode', 'This session does not use server-connected live voice. Start a new session.');
}
