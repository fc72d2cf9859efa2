/**
 * The API's routes: parse → one service call → JSON. Each entry maps methods to handlers; the
 * pipeline (handle-api-request.ts) does CORS, errors, headers and metrics around them.
 */
import { z } from 'zod';
import { SCENARIO_ID } from '../../content/scenario-schema';
import { ApiError, errorResult, jsonResult } from '../http/api-error';
import { bearerMatches } from '../http/bearer';
import { readJsonBody } from '../http/json-body';
import { FALLBACK_ROUTES } from '../fallback/fallback-routes';
import { METERING_ROUTES } from '../metering/metering-routes';
import { ADMIN_PATTERN_ROUTES, ADMIN_ROUTES } from '../admin/admin-routes';
import { gradeBody, MAX_GRADE_BODY_BYTES } from '../grading/grade-body';
import { isWellFormedSessionId } from '../sessions/session-id';
import { telemetryBody } from '../telemetry/telemetry-schema';
import type { Handler, PatternRoute, RouteMethods } from './api-types';

const sessionIdBody = z
  .object({
    sessionId: z
      .string({ error: 'sessionId is required' })
      .refine(isWellFormedSessionId, { message: 'sessionId is not a valid session id' }),
  })
  .strict();

/** The longest `recap` a token request may carry (a recap token is well under 2 KB). */
export const MAX_RECAP_TOKEN_CHARS = 4096;

/**
 * The token request may name a practice scenario by id, and carry the previous session's signed recap (the
 * `recap.token` of a scorecard), nothing more: the server binds the instructions and verifies the recap itself
 * (token-recap.ts; a recap that does not verify is a warning, not a refusal). Unknown fields (instructions,
 * tools…) are refused, not ignored; an id not in the catalogue is 400 `unknown_scenario` (token-scenario.ts).
 */
export const tokenRequestBody = z
  .object({
    scenarioId: z
      .string({ error: 'scenarioId must be a string' })
      .max(100, 'scenarioId must be at most 100 characters')
      .regex(SCENARIO_ID, 'scenarioId must be lower-case words joined by hyphens')
      .optional(),
    recap: z
      .string({ error: 'recap must be a string (the recap token of a previous scorecard)' })
      .min(1, 'recap must not be empty (leave it out when there is none)')
      .max(MAX_RECAP_TOKEN_CHARS, `recap must be at most ${MAX_RECAP_TOKEN_CHARS} characters`)
      .optional(),
  })
  .strict();

const token: Handler = async (req, app) => {
  const { scenarioId, recap } = await readJsonBody(req, tokenRequestBody, { allowEmpty: true });
  return jsonResult(await app.tokens.issueToken(req.ip, { scenarioId, recap }));
};

/** `mode: "fallback"` moves a live realtime session to fallback mode (docs/fallback-and-demo.md). */
const refreshBody = sessionIdBody.extend({
  mode: z.literal('fallback', { error: 'mode must be "fallback" when given' }).optional(),
});

const refresh: Handler = async (req, app) => {
  const { sessionId, mode } = await readJsonBody(req, refreshBody);
  return jsonResult(await app.tokens.refreshToken(req.ip, sessionId, { mode }));
};

// Called on hang-up and, through navigator.sendBeacon, when the page unloads.
const endSession: Handler = async (req, app) => {
  const { sessionId } = await readJsonBody(req, sessionIdBody);
  await app.tokens.endSession(sessionId);
  return jsonResult({ success: true });
};

// 503 only when unhealthy (the key is rejected): degraded instances still serve (demo/fallback, local limits).
const health: Handler = async (_req, app) => {
  const result = await app.health.check();
  return jsonResult(result, result.status === 'unhealthy' ? 503 : 200);
};

// Control characters (C0, DEL, C1) are stripped; what remains must be 1–500 characters.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;
const searchBody = z
  .object({
    query: z
      .string({ error: 'query is required' })
      .transform((q) => q.replace(CONTROL_CHARS, ' ').replace(/\s+/g, ' ').trim())
      .pipe(z.string().min(1, 'query must not be empty').max(500, 'query must be at most 500 characters')),
    sessionId: sessionIdBody.shape.sessionId,
  })
  .strict();

