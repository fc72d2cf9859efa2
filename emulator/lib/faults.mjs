// Fault injection: a list of faults, each scoped to a route name and optionally
// limited to the next `times` matching requests.
// Two kinds: HTTP faults (status, latency, hang, drop before answering, noRealtime) are taken per
// request by take(); realtime *session* faults (dropConnection after N events / T ms, sessionExpired,
// errorEvent, failResponse) are taken once per realtime session by takeSession(), when it starts.
import { apiError, invalidKey, modelNotFound } from './errors.mjs';

/**
 * @typedef {object} Fault
 * @property {string} [route]        'models', 'models.retrieve', 'client_secrets', 'responses', 'chat.completions',
 *                                   'audio.speech', 'audio.transcriptions', 'unknown', … or '*' (default).
 *                                   A scope also matches its sub-routes ('models' matches 'models.retrieve').
 * @property {number} [times]        apply to the next n matching requests, then clear.
 * @property {number} [status]       answer with this HTTP status and its OpenAI error envelope.
 * @property {string} [code]         override error.code (e.g. 'insufficient_quota' with status 429).
 * @property {string} [type]         override error.type.
 * @property {string} [message]      override error.message.
 * @property {string|null} [param]   override error.param.
 * @property {number} [retryAfter]   seconds for Retry-After on 429 rate_limit_exceeded (default 1).
 * @property {number} [retryAfterMs] value for retry-after-ms (default retryAfter*1000).
 * @property {boolean} [shouldRetry] send x-should-retry: true|false.
 * @property {Record<string,string>} [headers] extra response headers on the fault reply.
 * @property {number} [latencyMs]    delay before answering.
 * @property {boolean} [hang]        never answer (alias: timeout).
 * @property {boolean} [timeout]     alias of hang.
 * @property {boolean} [dropConnection] destroy the socket without a response.
 * @property {boolean} [noRealtime]  every key is treated as lacking realtime access.
 * @property {number} [afterEvents]  realtime session fault: with dropConnection, drop after n server events
 *                                   (on chat.completions / audio.speech streams: after n chunks).
 * @property {number} [afterMs]      realtime session fault: with dropConnection or sessionExpired, act after t ms.
 * @property {boolean} [sessionExpired] realtime session fault: error session_expired + close 1001 (after afterMs, default 0).
 * @property {{type?: string, code?: string|null, message?: string, param?: string|null}} [errorEvent]
 *                                   realtime session fault: the next response becomes this `error` event.
 * @property {{type?: string, code?: string|null, message?: string}} [failResponse]
 *                                   realtime session fault: the next response ends with status "failed" and this error.
 */

const KEYS = new Set(['route', 'times', 'status', 'code', 'type', 'message', 'param', 'retryAfter',
  'retryAfterMs', 'shouldRetry', 'headers', 'latencyMs', 'hang', 'timeout', 'dropConnection', 'noRealtime',
  'afterEvents', 'afterMs', 'sessionExpired', 'errorEvent', 'failResponse']);
const EFFECTS = ['status', 'latencyMs', 'hang', 'timeout', 'dropConnection', 'noRealtime', 'sessionExpired', 'errorEvent', 'failResponse'];
const SESSION_KEYS = ['afterEvents', 'afterMs', 'sessionExpired', 'errorEvent', 'failResponse'];
const HTTP_ONLY = ['status', 'latencyMs', 'hang', 'timeout', 'noRealtime', 'retryAfter', 'retryAfterMs', 'shouldRetry', 'headers', 'code', 'type', 'message', 'param'];

/** A realtime session fault (taken by takeSession, ignored by take). @param {Fault} f */
export const isSessionFault = (f) => SESSION_KEYS.some((k) => f[/** @type {keyof Fault} */ (k)] !== undefined);

/** @param {any} v @param {string} name @param {string[]} keys */
function errorShape(v, name, keys) {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new TypeError(`'${name}' must be an object`);
  for (const k of Object.keys(v)) {
    if (!keys.includes(k)) throw new TypeError(`unknown '${name}' option '${k}'`);
    if (!(typeof v[k] === 'string' || (v[k] === null && (k === 'code' || k === 'param')))) throw new TypeError(`'${name}.${k}' must be a string`);
  }
}

