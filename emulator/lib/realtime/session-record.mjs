// Per-session observability for tests: what the client sent, what the server answered, responses,
// truncations and errors. Records live in state (GET /__emulator/realtime/sessions, stats().realtime).
import { maskKey } from '../errors.mjs';

const LIST_LIMIT = 200;

/** @param {any[]} list @param {any} entry */
const push = (list, entry) => {
  list.push(entry);
  if (list.length > LIST_LIMIT) list.splice(0, list.length - LIST_LIMIT);
};

/**
 * @param {{ id: string, transport: 'websocket'|'webrtc', session: any, key?: string|null, nowMs: number }} o
 */
export function createSessionRecord(o) {
  const rec = {
    id: o.id,
    transport: o.transport,
    type: o.session.type,
    model: o.session.model ?? null,
    key: o.key ? maskKey(o.key) : null,
    startedAt: new Date(o.nowMs).toISOString(),
    endedAt: /** @type {string|null} */ (null),
    /** 'client' (the client went away), 'server' (close()), 'session_expired', 'fault:dropConnection', 'beta_api_shape_disabled' */
    endedBy: /** @type {string|null} */ (null),
    /** @type {{ received: Record<string, number>, sent: Record<string, number> }} */
    events: { received: {}, sent: {} },
    totals: { received: 0, sent: 0, inputAudioMs: 0 },
    responses: { created: 0, completed: 0, cancelled: 0, incomplete: 0, failed: 0 },
    /** @type {any[]} { id, status, reason, kind: 'audio'|'text'|'function_call'|null, text, name?, arguments?, output_item_id } */
    responseLog: [],
    /** @type {any[]} { item_id, turn, transcript } for each committed / created user turn */
    userTurns: [],
    /** @type {any[]} { item_id, content_index, audio_end_ms, transcript, by: 'client'|'server' } */
    truncations: [],
    /** @type {any[]} { type, code, message, param, event_id } of every error event sent */
    errors: [],
    /** @type {string[]} things the emulator accepted but ignored (e.g. a model change in session.update) */
    notes: [],
    /** the current effective session config */
    session: o.session,
  };
  return {
    rec,
    /** @param {string} type (after 100 distinct types, further unknown ones count as '(other)') */
    received(type) {
      const r = rec.events.received;
      const key = Object.hasOwn(r, type) || Object.keys(r).length < 100 ? String(type).slice(0, 80) : '(other)';
      Object.defineProperty(r, key, { value: (Object.hasOwn(r, key) ? r[key] : 0) + 1, enumerable: true, writable: true, configurable: true });
      rec.totals.received++;
    },
    /** @param {string} type */
    sent(type) {
      rec.events.sent[type] = (rec.events.sent[type] ?? 0) + 1;
      rec.totals.sent++;
    },
    /** @param {'responseLog'|'userTurns'|'truncations'|'errors'|'notes'} list @param {any} entry */
    add: (list, entry) => push(rec[list], entry),
  };
}
