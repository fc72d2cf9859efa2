// GET /v1/realtime (WebSocket upgrade, brief §3): authentication and model checks during the
// handshake (HTTP JSON error envelopes before the upgrade, like OpenAI), then the session engine
// over a WebSocket wire. Stats / fault route name: 'realtime'.
// GET /v1/realtime?call_id=rtc_… (brief §2.4): a sideband control socket on a live WebRTC call, attached
// to the call's sideband hub (lib/realtime/sideband-hub.mjs). Route name: 'realtime.sideband'.
import { STATUS_CODES } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { bearerOf } from '../lib/auth.mjs';
import { apiError, invalidKey, invalidUrl, missingKey, missingParam, modelNotFound } from '../lib/errors.mjs';
import { faultReply } from '../lib/faults.mjs';
import { baseHeaders } from '../lib/http.mjs';
import { requestId } from '../lib/ids.mjs';
import { eventId } from '../lib/realtime/ids.mjs';
import { attachRealtimeSession } from '../lib/realtime/session-engine.mjs';
import { effectiveSession } from '../lib/session.mjs';
import { callNotFound, getCall } from './realtime-calls.mjs';

export const REALTIME_WS_PATH = '/v1/realtime';
const KEY_PROTOCOL = 'openai-insecure-api-key.';
const BETA_PROTOCOL = 'openai-beta.realtime-v1';
export const BETA_CLOSE_CODE = 4000;
export const BETA_CLOSE_REASON = 'invalid_request_error.beta_api_shape_disabled';
/** Largest WebSocket message accepted (15 MiB of audio is 20 MiB of base64, plus JSON). */
const MAX_PAYLOAD = 24 * 1024 * 1024;

/**
 * The WebSocket side of the emulator.
 * @param {{ keys: ReturnType<import('../lib/auth.mjs').createKeyRegistry>, faults: ReturnType<import('../lib/faults.mjs').createFaults>,
 *           state: ReturnType<import('../lib/state.mjs').createState>, now: () => number, defaultModel?: string,
 *           log: ((line: string) => void) | null, sleep: (ms: number) => Promise<unknown>, isClosing: () => boolean }} env
 */