/** Validate and normalise one fault. Throws TypeError with a readable message. @param {any} f */
export function normalizeFault(f) {
  if (!f || typeof f !== 'object' || Array.isArray(f)) throw new TypeError('a fault must be an object');
  for (const k of Object.keys(f)) if (!KEYS.has(k)) throw new TypeError(`unknown fault option '${k}'`);
  const out = { ...f, route: f.route ?? '*' };
  if (typeof out.route !== 'string' || !out.route) throw new TypeError("'route' must be a non-empty string");
  if (out.times !== undefined && !(Number.isInteger(out.times) && out.times > 0))
    throw new TypeError("'times' must be a positive integer");
  if (out.status !== undefined && !(Number.isInteger(out.status) && out.status >= 400 && out.status <= 599))
    throw new TypeError("'status' must be an integer from 400 to 599");
  for (const k of ['latencyMs', 'retryAfter', 'retryAfterMs'])
    if (out[k] !== undefined && !(typeof out[k] === 'number' && out[k] >= 0 && Number.isFinite(out[k])))
      throw new TypeError(`'${k}' must be a non-negative number`);
  for (const k of ['hang', 'timeout', 'dropConnection', 'noRealtime', 'shouldRetry'])
    if (out[k] !== undefined && typeof out[k] !== 'boolean') throw new TypeError(`'${k}' must be a boolean`);
  for (const k of ['code', 'type', 'message'])
    if (out[k] !== undefined && typeof out[k] !== 'string') throw new TypeError(`'${k}' must be a string`);
  if (out.headers !== undefined && (typeof out.headers !== 'object' || out.headers === null))
    throw new TypeError("'headers' must be an object");
  if (!EFFECTS.some((k) => out[k] !== undefined && out[k] !== false))
    throw new TypeError(`a fault needs one of: ${EFFECTS.join(', ')}`);
  if (isSessionFault(out)) {
    const mixed = HTTP_ONLY.find((k) => out[k] !== undefined);
    if (mixed) throw new TypeError(`'${mixed}' cannot be combined with realtime session options (${SESSION_KEYS.join(', ')})`);
    if (out.afterEvents !== undefined && !(Number.isInteger(out.afterEvents) && out.afterEvents > 0))
      throw new TypeError("'afterEvents' must be a positive integer");
    if (out.afterMs !== undefined && !(typeof out.afterMs === 'number' && out.afterMs >= 0 && Number.isFinite(out.afterMs)))
      throw new TypeError("'afterMs' must be a non-negative number");
    if (out.sessionExpired !== undefined && typeof out.sessionExpired !== 'boolean') throw new TypeError("'sessionExpired' must be a boolean");
    if (out.errorEvent !== undefined) errorShape(out.errorEvent, 'errorEvent', ['type', 'code', 'message', 'param']);
    if (out.failResponse !== undefined) errorShape(out.failResponse, 'failResponse', ['type', 'code', 'message']);
    if (out.afterEvents !== undefined && !out.dropConnection) throw new TypeError("'afterEvents' needs dropConnection: true");
    if (out.afterMs !== undefined && !out.dropConnection && !out.sessionExpired) throw new TypeError("'afterMs' needs dropConnection or sessionExpired");
    if (out.dropConnection && out.afterEvents === undefined && out.afterMs === undefined)
      throw new TypeError('a realtime dropConnection fault needs afterEvents or afterMs');
    if ([out.dropConnection, out.sessionExpired, out.errorEvent, out.failResponse].filter((v) => v !== undefined && v !== false).length !== 1)
      throw new TypeError('a realtime session fault has exactly one of: dropConnection, sessionExpired, errorEvent, failResponse');
  }
  return out;
}

/** @param {string} scope @param {string} route */
export const scopeMatches = (scope, route) => scope === '*' || scope === route || route.startsWith(`${scope}.`);

