// Client → server events (GA, §4.2): validation and handling. Every error is an `error` event
// echoing the client's event_id; the session stays open.
import { apiError, invalidType, invalidValue, missingParam, unknownParam } from '../errors.mjs';
import { isObj } from '../validate.mjs';
import { decodeAudio, decodeBase64 } from './audio-synth.mjs';
import { itemId as newItemId } from './ids.mjs';
import { applySessionUpdate } from './session-config.mjs';
import { startResponse } from './response-runner.mjs';
import { validateItem, validateResponseOverrides } from './event-validate.mjs';

/** Largest decoded audio per append event (15 MiB). */
export const MAX_APPEND_BYTES = 15 * 1024 * 1024;

/** @typedef {(S: any, ev: any, eventId: string|null) => void} Handler */

/** Allowed fields per client event (besides type and event_id) and the handler. */
/** @type {Record<string, { keys: string[], handle: Handler }>} */
const EVENTS = {
  'session.update': { keys: ['session'], handle: sessionUpdate },
  'input_audio_buffer.append': { keys: ['audio'], handle: append },
  'input_audio_buffer.commit': { keys: [], handle: (S, _ev, id) => S.input.commit(id) },
  'input_audio_buffer.clear': { keys: [], handle: (S) => S.input.clear() },
  'output_audio_buffer.clear': { keys: [], handle: outputClear },
  'conversation.item.create': { keys: ['item', 'previous_item_id'], handle: itemCreate },
  'conversation.item.retrieve': { keys: ['item_id'], handle: itemRetrieve },
  'conversation.item.truncate': { keys: ['item_id', 'content_index', 'audio_end_ms'], handle: itemTruncate },
  'conversation.item.delete': { keys: ['item_id'], handle: itemDelete },
  'response.create': { keys: ['response'], handle: responseCreate },
  'response.cancel': { keys: ['response_id'], handle: responseCancel },
};

export const CLIENT_EVENT_TYPES = Object.keys(EVENTS);

/**
 * Handle one parsed client event (or the wire's {__invalidJson: true} sentinel).
 * @param {any} S @param {unknown} ev
 */
export function handleClientEvent(S, ev) {
  if (isObj(ev) && /** @type {any} */ (ev).__invalidJson === true) {
    S.record.received('(invalid_json)');
    return S.sendError({ code: 'invalid_json', message: "We could not parse the JSON body of your event. The event must be a single JSON object, e.g. {\"type\": \"response.create\"}.", param: null, eventId: null });
  }
  if (!isObj(ev)) {
    S.record.received('(not_an_object)');
    return S.replyError(apiError(400, `Invalid event: expected an object, but got ${Array.isArray(ev) ? 'an array' : ev === null ? 'null' : `a ${typeof ev}`} instead.`, { code: 'invalid_event' }), null);
  }
  const e = /** @type {any} */ (ev);
  const eventId = typeof e.event_id === 'string' ? e.event_id : null;
  S.record.received(typeof e.type === 'string' ? e.type : '(missing_type)');
  if (e.event_id !== undefined && typeof e.event_id !== 'string') return S.replyError(invalidType('event_id', 'a string', e.event_id), null);
  if (e.type === undefined) return S.replyError(missingParam('type'), eventId);
  if (typeof e.type !== 'string') return S.replyError(invalidType('type', 'a string', e.type), eventId);
  const spec = Object.hasOwn(EVENTS, e.type) ? EVENTS[e.type] : null;
  if (!spec) return S.replyError(invalidValue('type', e.type, CLIENT_EVENT_TYPES), eventId);
  const extra = Object.keys(e).find((k) => k !== 'type' && k !== 'event_id' && !spec.keys.includes(k));
  if (extra) return S.replyError(unknownParam(extra), eventId);
  spec.handle(S, e, eventId);
}

/** @type {Handler} */
function sessionUpdate(S, ev, eventId) {
  const out = applySessionUpdate(S.session, ev.session, { audioProduced: S.audioProduced });
  if ('error' in out) return S.replyError(out.error, eventId);
  for (const n of out.notes) S.record.add('notes', n);
  S.setSession(out.session);
  S.send({ type: 'session.updated', session: JSON.parse(JSON.stringify(out.session)) });
}

/** @type {Handler} */
function append(S, ev, eventId) {
  if (ev.audio === undefined) return S.replyError(missingParam('audio'), eventId);
  if (typeof ev.audio !== 'string') return S.replyError(invalidType('audio', 'a string', ev.audio), eventId);
  if (S.kind === 'webrtc') return; // WebRTC audio arrives over RTP; appends are accepted and ignored
  const buf = decodeBase64(ev.audio);
  if (!buf) return S.replyError(apiError(400, "Invalid 'audio'. Expected base64-encoded audio bytes.", { param: 'audio', code: 'invalid_value' }), eventId);
  if (buf.length > MAX_APPEND_BYTES)
    return S.replyError(apiError(400, `Invalid 'audio': the decoded audio is ${buf.length} bytes; the maximum per event is ${MAX_APPEND_BYTES} bytes (15 MiB).`, { param: 'audio', code: 'invalid_value' }), eventId);
  const format = S.session.audio?.input?.format;
  if ((format?.type ?? 'audio/pcm') === 'audio/pcm' && buf.length % 2 !== 0)
    return S.replyError(apiError(400, `Invalid 'audio': PCM16 audio must have an even number of bytes, got ${buf.length}.`, { param: 'audio', code: 'invalid_value' }), eventId);
  if (buf.length) S.input.append(decodeAudio(buf, format));
}

