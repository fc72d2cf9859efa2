// POST /v1/realtime/calls (GA WebRTC SDP exchange, protocol brief §2.1) and
// POST /v1/realtime/calls/{call_id}/hangup (§2.4).
//
// The route answers the browser's SDP offer with a werift peer, keeps the call in a per-emulator
// registry, and starts the realtime session engine on the call once the client's `oai-events`
// data channel is open. werift and opusscript are imported only when a call is actually made.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bearerOf } from '../lib/auth.mjs';
import { apiError, invalidKey, invalidValue, missingKey, missingParam, modelNotFound } from '../lib/errors.mjs';
import { baseHeaders, parseJson, rateLimitHeaders } from '../lib/http.mjs';
import { hex, sessionId } from '../lib/ids.mjs';
import { REALTIME_MODEL_IDS, RETIRED, findModel } from '../lib/models.mjs';
import { parseMultipart } from '../lib/realtime/multipart.mjs';
import { createSidebandHub } from '../lib/realtime/sideband-hub.mjs';
import { checkOffer } from '../lib/realtime/webrtc-sdp.mjs';
import { deepMerge, effectiveSession } from '../lib/session.mjs';
import { isObj, validateClientSecretBody } from '../lib/validate.mjs';

/** @typedef {import('./index.mjs').RouteEnv & { authError?: import('../lib/errors.mjs').ErrorReply|null, faults?: any, script?: any }} CallsEnv */

/**
 * @typedef {object} Call
 * @property {string} id                 rtc_…
 * @property {any} pc                    werift RTCPeerConnection
 * @property {any} session               the session config the engine got
 * @property {string|null} secret        the ek_ secret used, if any
 * @property {number} createdAt          ms (env.now())
 * @property {any} wire                  the RealtimeWire once the events channel opened, else null
 * @property {ReturnType<typeof createSidebandHub>} sideband  the call's `?call_id=` control sockets
 * @property {() => Promise<void>} close close the sidebands and the wire (or the bare peer), forget the call
 */

/** Engine contract: `(wire, { session, state, faults, now, script, callId, transport }) => void | Promise<unknown>` */
/** @typedef {(wire: import('../lib/realtime/webrtc-wire.mjs').RealtimeWire, ctx: Record<string, any>) => unknown} AttachEngine */

const ENGINE_URL = new URL('../lib/realtime/session-engine.mjs', import.meta.url);
/** How long a call may wait for its `oai-events` channel before the peer is dropped. */
export const CHANNEL_OPEN_TIMEOUT_MS = 30_000;
let channelOpenTimeoutMs = CHANNEL_OPEN_TIMEOUT_MS;

/** @type {AttachEngine|null} */
let engineOverride = null;
/** @type {'silence'|'none'} */
let idleAudio = 'silence';

/**
 * Replace the session engine for every later call of this process (tests). `null` restores the
 * default: `attachRealtimeSession` from lib/realtime/session-engine.mjs, or the minimal fallback
 * engine while that file does not exist.
 * @param {AttachEngine|null} fn
 */
export function setEngine(fn) {
  engineOverride = fn;
}

/** What the outbound audio track sends while idle: 'silence' (default) or 'none'. @param {'silence'|'none'} mode */
export function setIdleAudio(mode) {
  if (mode !== 'silence' && mode !== 'none') throw new TypeError("idle audio must be 'silence' or 'none'");
  idleAudio = mode;
}

/** The channel-open timeout of later calls of this process (tests); `null` restores 30 s. @param {number|null} ms */
export function setChannelOpenTimeout(ms) {
  if (ms !== null && !(Number.isFinite(ms) && ms > 0)) throw new TypeError('the channel-open timeout must be a positive number of ms');
  channelOpenTimeoutMs = ms ?? CHANNEL_OPEN_TIMEOUT_MS;
}

/** @returns {Promise<AttachEngine>} */
async function loadEngine() {
  if (engineOverride) return engineOverride;
  if (existsSync(fileURLToPath(ENGINE_URL))) {
    const m = await import(ENGINE_URL.href);
    if (typeof m.attachRealtimeSession !== 'function') throw new Error('session-engine.mjs does not export attachRealtimeSession');
    return m.attachRealtimeSession;
  }
  const { attachFallbackSession } = await import('../lib/realtime/webrtc-fallback-engine.mjs');
  return /** @type {AttachEngine} */ (attachFallbackSession);
}

