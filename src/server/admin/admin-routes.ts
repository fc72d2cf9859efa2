/**
 * The operator's kill switch (issue 8): `GET /api/admin/sessions` lists live sessions with their meter,
 * `POST /api/admin/sessions/{sessionId}/end` ends one at once — its voice is hung up (WebRTC, from any
 * instance, by call id) or its relay closed (by the instance holding it, within a tick), and the session
 * itself is ended so no endpoint serves it any more. Guarded by the ADMIN_TOKEN bearer; off without it.
 */
import type { ApiRequest, Handler } from '../api/api-types';
import type { AppContext } from '../app-context';
import { ApiError, jsonResult } from '../http/api-error';
import { bearerMatches } from '../http/bearer';
import { shortId } from '../observability/logger';
import { budgetMessage } from '../metering/budget-policy';
import { nanoToUsd } from '../metering/pricing';
import { utcDay } from '../metering/utc-day';
import { isWellFormedSessionId } from '../sessions/session-id';

/** More than any one instance's capacity is worth listing at once. */
const MAX_LISTED = 1000;

function authorise(req: ApiRequest, app: AppContext): void {
  const expected = app.config.adminToken;
  if (!expected) throw new ApiError(404, 'admin_disabled', 'The admin API is off on this server (set ADMIN_TOKEN to turn it on).');
  if (bearerMatches(req.header('authorization'), expected)) return;
  app.metrics.rateLimitHits.inc({ limit: 'admin_auth' });
  app.logger.warn({ event: 'adminAuthFailed', ip: req.ip, path: req.pathname }, 'adminAuthFailed');
  throw new ApiError(401, 'unauthorized', 'The admin API requires the admin bearer token.', { 'WWW-Authenticate': 'Bearer realm="admin"' });
}

const listSessions: Handler = async (req, app) => {
  authorise(req, app);
  const now = Date.now();
  const records = await app.sessions.list(MAX_LISTED, now);
  const meter = app.metering?.meter;
  const [ledgers, dayCost] = await Promise.all([
    meter ? meter.ledgers(records.map((r) => r.id)) : new Map(),
    meter ? meter.dayCost(utcDay(now)) : 0,
  ]);
  const sessions = records.map((record) => {
    const ledger = ledgers.get(record.id);
    return {
      sessionId: record.id,
      mode: record.mode,
      ip: record.ip,
      createdAt: record.createdAt,
      expiresAt: record.expiresAt,
      ...(record.scenarioId ? { scenarioId: record.scenarioId } : {}),
      metered: Boolean(ledger?.link),
      ...(ledger
        ? {
            transport: ledger.link?.transport,
            heldBy: ledger.link?.instanceId,
            usage: ledger.usage,
            costUsd: nanoToUsd(ledger.costNanoUsd),
            connectedSeconds: Math.round(ledger.connectedSeconds),
            endsAt: ledger.endsAt,
            limit: ledger.limit,
            ...(ledger.closed ? { closed: ledger.closed } : {}),
          }
        : {}),
    };
  });
  return jsonResult({ success: true, day: utcDay(now), dayCostUsd: nanoToUsd(dayCost), count: sessions.length, sessions });
};

const SESSION_END_PATH = /^\/api\/admin\/sessions\/([^/]+)\/end$/;

const endSession: Handler = async (req, app) => {
  authorise(req, app);
  const sessionId = decodeURIComponent(SESSION_END_PATH.exec(req.pathname)?.[1] ?? '');
  if (!isWellFormedSessionId(sessionId)) throw new ApiError(400, 'invalid_session_id', 'That is not a valid session id.');
  const record = await app.sessions.get(sessionId);
  if (!record) throw new ApiError(404, 'session_not_found', 'No live session has this id.');
  const now = Date.now();
  let voiceStopped = record.mode !== 'realtime'; // fallback/demo voice needs the session, which ends below
  const metering = app.metering;
  if (metering) {
    const closure = await metering.meter.close(sessionId, { reason: 'operator', message: budgetMessage('ended', 'operator', app.config.budgets, { now }), at: now });
    const link = (await metering.meter.ledger(sessionId))?.link;
    if (link?.callId) {
      await metering.unified.hangup(link.callId);
      voiceStopped = true;
    } else if (link) voiceStopped = true; // the relay's holder sees the closure within a tick
    app.metrics.cost.budgetDecisions.inc({ limit: closure.reason, decision: 'ended' });
  }
  await app.tokens.endSession(sessionId).catch(() => undefined); // ended meanwhile by its user: fine
  app.logger.warn({ event: 'adminSessionEnded', sessionId: shortId(sessionId), mode: record.mode, ip: req.ip, voiceStopped }, 'adminSessionEnded');
  return jsonResult({ success: true, sessionId, ended: true, voiceStopped });
};

export const ADMIN_ROUTES = {
  '/api/admin/sessions': { GET: listSessions },
} as const;

/** Routes with a path parameter, matched after the exact ones. */
export const ADMIN_PATTERN_ROUTES = [{ pattern: SESSION_END_PATH, label: '/api/admin/sessions/:id/end', methods: { POST: endSession } }] as const;
