/**
 * The metered session's public endpoints: `POST /api/voice-agent/calls` (the browser's SDP offer, set up
 * through the server) and `POST /api/voice-agent/session-status` (the server's meter and verdict, which
 * the browser polls to show cost and say "one minute left").
 */
import { z } from 'zod';
import type { Handler } from '../api/api-types';
import { bearerToken } from '../http/bearer';
import { ApiError, jsonResult } from '../http/api-error';
import { readLimitedBody } from '../http/limited-body';
import { readJsonBody } from '../http/json-body';
import { explainFailure } from '../openai/upstream-error';
import { UpstreamCallError } from '../openai/upstream-guard';
import { isWellFormedSessionId } from '../sessions/session-id';
import type { SessionLedger } from './metering-types';
import { nanoToUsd } from './pricing';
import { upgradeRequired } from '../relay/handshake';

/** An SDP offer is a few KB; anything near this is not one. */
const MAX_OFFER_BYTES = 64 * 1024;

function meteringOf(app: Parameters<Handler>[1]) {
  if (!app.metering) throw new ApiError(404, 'not_metered', 'Server-connected live voice is off on this server (sessions are not metered).');
  return app.metering;
}

const calls: Handler = async (req, app) => {
  const metering = meteringOf(app);
  const mime = (req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (mime !== 'application/sdp') throw new ApiError(415, 'unsupported_media_type', 'Send the SDP offer with Content-Type: application/sdp.');
  const session = await metering.access.check(bearerToken(req.header('authorization')), req.ip);
  const offer = (await readLimitedBody(req, MAX_OFFER_BYTES)).toString('utf8');
  if (!offer.startsWith('v=0')) throw new ApiError(400, 'invalid_offer', 'The body is not an SDP offer.');
  let answer: string;
  try {
    answer = await metering.calls.connect(session, offer, req.signal);
  } catch (error) {
    if (error instanceof UpstreamCallError) throw callsFailure(error, app.config.realtimeModel);
    throw error;
  }
  return { status: 201, headers: { 'Content-Type': 'application/sdp' }, body: answer };
};

/** Upstream failures of the unified interface, in the shapes the browser's transport already understands. */
function callsFailure(error: UpstreamCallError, model: string): ApiError {
  const { failure } = error;
  const message = explainFailure(failure, model);
  switch (failure.kind) {
    case 'no_realtime_access':
      return new ApiError(403, 'model_not_found', message);
    case 'quota_exhausted':
      return new ApiError(429, 'insufficient_quota', message);
    case 'rate_limited':
      return new ApiError(429, 'rate_limited', `${message} Please try again shortly.`, { 'Retry-After': '5' }, { retryAfter: 5 });
    case 'bad_request':
      return new ApiError(400, 'invalid_offer', `${message} The connection offer was not accepted.`);
    default:
      return new ApiError(502, 'upstream_unavailable', `${message} Please try again shortly.`, { 'Retry-After': '5' }, { retryAfter: 5 });
  }
}

const statusBody = z
  .object({
    sessionId: z.string({ error: 'sessionId is required' }).refine(isWellFormedSessionId, { message: 'sessionId is not a valid session id' }),
  })
  .strict();

const sessionStatus: Handler = async (req, app) => {
  const { sessionId } = await readJsonBody(req, statusBody);
  const decision = await app.limits.statusPerSession(sessionId);
  if (!decision.allowed) {
    app.metrics.rateLimitHits.inc({ limit: 'status_session' });
    throw new ApiError(429, 'rate_limited', 'Checking the session too often. Please wait a moment.', { 'Retry-After': String(decision.retryAfterSeconds) }, { retryAfter: decision.retryAfterSeconds });
  }
  const session = await app.sessions.get(sessionId);
  // A fallback session has no call for the supervisor to end: its limit is applied here too, so a user who
  // is silent past it hears of the end from this poll rather than at their next request.
  if (session?.mode === 'fallback') await app.metering?.fallbackGate(session).catch(() => undefined);
  const ledger = (await app.metering?.meter.ledger(sessionId)) ?? null;
  // An ended session still reports why the server ended it (an operator ends the session itself).
  if (!session && !ledger?.closed) throw new ApiError(404, 'session_not_found', 'This session has ended or expired.');
  const budgets = app.config.budgets;
  const startedAt = session?.createdAt ?? ledger!.updatedAt;
  // Fallback sessions are metered by time only (their spend is not priced): no usage line for them,
  // unless they ran live voice first.
  const metered = Boolean(app.metering && session && session.mode !== 'demo') || Boolean(ledger?.link);
  const priced = Boolean(ledger?.link) || session?.mode === 'realtime';
  const defaultEndsAt = startedAt + budgets.sessionMaxMs;
  // In fallback mode only the time limit applies (fallback-gate.ts), whatever the live voice's last verdict was.
  const bound = session?.mode === 'fallback' ? { endsAt: defaultEndsAt, limit: 'session_minutes' } : {};
  return jsonResult({
    success: true,
    metered,
    serverTime: Date.now(),
    startedAt,
    warningSeconds: budgets.warningMs / 1000,
    ...(metered ? { ...(priced ? meterFigures(ledger, defaultEndsAt) : { endsAt: defaultEndsAt, limit: 'session_minutes' }), ...bound } : {}),
    ...(ledger?.closed ? { ended: { reason: ledger.closed.reason, message: ledger.closed.message } } : {}),
  });
};

function meterFigures(ledger: SessionLedger | null, defaultEndsAt: number) {
  const u = ledger?.usage;
  return {
    endsAt: ledger?.endsAt ?? defaultEndsAt,
    limit: ledger?.limit ?? 'session_minutes',
    usage: {
      inputTextTokens: u?.inputTextTokens ?? 0,
      inputAudioTokens: u?.inputAudioTokens ?? 0,
      cachedTokens: (u?.cachedTextTokens ?? 0) + (u?.cachedAudioTokens ?? 0) + (u?.cachedImageTokens ?? 0),
      outputTextTokens: u?.outputTextTokens ?? 0,
      outputAudioTokens: u?.outputAudioTokens ?? 0,
    },
    costUsd: Math.round(nanoToUsd(ledger?.costNanoUsd ?? 0) * 1e6) / 1e6,
    connectedSeconds: Math.round(ledger?.connectedSeconds ?? 0),
  };
}

/** The relay is a WebSocket: a plain request gets 426 (the upgrade itself never reaches the API pipeline). */
const relayWithoutUpgrade: Handler = async () => {
  // Without the handshake's `Connection: Upgrade`: this is an ordinary keep-alive response.
  throw new ApiError(426, 'upgrade_required', upgradeRequired().message, { Upgrade: 'websocket' });
};

export const METERING_ROUTES = {
  '/api/voice-agent/calls': { POST: calls },
  '/api/voice-agent/realtime': { GET: relayWithoutUpgrade },
  '/api/voice-agent/session-status': { POST: sessionStatus },
} as const;