// ------------------------------------------------------------------ call registry (per emulator state)

/** @type {WeakMap<object, Map<string, Call>>} */
const registries = new WeakMap();
/** Every live call of this process (all emulators). @type {Set<Call>} */
const everyCall = new Set();

/** @param {object} state @returns {Map<string, Call>} */
function registry(state) {
  let r = registries.get(state);
  if (!r) registries.set(state, (r = new Map()));
  return r;
}

/** The live calls of one emulator (by its state object), or of every emulator in this process. @param {object} [state] */
export const listCalls = (state) => (state ? [...registry(state).values()] : [...everyCall]);

/** 404 for an unknown or ended call (hangup, `?call_id=` sideband). @param {string} id */
export const callNotFound = (id) => apiError(404, `Call with id '${id}' not found.`, { param: 'call_id', code: 'call_not_found' });

/** One live call, e.g. for a `?call_id=` sideband socket. @param {object} state @param {string} id */
export const getCall = (state, id) => registry(state).get(id) ?? null;

/** Close every live call of one emulator (the emulator's close() awaits this). @param {object} state */
export async function closeAllCalls(state) {
  await Promise.all(listCalls(state).map((c) => c.close()));
}

// ------------------------------------------------------------------ request parsing

export { parseMultipart };

/** @param {string} model @param {boolean} realtimeAccess */
function checkModel(model, realtimeAccess) {
  const m = findModel(model);
  if (m && !m.realtime) return invalidValue('session.model', model, REALTIME_MODEL_IDS);
  if (!m || RETIRED.includes(model)) return modelNotFound(model, { param: 'session.model' });
  if (!realtimeAccess) return modelNotFound(model, { status: 403, param: 'session.model' });
  return null;
}

const invalidOffer = (/** @type {string} */ message) => apiError(400, message, { code: 'invalid_offer' });

/**
 * Who is calling: a live ek_ secret, or an API key the pipeline already accepted.
 * @param {CallsEnv} env
 * @returns {{ error: import('../lib/errors.mjs').ErrorReply } | { secret: import('../lib/state.mjs').SecretRecord|null }}
 */
function authenticate(env) {
  if (env.key) return { secret: null };
  const bearer = bearerOf(env.ctx.req.headers.authorization);
  if (bearer?.startsWith('ek_')) {
    const secret = env.state.getSecret(bearer);
    // unknown and expired secrets look the same to the caller: 401 invalid_api_key
    if (!secret || secret.expires_at * 1000 <= env.now()) return { error: invalidKey(bearer) };
    return { secret };
  }
  return { error: env.authError ?? (bearer ? invalidKey(bearer) : missingKey()) };
}

// ------------------------------------------------------------------ POST /v1/realtime/calls