/** @type {Handler} */
function outputClear(S, _ev, eventId) {
  if (S.kind !== 'webrtc')
    return S.replyError(apiError(400, "Invalid value: 'output_audio_buffer.clear'. This event is only supported for WebRTC and SIP connections.", { param: 'type', code: 'invalid_value' }), eventId);
  S.clearPlayback('client');
}

/** @type {Handler} */
function itemCreate(S, ev, eventId) {
  if (ev.item === undefined) return S.replyError(missingParam('item'), eventId);
  const invalid = validateItem(ev.item);
  if (invalid) return S.replyError(invalid, eventId);
  const prev = ev.previous_item_id;
  if (prev !== undefined && prev !== null) {
    if (typeof prev !== 'string') return S.replyError(invalidType('previous_item_id', 'a string', prev), eventId);
    if (prev !== 'root' && !S.conversation.has(prev))
      return S.replyError(apiError(400, `Error adding item: the previous item with id '${prev}' does not exist.`, { param: 'previous_item_id', code: 'item_create_invalid_previous_item_id' }), eventId);
  }
  const src = ev.item;
  if (src.id !== undefined && S.conversation.has(src.id))
    return S.replyError(apiError(400, `Error adding item: an item with id '${src.id}' already exists.`, { param: 'item.id', code: 'item_create_duplicate_item_id' }), eventId);
  const item = { id: src.id ?? newItemId(), object: 'realtime.item', ...JSON.parse(JSON.stringify(src)), status: 'completed' };
  delete item.previous_item_id;
  if (item.type === undefined) item.type = 'message';
  if (item.type === 'function_call' && !item.call_id) item.call_id = `call_${item.id.slice(-16)}`;
  const previous = S.conversation.insert(item, prev ?? undefined);
  if (item.type === 'message' && item.role === 'user') {
    const turn = S.nextTurn();
    S.conversation.meta(item.id).turn = turn;
    const text = (item.content ?? []).filter((c) => c.type === 'input_text').map((c) => c.text).join(' ');
    S.record.add('userTurns', { item_id: item.id, turn, transcript: text || null, audio_ms: 0 });
  }
  S.send({ type: 'conversation.item.added', previous_item_id: previous, item: JSON.parse(JSON.stringify(item)) });
  S.send({ type: 'conversation.item.done', previous_item_id: previous, item: JSON.parse(JSON.stringify(item)) });
}

const OP_VERB = { retrieve: 'retrieving', delete: 'deleting', truncate: 'truncating' };

/**
 * Common item_id check. Returns true when the item exists; otherwise sends the error and returns false.
 * @param {any} S @param {any} ev @param {string|null} eventId @param {'retrieve'|'delete'|'truncate'} op
 */
function itemExists(S, ev, eventId, op) {
  let err = null;
  if (ev.item_id === undefined) err = missingParam('item_id');
  else if (typeof ev.item_id !== 'string') err = invalidType('item_id', 'a string', ev.item_id);
  else if (!S.conversation.has(ev.item_id))
    err = apiError(400, `Error ${OP_VERB[op]} item: the item with id '${ev.item_id}' does not exist.`, { param: 'item_id', code: `item_${op}_invalid_item_id` });
  if (err) S.replyError(err, eventId);
  return !err;
}

/** @type {Handler} */
function itemRetrieve(S, ev, eventId) {
  if (!itemExists(S, ev, eventId, 'retrieve')) return;
  S.send({ type: 'conversation.item.retrieved', item: S.conversation.wire(ev.item_id) });
}

/** @type {Handler} */
function itemDelete(S, ev, eventId) {
  if (!itemExists(S, ev, eventId, 'delete')) return;
  S.conversation.delete(ev.item_id);
  S.send({ type: 'conversation.item.deleted', item_id: ev.item_id });
}

/** @type {Handler} */
function itemTruncate(S, ev, eventId) {
  if (!itemExists(S, ev, eventId, 'truncate')) return;
  for (const k of ['content_index', 'audio_end_ms']) {
    if (ev[k] === undefined) return S.replyError(missingParam(k), eventId);
    if (!Number.isInteger(ev[k])) return S.replyError(invalidType(k, 'an integer', ev[k]), eventId);
    if (ev[k] < 0) return S.replyError(apiError(400, `Invalid '${k}': integer below minimum value. Expected a value >= 0, but got ${ev[k]} instead.`, { param: k, code: 'integer_below_min_value' }), eventId);
  }
  const err = S.truncate(ev.item_id, ev.content_index, ev.audio_end_ms, 'client');
  if (err) S.replyError(err, eventId);
}

/** @type {Handler} */
function responseCreate(S, ev, eventId) {
  if (ev.response !== undefined) {
    const invalid = validateResponseOverrides(ev.response);
    if (invalid) return S.replyError(invalid, eventId);
  }
  if (S.session.type !== 'realtime')
    return S.replyError(apiError(400, 'Responses are not supported in transcription sessions.', { code: 'invalid_request_error' }), eventId);
  if (S.active && ev.response?.conversation !== 'none') // out-of-band responses may run alongside
    return S.replyError(apiError(400, `Conversation already has an active response in progress: ${S.active.id}. Wait until the response is finished before creating a new one.`, { code: 'conversation_already_has_active_response' }), eventId);
  startResponse(S, { overrides: ev.response ?? {}, eventId });
}

/** @type {Handler} */
function responseCancel(S, ev, eventId) {
  if (ev.response_id !== undefined && typeof ev.response_id !== 'string') return S.replyError(invalidType('response_id', 'a string', ev.response_id), eventId);
  const r = S.active;
  if (!r || (ev.response_id !== undefined && ev.response_id !== r.id))
    return S.replyError(apiError(400, 'Cancellation failed: no active response found', { code: 'response_cancel_not_active' }), eventId);
  r.cancel('client_cancelled');
}
