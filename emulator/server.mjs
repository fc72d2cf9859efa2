// Protocol-faithful local OpenAI emulator (test peer). node:http only.
// See README.md for routes, keys, fault options and the control API.
import http from 'node:http';
import { createKeyRegistry } from './lib/auth.mjs';
import { bodyTooLarge, badJson, invalidUrl, serverError } from './lib/errors.mjs';
import { createFaults, faultReply } from './lib/faults.mjs';
import { MAX_BODY_BYTES, parseJson, rateLimitHeaders, readBody, sendError, sendJson, sendPreflight } from './lib/http.mjs';
import { requestId } from './lib/ids.mjs';
import { createFallbackSettings } from './lib/chat-audio-settings.mjs';
import { createState } from './lib/state.mjs';
import { handleControl } from './routes/control.mjs';
import { matchRoute } from './routes/index.mjs';
import { createRealtimeWebSocket } from './routes/realtime-ws.mjs';
import { closeAllCalls } from './routes/realtime-calls.mjs';

/**
 * @typedef {object} EmulatorOptions
 * @property {number} [port]       0 (default) picks a free port.
 * @property {string} [host]       default 127.0.0.1.
 * @property {Record<string, {realtime: boolean}>} [keys]  replaces the default keys.
 * @property {boolean} [acceptEmuKeys]  accept any `sk-emu-…` key as realtime-capable (default true).
 * @property {import('./lib/faults.mjs').Fault|import('./lib/faults.mjs').Fault[]} [faults] initial faults.
 * @property {string} [defaultModel]   model of a realtime session minted without one (default gpt-realtime).
 * @property {() => number} [now]      clock in ms (default Date.now); drives expires_at.
 * @property {boolean|((line: string) => void)} [log]  request log (true → console.log).
 * @property {boolean} [control]       serve /__emulator/* (default true).
 * @property {number} [maxBodyBytes]   default 5 MiB (413 beyond).
 * @property {import('./lib/realtime/conversation-script.mjs').ScriptTurn[]} [realtimeScript] realtime conversation script.
 * @property {Partial<import('./lib/realtime/settings.mjs').RealtimeConfig>} [realtimeConfig] realtime timing and session cap.
 * @property {Partial<import('./lib/chat-audio-settings.mjs').FallbackConfig>} [fallbackConfig] chat/speech stream pacing, speech engine.
 * @property {string[]} [transcripts]  texts served in order (per key) by /v1/audio/transcriptions.
 * @property {string} [defaultTranscript] served after the list is used up.
 */

