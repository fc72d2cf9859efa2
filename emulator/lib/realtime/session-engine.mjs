// Transport-independent realtime session engine (GA protocol, brief §4–§5). It talks to one client
// through a *wire* (WebSocket: routes/realtime-ws.mjs; WebRTC: webrtc-wire.mjs) and owns the session
// config, the conversation, the input audio buffer + VAD, responses, barge-in, truncation, the
// session cap and the session-level faults. See emulator/README.md "## Realtime".
import { apiError } from '../errors.mjs';
import { findModel, RETIRED } from '../models.mjs';
import { handleClientEvent } from './client-events.mjs';
import { DEFAULT_SCRIPT, normalizeScript } from './conversation-script.mjs';
import { createConversation } from './conversation.mjs';
import { eventId as newEventId } from './ids.mjs';
import { createInputAudio } from './input-audio.mjs';
import { startResponse } from './response-runner.mjs';
import { initialSession } from './session-config.mjs';
import { createSessionRecord } from './session-record.mjs';
import { DEFAULT_REALTIME_CONFIG, normalizeRealtimeConfig } from './settings.mjs';

/**
 * @typedef {object} RealtimeWire
 * @property {'websocket'|'webrtc'} kind
 * @property {(event: object) => void} send                       // one JSON server event to the client
 * @property {(handler: (event: unknown) => void) => void} onClientEvent   // parsed client events (JSON already parsed; non-JSON → the wire calls handler with a sentinel {__invalidJson: true})
 * @property {(handler: (pcm: Int16Array) => void) => void} onInputAudio  // webrtc only: decoded mic audio, mono PCM16 24 kHz, ~20 ms chunks (websocket: never called)
 * @property {(pcm: Int16Array) => void} playAudio                // webrtc only: queue mono PCM16 24 kHz for real-time paced sending
 * @property {() => number} clearAudio                            // webrtc only: drop queued audio; returns ms of audio that HAD been played of the current queue since the last playAudio burst began
 * @property {(handler: () => void) => void} onAudioDrained       // webrtc only: the play queue became empty
 * @property {(handler: () => void) => void} onClose              // the client went away
 * @property {(code?: number, reason?: string) => void} close     // server-initiated close (ws close code; webrtc closes the peer)
 * @property {() => void} [drop]                                  // optional: lose the connection abruptly (ws: destroy the socket, no close frame); default close(1011)
 */

/**
 * @typedef {object} AttachOptions
 * @property {any} [session]   GA session config bound at mint time (ek_ secret) or built from ?model= (sk- keys).
 *                             The engine copies it and gives the copy a new `sess_` id and `expires_at`.
 * @property {any} [state]     emulator state (createState): realtime settings + session records
 * @property {any} [faults]    the emulator's fault list (createFaults); session faults are taken once, here
 * @property {() => number} [now]   clock in ms (expires_at, record timestamps)
 * @property {unknown} [script]     conversation script for this session (default: state's, else DEFAULT_SCRIPT)
 * @property {number} [maxSessionMs] session cap for this session (default: state's config, 60 min)
 * @property {Partial<import('./settings.mjs').RealtimeConfig>} [timing] timing overrides for this session
 * @property {string|null} [key]    the key that opened the session (stored masked in the record)
 * @property {(line: string) => void} [log]
 */

const SERVER_ERROR = 'The server had an error while processing your request. Sorry about that!';

/** "Your session hit the maximum duration of N minutes." (N = 60 unless the cap is whole minutes). */
export function sessionExpiredMessage(ms) {
  const minutes = ms >= 60000 && ms % 60000 === 0 ? ms / 60000 : 60;
  return `Your session hit the maximum duration of ${minutes} minutes.`;
}

/**
 * Attach a realtime session to a wire. Sends session.created at once.
 * @param {RealtimeWire} wire @param {AttachOptions} [opts]
 * @returns {{ id: string, close: (code?: number, reason?: string) => void, record: any }}
 */