export function createRealtimeWebSocket(env) {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAYLOAD,
    perMessageDeflate: false,
    // Echo `realtime` when offered (the ws client fails without a chosen subprotocol); otherwise none.
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
  });
  wss.on('headers', (headers, req) => {
    const id = /** @type {any} */ (req).emulatorRequestId;
    if (id) headers.push(`x-request-id: ${id}`, 'openai-version: 2020-10-01', 'openai-organization: org-emulator');
  });
  /** @type {Set<import('node:stream').Duplex>} sockets held by a hang fault */
  const held = new Set();
  /** @type {Set<{ ws: WebSocket, handle: { close: (code?: number, reason?: string) => void } | null }>} */
  const open = new Set();

  /**
   * @param {import('node:http').IncomingMessage} req @param {import('node:stream').Duplex} socket @param {Buffer} head
   */
  async function handleUpgrade(req, socket, head) {
    socket.on('error', () => {});
    const ctx = { req, requestId: requestId(), started: performance.now() };
    /** @type {any} */ (req).emulatorRequestId = ctx.requestId;
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const path = url.pathname;
    const callId = url.searchParams.get('call_id');
    const name = path !== REALTIME_WS_PATH ? 'unknown' : callId !== null ? 'realtime.sideband' : 'realtime';
    const entry = env.state.record(name, {
      method: 'GET', path, query: Object.fromEntries(url.searchParams), headers: req.headers, body: null, requestId: ctx.requestId,
    });
    /** @param {import('../lib/errors.mjs').ErrorReply} reply */
    const reject = (reply) => {
      entry.status = reply.status;
      env.log?.(`GET ${path} (upgrade) → ${reply.status}`);
      writeHttpError(socket, ctx, reply);
    };

    const fx = env.faults.take(name);
    if (fx.latencyMs > 0) await env.sleep(fx.latencyMs);
    if (env.isClosing() || socket.destroyed) return void socket.destroy();
    if (fx.dropConnection) return void socket.destroy();
    if (fx.hang) {
      held.add(socket);
      socket.on('close', () => held.delete(socket));
      return;
    }
    const protocols = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean);
    const protocolKey = protocols.find((p) => p.startsWith(KEY_PROTOCOL))?.slice(KEY_PROTOCOL.length) || null;
    const headerKey = bearerOf(req.headers.authorization);
    const key = headerKey ?? protocolKey;
    const model = url.searchParams.get('model');
    if (fx.statusFault) return reject(faultReply(fx.statusFault, { key, model, requestId: ctx.requestId }));
    if (name === 'unknown') return reject(invalidUrl('GET', path));

    if (!key || (req.headers.authorization !== undefined && !headerKey)) return reject(missingKey());
    /** @type {any} */
    let base;
    /** @type {ReturnType<typeof getCall>} */
    let call = null;
    if (callId !== null) {
      // the standard API key only: an ek_ secret is not an API key here (401 like any unknown key)
      if (!env.keys.lookup(key)) return reject(invalidKey(key));
      call = getCall(env.state, callId);
      if (!call) return reject(callNotFound(callId));
    } else if (key.startsWith('ek_')) {
      const secret = env.state.getSecret(key);
      if (!secret) return reject(invalidKey(key));
      if (secret.expires_at * 1000 <= env.now())
        return reject(apiError(401, 'The ephemeral client secret has expired. Create a new one with POST /v1/realtime/client_secrets.', { code: 'invalid_api_key' }));
      base = secret.session;
    } else {
      const info = env.keys.lookup(key);
      if (!info) return reject(invalidKey(key));
      const intent = url.searchParams.get('intent');
      if (intent === 'transcription') base = effectiveSession({ type: 'transcription' }, { id: '' });
      else {
        if (!model) return reject(missingParam('model'));
        if (!info.realtime || fx.noRealtime) return reject(modelNotFound(model, { status: 403 }));
        base = effectiveSession({ type: 'realtime', model }, { id: '', defaultModel: env.defaultModel });
      }
    }
    const beta = protocols.includes(BETA_PROTOCOL) || /realtime\s*=\s*v1/i.test(String(req.headers['openai-beta'] ?? ''));

    wss.handleUpgrade(/** @type {any} */ (req), /** @type {any} */ (socket), head, (ws) => {
      entry.status = 101;
      env.log?.(`GET ${path} (upgrade) → 101`);
      const conn = { ws, handle: /** @type {any} */ (null) };
      open.add(conn);
      ws.on('close', () => open.delete(conn));
      ws.on('error', () => {});
      if (env.isClosing()) return void ws.terminate();
      if (beta) {
        ws.send(JSON.stringify({
          type: 'error', event_id: eventId(),
          error: { type: 'invalid_request_error', code: 'beta_api_shape_disabled', message: 'The beta Realtime API shape is no longer supported. Remove the OpenAI-Beta: realtime=v1 header (or the openai-beta.realtime-v1 subprotocol) and use the GA interface.', param: null, event_id: null },
        }));
        ws.close(BETA_CLOSE_CODE, BETA_CLOSE_REASON);
        return;
      }
      if (call) {
        conn.handle = { close: (code, reason) => ws.close(code, reason) };
        return void call.sideband.add(ws);
      }
      conn.handle = attachRealtimeSession(createWebSocketWire(ws), { session: base, state: env.state, faults: env.faults, now: env.now, key, log: env.log ?? undefined });
    });
  }

  return {
    handleUpgrade,
    /** Close every realtime WebSocket (close frame 1001, then the socket) and release held sockets. */
    close() {
      for (const conn of open) {
        conn.handle?.close(1001, 'server shutting down');
        conn.ws.terminate();
      }
      open.clear();
      for (const s of held) s.destroy();
      held.clear();
      wss.close();
    },
  };
}

/**
 * A RealtimeWire over a `ws` WebSocket (no audio methods: audio travels inside the JSON events).
 * @param {WebSocket} ws @returns {import('../lib/realtime/session-engine.mjs').RealtimeWire}
 */
export function createWebSocketWire(ws) {
  return {
    kind: 'websocket',
    send(event) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(event));
    },
    onClientEvent(handler) {
      ws.on('message', (data) => {
        let value;
        try {
          value = JSON.parse(String(data));
        } catch {
          value = { __invalidJson: true };
        }
        handler(value);
      });
    },
    onInputAudio() {},
    playAudio() {},
    clearAudio: () => 0,
    onAudioDrained() {},
    onClose(handler) {
      ws.on('close', () => handler());
    },
    close(code = 1000, reason = '') {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, reason);
    },
    drop() {
      ws.terminate();
    },
  };
}

/**
 * Answer an upgrade request with a plain HTTP error (the JSON envelope), then close the socket.
 * @param {import('node:stream').Duplex} socket @param {any} ctx @param {import('../lib/errors.mjs').ErrorReply} reply
 */
function writeHttpError(socket, ctx, reply) {
  if (socket.destroyed) return;
  const body = JSON.stringify({ error: reply.error }, null, 2);
  const headers = {
    ...baseHeaders(ctx), 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), connection: 'close', ...(reply.headers ?? {}),
  };
  const head = [`HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? 'Error'}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  socket.end(`${head}\r\n\r\n${body}`);
}
