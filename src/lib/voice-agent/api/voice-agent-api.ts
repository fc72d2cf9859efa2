/**
 * Browser client for the voice-agent HTTP API. Every function resolves to an `ApiResult` value;
 * nothing throws. Browser-only module: never import from `src/server/**` here.
 *
 * Security: the token in a `TokenResponse` is a secret. This module never logs it, and neither
 * should callers (no `console.log(result)`).
 */
import {
  COACH_MODES,
  type ApiErrorBody,
  type ApiFailure,
  type ApiResult,
  type CoachMode,
  type EndSessionResponse,
  type HealthResponse,
  type ResponseMeta,
  type RealtimeTarget,
  type TokenResponse,
} from '../types/api';

export const VOICE_AGENT_API_BASE = '/api/voice-agent';
export const ENDPOINTS = {
  token: `${VOICE_AGENT_API_BASE}/token`,
  refreshToken: `${VOICE_AGENT_API_BASE}/refresh-token`,
  endSession: `${VOICE_AGENT_API_BASE}/end-session`,
  health: `${VOICE_AGENT_API_BASE}/health`,
} as const;

const DEFAULT_TIMEOUT_MS = 15_000;

export interface RequestOptions {
  /** Abort from the caller (e.g. component unmount). */
  signal?: AbortSignal;
  /** Give up after this many ms. Default 15 s. */
  timeoutMs?: number;
}

/**
 * POST /token: start a session (for a practice scenario when `scenarioId` is given). `recap` is the
 * server-signed summary of the user's previous session in that scenario, sent only with their consent.
 */
export function requestToken(options?: RequestOptions & { scenarioId?: string; recap?: string }): Promise<ApiResult<TokenResponse>> {
  const body = { ...(options?.scenarioId ? { scenarioId: options.scenarioId } : {}), ...(options?.recap ? { recap: options.recap } : {}) };
  return call(ENDPOINTS.token, { method: 'POST', body }, parseTokenResponse, options);
}

/**
 * POST /refresh-token: extend an active session's credential. With `mode: 'fallback'` a realtime session
 * becomes a fallback session (live voice failed mid-session) and the answer carries a fallback token.
 */
export function refreshToken(sessionId: string, options?: RequestOptions & { mode?: 'fallback' }): Promise<ApiResult<TokenResponse>> {
  const body = options?.mode ? { sessionId, mode: options.mode } : { sessionId };
  return call(ENDPOINTS.refreshToken, { method: 'POST', body }, parseTokenResponse, options);
}

/** POST /end-session: retire a session now. */
export function endSession(sessionId: string, options?: RequestOptions): Promise<ApiResult<EndSessionResponse>> {
  return call(ENDPOINTS.endSession, { method: 'POST', body: { sessionId } }, parseEndSessionResponse, options);
}

/** GET /health. A 503 carrying a health body (status `unhealthy`) is a result, not a failure. */
export function getHealth(options?: RequestOptions): Promise<ApiResult<HealthResponse>> {
  return call(ENDPOINTS.health, { method: 'GET', acceptStatus: [503] }, parseHealthResponse, options);
}

/**
 * End a session while the page is going away (`pagehide`). Uses `sendBeacon` (survives unload, sends
 * cookies-free same-origin POST with `Content-Type: application/json`), falling back to a
 * `keepalive` fetch. Returns whether the browser accepted the request for delivery.
 */