/** @param {EmulatorOptions} [options] */
export async function startEmulator(options = {}) {
  const keys = createKeyRegistry(options);
  const faults = createFaults();
  if (options.faults) faults.set(options.faults);
  const state = createState({ realtimeScript: options.realtimeScript, realtimeConfig: options.realtimeConfig });
  const fallback = createFallbackSettings(options);
  const now = options.now ?? Date.now;
  const log = options.log === true ? (l) => console.log(l) : typeof options.log === 'function' ? options.log : null;
  /** @type {Map<NodeJS.Timeout, (v?: unknown) => void>} pending latency timers → their resolvers */
  const timers = new Map();
  let closing = false;

  const api = {
    setFaults: (f) => faults.set(f),
    addFaults: (f) => faults.add(f),
    resetFaults: () => faults.reset(),
    listFaults: () => faults.list(),
    stats: () => state.snapshot(faults.list()),
    reset: () => {
      state.reset();
      faults.reset();
      fallback.reset();
    },
    /** Replace the realtime script (null restores the startEmulator / default script). Throws TypeError. */
    setRealtimeScript: (script) => state.realtime.setScript(script),
    getRealtimeScript: () => state.realtime.script,
    /** Merge realtime config options (null restores the startEmulator / default config). Throws TypeError. */
    setRealtimeConfig: (config) => state.realtime.setConfig(config),
    getRealtimeConfig: () => state.realtime.config,
    /** One record per realtime session (oldest first): transport, events by type, responses, truncations, errors. */
    realtimeSessions: () => state.realtimeSessions(),
    /** Fallback routes: merge {chatChunkMs, speechChunkMs, speechEngine, espeakPath} (null restores). Throws TypeError. */
    setFallbackConfig: (config) => fallback.setConfig(config),
    getFallbackConfig: () => fallback.config,
    /** Transcripts for /v1/audio/transcriptions: [text…] or {transcripts?, default?} (null restores). Throws TypeError. */
    setTranscripts: (t) => fallback.setTranscripts(t),
    getTranscripts: () => fallback.transcriptState(),
  };

  const sleep = (ms) => new Promise((resolve) => {
    const t = setTimeout(() => {
      timers.delete(t);
      resolve(undefined);
    }, ms);
    timers.set(t, resolve);
  });

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  async function handle(req, res) {
    const ctx = { req, res, requestId: requestId(), started: performance.now() };
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://emulator.local');
    const path = url.pathname;
    if (log) res.on('finish', () => log(`${method} ${path} → ${res.statusCode} (${Math.round(performance.now() - ctx.started)} ms)`));

    if (method === 'OPTIONS') return sendPreflight(ctx);

    const isControl = options.control !== false && path.startsWith('/__emulator/');
    const match = isControl ? null : matchRoute(method, path);
    const limit = match?.route.maxBodyBytes ?? options.maxBodyBytes ?? MAX_BODY_BYTES; // routes may allow more (uploads)
    const body = await readBody(req, limit);
    if (!body.ok) {
      if (!body.tooLarge) return undefined;
      return sendError(ctx, match?.route.tooLarge ? match.route.tooLarge(limit, req.headers['content-length']) : bodyTooLarge(limit));
    }
    const raw = body.raw;

    if (isControl) {
      const reply = handleControl({ method, path, query: url.searchParams, raw }, api);
      return 'error' in reply ? sendError(ctx, reply) : sendJson(ctx, reply.status, reply.body);
    }

    const name = match?.route.name ?? 'unknown';
    const parsed = raw.length ? parseJson(raw) : undefined;
    const entry = state.record(name, {
      method, path, query: Object.fromEntries(url.searchParams), headers: req.headers,
      body: parsed !== undefined ? parsed : raw.length ? raw.toString('utf8').slice(0, 4096) : null,
      requestId: ctx.requestId,
    });
    res.on('finish', () => { entry.status = res.statusCode; });

    const fx = faults.take(name);
    if (fx.latencyMs > 0) await sleep(fx.latencyMs);
    if (closing || res.destroyed) return;
    if (fx.dropConnection) return void req.socket.destroy();
    if (fx.hang) return; // never answer; close() or the client ends the socket
    const bearer = /^Bearer\s+(\S+)/i.exec(String(req.headers.authorization ?? ''))?.[1] ?? null;
    if (fx.statusFault) {
      const model = match?.params.id ?? (parsed && typeof parsed === 'object' ? parsed?.session?.model ?? parsed?.model : null);
      return sendError(ctx, faultReply(fx.statusFault, { key: bearer, model: typeof model === 'string' ? model : null, requestId: ctx.requestId }));
    }

    if (!match) return sendError(ctx, invalidUrl(method, path));
    const auth = keys.authenticate(req.headers.authorization);
    if (!auth.ok && !match.route.ephemeralAuth) return sendError(ctx, auth.reply);
    if (match.route.json && parsed === undefined) return sendError(ctx, badJson());

    const out = await match.route.handler({
      params: match.params, body: parsed, raw, key: auth.ok ? auth.key : null,
      realtimeAccess: auth.ok && auth.info.realtime && !fx.noRealtime,
      authError: auth.ok ? null : auth.reply, // only reaches routes with ephemeralAuth (ek_ secrets)
      state, faults, fallback, options: { defaultModel: options.defaultModel }, now, ctx,
    });
    if (out?.handled) return; // the handler wrote ctx.res itself (SDP, SSE, …)
    if ('error' in out) return sendError(ctx, out);
    sendJson(ctx, out.status, out.body, { ...rateLimitHeaders(state.total()), ...(out.headers ?? {}) });
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (log) log(`emulator error: ${err?.stack ?? err}`);
      const ctx = { req, res, requestId: requestId(), started: performance.now() };
      try {
        sendError(ctx, serverError(ctx.requestId));
      } catch {
        res.destroy();
      }
    });
  });
  const realtimeWs = createRealtimeWebSocket({
    keys, faults, state, now, defaultModel: options.defaultModel, log, sleep, isClosing: () => closing,
  });
  server.on('upgrade', (req, socket, head) => {
    realtimeWs.handleUpgrade(req, socket, head).catch((err) => {
      if (log) log(`emulator upgrade error: ${err?.stack ?? err}`);
      socket.destroy();
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;

  return {
    url: `http://${host}:${addr.port}`,
    port: addr.port,
    host: addr.address,
    server,
    ...api,
    /** Look up a minted ephemeral secret (null if unknown). @param {string} value */
    lookupSecret: (value) => state.getSecret(value),
    /** Stop listening and destroy every open connection (including hung requests). */
    close() {
      closing = true;
      for (const [t, resolve] of timers) {
        clearTimeout(t);
        resolve();
      }
      timers.clear();
      realtimeWs.close(); // realtime WebSockets (close 1001, then the socket) and hung upgrades
      const calls = closeAllCalls(state); // WebRTC peers of /v1/realtime/calls
      return Promise.all([calls, new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      })]).then(() => undefined);
    },
  };
}