/** @param {CallsEnv} env */
export async function createCall(env) {
  const who = authenticate(env);
  if ('error' in who) return who.error;
  const { secret } = who;

  const contentType = String(env.ctx.req.headers['content-type'] ?? '');
  const mime = contentType.split(';')[0].trim().toLowerCase();
  /** @type {string} */
  let offer;
  /** @type {unknown} */
  let sessionPart;
  if (mime === 'application/sdp') {
    offer = env.raw.toString('utf8');
  } else if (mime === 'multipart/form-data') {
    const parts = parseMultipart(env.raw, contentType);
    if (!parts) return apiError(400, 'Could not parse the multipart form body. Send the parts "sdp" (application/sdp) and "session" (application/json).');
    if (parts.sdp === undefined) return missingParam('sdp');
    offer = parts.sdp;
    if (parts.session !== undefined) {
      sessionPart = parseJson(Buffer.from(parts.session));
      if (sessionPart === undefined) return apiError(400, "The 'session' part is not valid JSON.", { param: 'session', code: 'invalid_json' });
    }
  } else {
    return apiError(400, `Invalid Content-Type header (${mime || 'none'}), expected application/sdp or multipart/form-data. (HINT: send the SDP offer as the raw body with 'Content-Type: application/sdp', or the unified form with the parts 'sdp' and 'session'.)`);
  }

  /** @type {any} */
  let session;
  if (sessionPart !== undefined) {
    const invalid = validateClientSecretBody({ session: sessionPart });
    if (invalid) return invalid;
  }
  if (secret) {
    session = isObj(sessionPart) ? deepMerge(secret.session, sessionPart) : structuredClone(secret.session);
  } else {
    session = effectiveSession(/** @type {any} */ (sessionPart), { id: sessionId(), defaultModel: env.options.defaultModel });
    if (session.type === 'realtime') {
      const err = checkModel(session.model, env.realtimeAccess);
      if (err) return err;
    }
  }

  const check = checkOffer(offer);
  if ('message' in check) return invalidOffer(check.message);

  let attach;
  try {
    attach = await loadEngine();
  } catch (err) {
    return apiError(500, `The emulator could not load its realtime session engine: ${/** @type {any} */ (err)?.message ?? err}`, { type: 'server_error' });
  }

  const { answerOffer, onEventsChannel, OfferRejected } = await import('../lib/realtime/webrtc-peer.mjs');
  let answered;
  try {
    answered = await answerOffer(offer);
  } catch (err) {
    if (err instanceof OfferRejected) return invalidOffer(`Invalid SDP offer. Please try again with a WHIP-compliant offer. ${err.message}`);
    throw err;
  }
  const { pc, audio, answerSdp } = answered;
  const { createWebRtcWire } = await import('../lib/realtime/webrtc-wire.mjs');
  const { closePeer } = await import('../lib/realtime/webrtc-close.mjs');

  const id = `rtc_${hex(32)}`;
  const calls = registry(env.state);
  /** @type {NodeJS.Timeout|undefined} */
  let openTimer;
  /** @type {Call} */
  const call = {
    id, pc, session, secret: secret?.value ?? null, createdAt: env.now(), wire: null, sideband: createSidebandHub(),
    async close() {
      calls.delete(id);
      everyCall.delete(call);
      clearTimeout(openTimer);
      call.sideband.close(1000, '');
      // the wire sends SCTP ABORT + DTLS close_notify before closing the peer; a call whose channel never
      // opened gets the same goodbye (see lib/realtime/webrtc-close.mjs)
      await (call.wire ? call.wire.close() : closePeer(pc));
    },
  };
  calls.set(id, call);
  everyCall.add(call);
  openTimer = setTimeout(() => void call.close(), channelOpenTimeoutMs);
  openTimer.unref?.();
  pc.connectionStateChange.subscribe((/** @type {string} */ s) => {
    if (s === 'closed' || s === 'failed') void call.close();
  });

  onEventsChannel(pc, (/** @type {any} */ channel) => {
    clearTimeout(openTimer);
    if (!calls.has(id)) return;
    // the engine's events also reach the call's sideband sockets, and theirs reach the engine
    const wire = call.sideband.wrap(createWebRtcWire({ pc, channel, audio, idleAudio }));
    call.wire = wire;
    wire.onClose(() => void call.close());
    const ctx = { session, state: env.state, faults: env.faults, now: env.now, key: secret ? secret.value : env.key,
      script: env.script ?? /** @type {any} */ (env.options).script, callId: id, transport: 'webrtc' };
    try {
      Promise.resolve(attach(wire, ctx)).catch(() => wire.close());
    } catch {
      wire.close();
    }
  });

  const { res } = env.ctx;
  if (res.destroyed || res.writableEnded) {
    await call.close();
    return { handled: true };
  }
  res.writeHead(201, {
    ...baseHeaders(env.ctx),
    ...rateLimitHeaders(env.state.total()),
    'content-type': 'application/sdp',
    location: `/v1/realtime/calls/${id}`,
    'content-length': String(Buffer.byteLength(answerSdp)),
  });
  res.end(answerSdp);
  return { handled: true };
}

// ------------------------------------------------------------------ POST /v1/realtime/calls/{id}/hangup

/** @param {CallsEnv} env */
export async function hangupCall(env) {
  const who = authenticate(env);
  if ('error' in who) return who.error;
  const call = getCall(env.state, env.params.call_id);
  if (!call) return callNotFound(env.params.call_id);
  await call.close();
  const { res } = env.ctx;
  res.writeHead(200, { ...baseHeaders(env.ctx), ...rateLimitHeaders(env.state.total()), 'content-length': '0' });
  res.end();
  return { handled: true };
}