/**
 * The coach's `web_search` tool. Only live sessions may search: this must never become an open proxy
 * that spends the server's key. Limited per session and per IP.
 */
export const responsesSearch: Handler = async (req, app) => {
  const { query, sessionId } = await readJsonBody(req, searchBody);
  const session = await app.sessions.get(sessionId);
  if (!session) throw new ApiError(404, 'session_not_found', 'This session has ended or expired. Start a new session to search.');
  // Checked one after the other: a request refused for its session does not also spend the IP's budget.
  for (const [check, limit] of [
    [() => app.limits.searchPerSession(sessionId), 'search_session'],
    [() => app.limits.searchPerIp(req.ip), 'search_ip'],
  ] as const) {
    const decision = await check();
    if (!decision.allowed) {
      app.metrics.rateLimitHits.inc({ limit });
      app.logger.warn({ event: 'rateLimitExceeded', ip: req.ip, attempts: decision.limit + 1, endpoint: 'responses-search', limit }, 'rateLimitExceeded');
      throw new ApiError(429, 'rate_limited', 'Too many searches right now. Please wait a moment.', { 'Retry-After': String(decision.retryAfterSeconds) }, { retryAfter: decision.retryAfterSeconds });
    }
  }
  // A demo session never causes an upstream call: it searches the platform's library only.
  return jsonResult(await app.search.search(query, { libraryOnly: session.mode === 'demo' }));
};

/**
 * The post-session scorecard: requested just before the session is ended, so only a live session may ask
 * (404 otherwise). The rubric and the grading prompt stay on the server (grading/grading-service.ts).
 */
const grade: Handler = async (req, app) => {
  const body = await readJsonBody(req, gradeBody, { limit: MAX_GRADE_BODY_BYTES });
  return jsonResult(await app.grading.grade(body, { ip: req.ip, signal: req.signal }));
};

// Client figures + heartbeat (see telemetry/telemetry-service.ts); navigator.sendBeacon may carry it on unload.
const telemetry: Handler = async (req, app) => {
  const body = await readJsonBody(req, telemetryBody);
  return jsonResult(await app.telemetry.report(body, { ip: req.ip, userAgent: req.header('user-agent') }));
};

export const metrics: Handler = async (req, app) => {
  const { metricsToken } = app.config;
  if (metricsToken && !bearerMatches(req.header('authorization'), metricsToken)) {
    return errorResult(
      new ApiError(401, 'unauthorized', 'Metrics require a bearer token.', { 'WWW-Authenticate': 'Bearer realm="metrics"' }),
    );
  }
  return {
    status: 200,
    headers: { 'Content-Type': app.metrics.registry.contentType, 'Cache-Control': 'no-store' },
    body: await app.metrics.registry.metrics(),
  };
};

export const API_ROUTES: Readonly<Record<string, RouteMethods>> = {
  '/api/voice-agent/token': { POST: token },
  '/api/voice-agent/refresh-token': { POST: refresh },
  // The architecture's API box names it `/refresh`; its endpoint reference `/refresh-token`. Both work.
  '/api/voice-agent/refresh': { POST: refresh },
  '/api/voice-agent/end-session': { POST: endSession },
  '/api/voice-agent/health': { GET: health, HEAD: health },
  '/api/voice-agent/responses-search': { POST: responsesSearch },
  '/api/voice-agent/telemetry': { POST: telemetry },
  '/api/voice-agent/grade': { POST: grade },
  ...FALLBACK_ROUTES,
  ...METERING_ROUTES,
  ...ADMIN_ROUTES,
  '/metrics': { GET: metrics },
};

/** Routes with a path parameter (tried after the exact ones), each with its bounded metrics label. */
export const API_PATTERN_ROUTES: readonly PatternRoute[] = [...ADMIN_PATTERN_ROUTES];

/** Paths the API pipeline owns (everything else is a page). */
export function isApiPath(pathname: string): boolean {
  return pathname.startsWith('/api/') || pathname === '/metrics';
}
