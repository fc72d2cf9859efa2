// Sideband control sockets of one WebRTC call (`GET /v1/realtime?call_id=rtc_…`, brief §2.4): a server
// attaches WebSocket(s) to a call the browser set up, and sees and drives the same session.
//
// The hub wraps the call's WebRTC wire before the session engine gets it:
// - every server event the engine sends to the browser's `oai-events` channel is also sent, in order,
//   to each sideband socket as one JSON text frame;
// - client events from a sideband go to the engine exactly like events from the data channel;
// - an `error` the engine sends *while handling a sideband's event* goes back to that sideband only
//   (errors caused by the browser go to the browser and every sideband, like any other event);
// - closing the wire closes every sideband (code 1000, or the engine's code, e.g. 1001 session_expired).
//
// Sidebands may attach before the engine starts (the usual case: a server opens the sideband as soon as
// POST /v1/realtime/calls answers, before the browser's data channel is open). They then receive
// everything from `session.created` on, and their client events wait until the engine listens.
// A sideband that attaches after the engine started gets a `session.created` with the current session
// first (emulator choice: every realtime connection starts with session.created), then live events.
import { WebSocket } from 'ws';
import { eventId } from './ids.mjs';

/** @typedef {import('./session-engine.mjs').RealtimeWire} RealtimeWire */

/** @param {import('ws').RawData} data @returns {unknown} */
function parseEvent(data) {
  try {
    return JSON.parse(String(data));
  } catch {
    return { __invalidJson: true };
  }
}

export function createSidebandHub() {
  /** @type {Set<WebSocket>} */
  const sockets = new Set();
  /** @type {Array<(event: unknown) => void>} the engine's client-event handlers (via the wrapped wire) */
  const engineHandlers = [];
  /** @type {Array<[WebSocket, unknown]>} sideband events that arrived before the engine listened */
  const early = [];
  /** @type {WebSocket|null} the sideband whose event the engine is handling right now */
  let origin = null;
  /** @type {unknown} session of the latest session.created / session.updated */
  let session = null;
  let started = false;
  let closed = false;

  /** @param {WebSocket} ws @param {string} text */
  const sendText = (ws, text) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(text);
  };

  /** @param {WebSocket} ws @param {unknown} event */
  function deliver(ws, event) {
    if (closed) return;
    if (!engineHandlers.length) return void early.push([ws, event]);
    origin = ws;
    try {
      for (const h of engineHandlers) h(event);
    } finally {
      origin = null;
    }
  }

  function flushEarly() {
    for (const [ws, event] of early.splice(0)) if (sockets.has(ws)) deliver(ws, event);
  }

  /** Close every sideband. @param {number} [code] @param {string} [reason] */
  function close(code = 1000, reason = '') {
    closed = true;
    early.length = 0;
    for (const ws of sockets) {
      if (ws.readyState !== WebSocket.OPEN && ws.readyState !== WebSocket.CONNECTING) continue;
      try {
        ws.close(code, reason);
      } catch {
        ws.close(1000, ''); // a code a WebSocket may not send (e.g. 1006)
      }
    }
    sockets.clear();
  }

  return {
    /** Number of attached sideband sockets. */
    get size() {
      return sockets.size;
    },
    /** Attach an upgraded sideband WebSocket. A hub whose call has ended closes it at once (1000). @param {WebSocket} ws */
    add(ws) {
      if (closed) return void ws.close(1000, '');
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('message', (data) => deliver(ws, parseEvent(data)));
      if (started && session) sendText(ws, JSON.stringify({ type: 'session.created', event_id: eventId(), session }));
    },
    close,
    /**
     * The wire the engine gets: the WebRTC wire plus the sidebands.
     * @template {RealtimeWire} W @param {W} base @returns {W}
     */
    wrap(base) {
      return {
        ...base,
        send(/** @type {any} */ event) {
          started = true;
          if (event?.type === 'session.created' || event?.type === 'session.updated') session = event.session;
          if (origin && event?.type === 'error') return void sendText(origin, JSON.stringify(event));
          base.send(event);
          const text = JSON.stringify(event);
          for (const ws of sockets) sendText(ws, text);
        },
        onClientEvent(handler) {
          base.onClientEvent(handler);
          engineHandlers.push(handler);
          // after the engine's session.created (it registers before sending it), not before
          if (engineHandlers.length === 1 && early.length) queueMicrotask(flushEarly);
        },
        close(code, reason) {
          close(code ?? 1000, reason ?? '');
          return base.close(code, reason);
        },
        drop() {
          for (const ws of sockets) ws.terminate();
          close();
          return base.drop ? base.drop() : base.close(1011, 'connection dropped');
        },
      };
    },
  };
}