export function endSessionOnUnload(sessionId: string): boolean {
  const payload = JSON.stringify({ sessionId });
  try {
    if (typeof navigator !== 'undefined' && typeof navigator.sendBeacon === 'function') {
      const queued = navigator.sendBeacon(ENDPOINTS.endSession, new Blob([payload], { type: 'application/json' }));
      if (queued) return true;
    }
  } catch {
    /* fall through to keepalive fetch */
  }
  try {
    void fetch(ENDPOINTS.endSession, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: payload,
      keepalive: true,
      credentials: 'same-origin',
    }).catch(() => undefined);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Internals (`call` is shared with the other browser clients of this API, e.g. the search client)

/** Turns a parsed JSON body (or `undefined` for none) into the expected shape, or `null` if it is not. */
export type Parser<T> = (body: unknown) => T | null;

export interface CallInit {
  method: 'GET' | 'POST';
  body?: unknown;
  /** Non-2xx statuses whose body is still parsed as a success (when it has the right shape). */
  acceptStatus?: readonly number[];
  /** The fetch to use (tests inject one). Default: the global `fetch`. */
  fetch?: typeof fetch;
}

/**
 * One JSON request as an `ApiResult`: timeout, caller abort, the API's error shape, `Retry-After` and
 * shape checking via `parse`. Never throws. Sends cookies only to the page's own origin.
 */
export async function call<T>(url: string, init: CallInit, parse: Parser<T>, options: RequestOptions = {}): Promise<ApiResult<T>> {
  const doFetch = init.fetch ?? fetch;
  const controller = new AbortController();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onCallerAbort = () => controller.abort();
  // An already-aborted signal never fires 'abort': cancel right away.
  if (options.signal?.aborted) controller.abort();
  else options.signal?.addEventListener('abort', onCallerAbort, { once: true });

  try {
    let response: Response;
    try {
      response = await doFetch(url, {
        method: init.method,
        headers:
          init.body === undefined
            ? { Accept: 'application/json' }
            : { Accept: 'application/json', 'Content-Type': 'application/json' },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        credentials: 'same-origin',
        cache: 'no-store',
        signal: controller.signal,
      });
    } catch {
      if (timedOut) return failure({ kind: 'timeout', message: `No response within ${Math.round(timeoutMs / 1000)} s` });
      if (options.signal?.aborted) return failure({ kind: 'network', message: 'Request cancelled' });
      return failure({ kind: 'network', message: 'The server could not be reached' });
    }

    const body = await readJson(response);

    if (!response.ok) {
      const accepted = init.acceptStatus?.includes(response.status) ? parse(body) : null;
      if (accepted !== null) return { ok: true, data: accepted, meta: responseMeta(response) };
      return failure(httpFailure(response, body));
    }

    const data = parse(body);
    if (data === null) {
      return failure({
        kind: 'invalid-response',
        status: response.status,
        message: 'The server answered in an unexpected format',
      });
    }
    return { ok: true, data, meta: responseMeta(response) };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
}

function failure<T>(error: ApiFailure): ApiResult<T> {
  return { ok: false, error };
}

/** The body as JSON when it says it is JSON; undefined otherwise (never throws). */
export async function readJson(response: Response): Promise<unknown> {
  const type = response.headers.get('content-type') ?? '';
  if (!/\bjson\b/i.test(type)) return undefined;
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

/**
 * A non-2xx answer and its body (`readJson`) → `ApiFailure`: the API's JSON error shape when present,
 * with `Retry-After` (else the body's `retryAfter`). Every browser client of the API maps errors here
 * (the fallback endpoints too: fallback/fallback-http.ts), so they all show the server's own words.
 */
export function httpFailure(response: Response, body: unknown): ApiFailure {
  const apiError = isApiErrorBody(body) ? body : undefined;
  const retryAfterSeconds =
    parseRetryAfter(response.headers.get('retry-after')) ??
    (apiError && isNonNegativeNumber(apiError.retryAfter) ? Math.ceil(apiError.retryAfter) : undefined);
  return {
    kind: 'http',
    status: response.status,
    ...(apiError ? { code: apiError.error.code } : {}),
    message: apiError?.error.message ?? (response.statusText || `HTTP ${response.status}`),
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  };
}

/** `Retry-After` is either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

function responseMeta(response: Response): ResponseMeta {
  const dateHeader = response.headers.get('date');
  const serverNow = dateHeader ? Date.parse(dateHeader) : Number.NaN;
  // `Date` has one-second resolution; ignore differences that small.
  const skew = Number.isNaN(serverNow) ? 0 : serverNow - Date.now();
  return { status: response.status, clockSkewMs: Math.abs(skew) < 2_000 ? 0 : skew };
}

// ---------------------------------------------------------------------------------------------
// Shape checks (the server is ours, but a proxy or a half-deployed build may answer otherwise)

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegativeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isCoachMode(value: unknown): value is CoachMode {
  return typeof value === 'string' && (COACH_MODES as readonly string[]).includes(value);
}

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  return (
    isRecord(value) &&
    value.success === false &&
    isRecord(value.error) &&
    typeof value.error.code === 'string' &&
    typeof value.error.message === 'string'
  );
}

function parseTokenResponse(body: unknown): TokenResponse | null {
  if (!isRecord(body)) return null;
  const { success, token, expiresAt, sessionId, mode, warnings, realtime, scenario, metered } = body;
  if (success !== true) return null;
  if (typeof token !== 'string' || token.length === 0) return null;
  if (!isNonNegativeNumber(expiresAt)) return null;
  if (typeof sessionId !== 'string' || sessionId.length === 0) return null;
  if (!isCoachMode(mode)) return null;
  const cleanWarnings = Array.isArray(warnings) ? warnings.filter((w): w is string => typeof w === 'string') : undefined;
  const target = parseRealtimeTarget(realtime);
  if (mode === 'realtime' && !target) return null; // a realtime token is useless without its endpoint
  return {
    success,
    token,
    expiresAt,
    sessionId,
    mode,
    ...(cleanWarnings?.length ? { warnings: cleanWarnings } : {}),
    ...(target ? { realtime: target } : {}),
    ...(isRecord(scenario) && typeof scenario.id === 'string' && typeof scenario.title === 'string'
      ? { scenario: { id: scenario.id, title: scenario.title } }
      : {}),
    ...(metered === true ? { metered } : {}),
  };
}

/** An absolute http(s) or ws(s) URL, or (metered sessions) a path on this site; never `//host` (another site). */
const TARGET_URL = /^((https?|wss?):\/\/|\/(?!\/))/;

function parseRealtimeTarget(value: unknown): RealtimeTarget | undefined {
  if (!isRecord(value)) return undefined;
  const { url, model, websocketUrl, metered } = value;
  if (typeof url !== 'string' || !TARGET_URL.test(url) || typeof model !== 'string' || model === '') return undefined;
  // Metered sessions: the WebSocket transport goes through the server's relay (`websocketUrl`).
  const relay = typeof websocketUrl === 'string' && TARGET_URL.test(websocketUrl) ? { websocketUrl } : {};
  return { url: url.replace(/\/+$/, ''), model, ...relay, ...(metered === true ? { metered } : {}) };
}

function parseEndSessionResponse(body: unknown): EndSessionResponse | null {
  // A 2xx with an empty or non-JSON body (e.g. 204) still means "ended".
  if (body === undefined) return { success: true };
  if (!isRecord(body)) return null;
  return { success: body.success !== false };
}

function parseHealthResponse(body: unknown): HealthResponse | null {
  if (!isRecord(body)) return null;
  const { status, apiKey, realtimeAPI, timestamp } = body;
  if (status !== 'healthy' && status !== 'degraded' && status !== 'unhealthy') return null;
  if (typeof apiKey !== 'boolean' || typeof realtimeAPI !== 'boolean' || !isNonNegativeNumber(timestamp)) return null;
  return { status, apiKey, realtimeAPI, timestamp };
}