export function attachRealtimeSession(wire, opts = {}) {
  const now = opts.now ?? Date.now;
  const settings = opts.state?.realtime;
  const timing = {
    ...DEFAULT_REALTIME_CONFIG, ...(settings?.config ?? {}), ...(opts.timing ? normalizeRealtimeConfig(opts.timing) : {}),
    ...(opts.maxSessionMs !== undefined ? normalizeRealtimeConfig({ maxSessionMs: opts.maxSessionMs }) : {}),
  };
  const fx = opts.faults?.takeSession?.(`realtime.${wire.kind}`) ?? {};
  const session = initialSession({ base: opts.session, nowMs: now(), maxSessionMs: timing.maxSessionMs });
  const record = createSessionRecord({ id: session.id, transport: wire.kind, session, key: opts.key, nowMs: now() });
  opts.state?.addRealtimeSession?.(record.rec);

  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set();
  let sent = 0;
  const model = session.type === 'realtime' ? findModel(session.model) : null;

  const S = {
    kind: wire.kind,
    wire,
    session,
    timing,
    script: opts.script != null ? normalizeScript(opts.script) : settings?.script ?? DEFAULT_SCRIPT,
    conversation: createConversation(),
    record,
    closed: false,
    audioProduced: false,
    /** @type {any} the in-band response being generated */
    active: null,
    /** @type {Set<any>} every running response */
    runners: new Set(),
    pendingAutoResponse: false,
    turnCount: 0,
    genericCount: 0,
    cachedTokens: 0,
    /** @type {{ responseId: string, itemId: string, drained: boolean } | null} WebRTC: audio queued on the wire */
    playback: null,
    faults: { errorEvent: fx.errorEvent ?? null, failResponse: fx.failResponse ?? null },
    modelError: session.type === 'realtime' && (!model || !model.realtime || RETIRED.includes(session.model))
      ? { type: 'invalid_request_error', code: 'model_not_found', message: `The model \`${session.model}\` does not exist or you do not have access to it.` }
      : null,
    /** @type {any} */
    input: null,

    /** Send one server event (adds event_id). */
    send(/** @type {any} */ event) {
      if (S.closed) return;
      const { type, ...rest } = event;
      try {
        wire.send({ type, event_id: newEventId(), ...rest });
      } catch (err) {
        opts.log?.(`realtime: send failed: ${err}`);
      }
      record.sent(type);
      sent++;
      if (fx.dropAfterEvents && sent >= fx.dropAfterEvents) end('fault:dropConnection', 'drop');
    },
    /** @param {{ type?: string, code?: string|null, message: string, param?: string|null, eventId?: string|null }} e */
    sendError(e) {
      const error = { type: e.type ?? 'invalid_request_error', code: e.code ?? null, message: e.message, param: e.param ?? null, event_id: e.eventId ?? null };
      record.add('errors', error);
      S.send({ type: 'error', error });
    },
    /** An ErrorReply (REST builders) as an error event. */
    replyError(/** @type {any} */ reply, /** @type {string|null} */ eventId) {
      S.sendError({ ...reply.error, eventId });
    },
    internalError(/** @type {unknown} */ err) {
      opts.log?.(`realtime engine error: ${/** @type {any} */ (err)?.stack ?? err}`);
      S.sendError({ type: 'server_error', code: null, message: SERVER_ERROR });
    },
    /** Run fn after ms unless the session closed. */
    setTimer(/** @type {() => void} */ fn, /** @type {number} */ ms, unref = false) {
      const t = setTimeout(() => {
        timers.delete(t);
        if (!S.closed) safely(fn);
      }, ms);
      if (unref) t.unref?.();
      timers.add(t);
      return t;
    },
    nextTurn: () => S.turnCount++,
    setSession(/** @type {any} */ next) {
      S.session = next;
      record.rec.session = next;
    },
    /** speech_started with interrupt_response: cancel the response; WebRTC also cuts the playing audio. */
    bargeIn() {
      if (S.active) S.active.cancel('turn_detected');
      if (S.kind === 'webrtc' && S.playback) S.clearPlayback('server');
    },
    requestAutoResponse() {
      if (S.active) S.pendingAutoResponse = true;
      else startResponse(S, {});
    },
    onResponseFinished(/** @type {any} */ r) {
      if (S.kind === 'webrtc' && S.playback?.responseId === r.id && S.playback.drained) {
        S.playback = null;
        S.send({ type: 'output_audio_buffer.stopped', response_id: r.id });
      }
      if (S.pendingAutoResponse && !S.active && !S.closed) {
        S.pendingAutoResponse = false;
        startResponse(S, {});
      }
    },
    /** WebRTC: queue a response's audio on the wire. */
    playAudio(/** @type {any} */ r, /** @type {string} */ itemId, /** @type {Int16Array} */ pcm) {
      if (S.playback?.responseId !== r.id) {
        S.playback = { responseId: r.id, itemId, drained: false };
        S.send({ type: 'output_audio_buffer.started', response_id: r.id });
      }
      S.playback.drained = false;
      wire.playAudio(pcm);
    },
    /** WebRTC: drop the queued audio, then truncate the item to what was heard. */
    clearPlayback(/** @type {'server'|'client'} */ _by) {
      const p = S.playback;
      const played = wire.clearAudio();
      if (!p) return;
      S.playback = null;
      S.send({ type: 'output_audio_buffer.cleared', response_id: p.responseId });
      const audioMs = audioLength(p.itemId);
      if (audioMs !== null) S.truncate(p.itemId, 0, Math.max(0, Math.min(Math.floor(played), Math.floor(audioMs))), 'server');
    },
    /**
     * Truncate an assistant audio item at audio_end_ms. Returns an ErrorReply or null.
     * @param {string} id @param {number} contentIndex @param {number} audioEndMs @param {'client'|'server'} by
     */
    truncate(id, contentIndex, audioEndMs, by) {
      const len = audioLength(id);
      if (len === null) return apiError(400, 'Only model output audio messages can be truncated', { param: 'item_id', code: 'invalid_value' });
      if (contentIndex !== 0) return apiError(400, `Invalid 'content_index': the item has no content part ${contentIndex}.`, { param: 'content_index', code: 'invalid_value' });
      if (audioEndMs > Math.ceil(len)) return apiError(400, `Audio content of ${Math.floor(len)}ms is already shorter than ${audioEndMs}ms`, { param: 'audio_end_ms', code: 'invalid_value' });
      const meta = S.conversation.meta(id);
      meta.truncatedMs = audioEndMs;
      const item = S.conversation.get(id);
      let transcript = null;
      if (meta.words && item.content?.[0]?.type === 'output_audio') {
        transcript = meta.words.filter((/** @type {any} */ w) => w.endMs <= audioEndMs).map((/** @type {any} */ w) => w.word).join(' ');
        item.content[0].transcript = transcript;
        meta.audioMs = Math.min(meta.audioMs ?? audioEndMs, audioEndMs);
      }
      record.add('truncations', { item_id: id, content_index: contentIndex, audio_end_ms: audioEndMs, transcript, by });
      S.send({ type: 'conversation.item.truncated', item_id: id, content_index: contentIndex, audio_end_ms: audioEndMs });
      return null;
    },
  };
  S.input = createInputAudio(S);

  /** ms of audio in an assistant audio item (null: not one). @param {string} id */
  function audioLength(id) {
    const item = S.conversation.get(id);
    if (!item || item.type !== 'message' || item.role !== 'assistant') return null;
    const live = [...S.runners].find((r) => r.current?.item.id === id && !r.current.closed);
    if (live) return live.current.audio && live.current.words.length ? live.current.audioMs : null;
    const meta = S.conversation.meta(id);
    return item.content?.[0]?.type === 'output_audio' && meta.words ? meta.audioMs ?? 0 : null;
  }

  /** @param {() => void} fn */
  function safely(fn) {
    try {
      fn();
    } catch (err) {
      S.internalError(err);
    }
  }

  /** End the session. how: 'close' (close frame), 'drop' (abrupt), 'none' (the client already left). */
  function end(/** @type {string} */ by, /** @type {'close'|'drop'|'none'} */ how, code = 1000, reason = '') {
    if (S.closed) return;
    S.closed = true;
    for (const r of S.runners) {
      r.finished = true;
      if (r.timer) clearTimeout(r.timer);
      r.wake?.();
    }
    S.runners.clear();
    for (const t of timers) clearTimeout(t);
    timers.clear();
    Object.assign(record.rec, { endedAt: new Date(now()).toISOString(), endedBy: by });
    try {
      if (how === 'close') wire.close(code, reason);
      else if (how === 'drop') (wire.drop ? wire.drop() : wire.close(1011, 'connection dropped'));
    } catch (err) {
      opts.log?.(`realtime: close failed: ${err}`);
    }
  }

  wire.onClientEvent((ev) => {
    if (!S.closed) safely(() => handleClientEvent(S, ev));
  });
  wire.onInputAudio((pcm) => {
    if (!S.closed && pcm?.length) safely(() => S.input.append(pcm));
  });
  wire.onAudioDrained(() => {
    if (S.closed || !S.playback) return;
    if (S.active && S.active.id === S.playback.responseId) {
      S.playback.drained = true; // underrun while the response is still being generated
      return;
    }
    const { responseId } = S.playback;
    S.playback = null;
    S.send({ type: 'output_audio_buffer.stopped', response_id: responseId });
  });
  wire.onClose(() => end('client', 'none'));

  S.send({ type: 'session.created', session: JSON.parse(JSON.stringify(session)) });

  if (!S.closed) {
    const expireMs = Math.min(timing.maxSessionMs, fx.sessionExpiredAfterMs ?? Infinity);
    S.setTimer(() => {
      S.sendError({ type: 'invalid_request_error', code: 'session_expired', message: sessionExpiredMessage(fx.sessionExpiredAfterMs ?? timing.maxSessionMs) });
      end('session_expired', 'close', 1001, 'session_expired');
    }, expireMs, true);
    if (fx.dropAfterMs !== undefined) S.setTimer(() => end('fault:dropConnection', 'drop'), fx.dropAfterMs);
  }

  return {
    id: session.id,
    record: record.rec,
    /** Server-initiated close (e.g. the emulator shuts down). */
    close: (code = 1000, reason = '') => end('server', 'close', code, reason),
  };
}