export function createFaults() {
  /** @type {Fault[]} */
  let list = [];
  return {
    /** Replace all faults. @param {Fault|Fault[]|null|undefined} f */
    set(f) {
      const arr = f == null ? [] : Array.isArray(f) ? f : [f];
      list = arr.map(normalizeFault);
    },
    /** Append faults. @param {Fault|Fault[]} f */
    add(f) {
      list = list.concat((Array.isArray(f) ? f : [f]).map(normalizeFault));
    },
    reset() {
      list = [];
    },
    list: () => list.map((f) => ({ ...f })),
    /**
     * Consume the faults matching a route and combine their effects.
     * @param {string} route
     */
    take(route) {
      const matched = list.filter((f) => !isSessionFault(f) && scopeMatches(/** @type {string} */ (f.route), route));
      for (const f of matched) if (f.times !== undefined) f.times -= 1;
      list = list.filter((f) => f.times === undefined || f.times > 0);
      return {
        latencyMs: matched.reduce((s, f) => s + (f.latencyMs ?? 0), 0),
        hang: matched.some((f) => f.hang || f.timeout),
        dropConnection: matched.some((f) => f.dropConnection),
        noRealtime: matched.some((f) => f.noRealtime),
        statusFault: matched.find((f) => f.status !== undefined) ?? null,
      };
    },
    /**
     * Consume the realtime session faults matching a route ('realtime.websocket' | 'realtime.webrtc';
     * scope 'realtime' matches both) and combine them. `times` counts sessions.
     * Streaming HTTP routes (chat.completions, audio.speech) take theirs with `explicitOnly`: a fault
     * scoped '*' stays for realtime sessions.
     * @param {string} route @param {{ explicitOnly?: boolean }} [o]
     */
    takeSession(route, o = {}) {
      const matched = list.filter((f) => isSessionFault(f) && !(o.explicitOnly && f.route === '*')
        && scopeMatches(/** @type {string} */ (f.route), route));
      for (const f of matched) if (f.times !== undefined) f.times -= 1;
      list = list.filter((f) => f.times === undefined || f.times > 0);
      const min = (/** @type {(number|undefined)[]} */ xs) => {
        const v = xs.filter((x) => x !== undefined);
        return v.length ? Math.min(.../** @type {number[]} */ (v)) : undefined;
      };
      const drops = matched.filter((f) => f.dropConnection);
      const expiries = matched.filter((f) => f.sessionExpired);
      return {
        dropAfterEvents: min(drops.map((f) => f.afterEvents)),
        dropAfterMs: min(drops.map((f) => f.afterMs)),
        sessionExpiredAfterMs: expiries.length ? min(expiries.map((f) => f.afterMs ?? 0)) : undefined,
        errorEvent: matched.find((f) => f.errorEvent)?.errorEvent ?? null,
        failResponse: matched.find((f) => f.failResponse)?.failResponse ?? null,
      };
    },
  };
}

/**
 * The OpenAI error reply for an injected status.
 * @param {Fault} f
 * @param {{ key?: string|null, model?: string|null, requestId: string }} ctx
 * @returns {import('./errors.mjs').ErrorReply}
 */
export function faultReply(f, ctx) {
  const status = /** @type {number} */ (f.status);
  let base;
  /** @type {Record<string,string>} */
  const headers = {};
  if (status === 401) base = invalidKey(ctx.key ?? 'sk-unknown-key-0000');
  else if (status === 403 && f.code === 'model_not_found') base = modelNotFound(ctx.model ?? 'gpt-realtime', { status: 403 });
  else if (status === 403)
    base = apiError(403, 'Country, region, or territory not supported', {
      type: 'request_forbidden', code: 'unsupported_country_region_territory' });
  else if (status === 404) base = modelNotFound(ctx.model ?? 'gpt-realtime');
  else if (status === 429 && f.code === 'insufficient_quota')
    base = apiError(429, 'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
      { type: 'insufficient_quota', code: 'insufficient_quota' });
  else if (status === 429) {
    const secs = Math.max(1, Math.ceil(f.retryAfter ?? (f.retryAfterMs !== undefined ? f.retryAfterMs / 1000 : 1)));
    headers['retry-after'] = String(secs);
    headers['retry-after-ms'] = String(f.retryAfterMs ?? (f.retryAfter ?? 1) * 1000);
    base = apiError(429, `Rate limit reached for requests in organization org-emulator on requests per min (RPM): Limit 60, Used 60, Requested 1. Please try again in ${secs}s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
      { type: 'requests', code: 'rate_limit_exceeded' });
  } else if (status === 500)
    base = apiError(500, `The server had an error while processing your request. Sorry about that! You can retry your request, or contact us through our help center at help.openai.com if the error persists. (Please include the request ID ${ctx.requestId} in your message.)`,
      { type: 'server_error' });
  else if (status === 502) base = apiError(502, 'Bad gateway.', { type: 'server_error' });
  else if (status === 503)
    base = apiError(503, 'The engine is currently overloaded, please try again later', { type: 'server_error' });
  else if (status >= 500) base = apiError(status, 'The server had an error while processing your request.', { type: 'server_error' });
  else base = apiError(status, `Emulated error (HTTP ${status}).`);

  if (f.shouldRetry !== undefined) headers['x-should-retry'] = String(f.shouldRetry);
  Object.assign(headers, f.headers ?? {});
  return {
    status,
    error: {
      message: f.message ?? base.error.message,
      type: f.type ?? base.error.type,
      param: f.param !== undefined ? f.param : base.error.param,
      code: f.code ?? base.error.code,
    },
    headers: { ...(base.headers ?? {}), ...headers },
  };
}
