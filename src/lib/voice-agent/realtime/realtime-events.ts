/**
 * The events the browser voice client's conversation logic consumes: GA server events (parsed
 * tolerantly from the wire), plus a few app events the transport reports itself (audio played, first
 * audio heard, a typed message). Client event builders live in `client-events.ts` and are re-exported
 * here, so callers import one module.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { KnownServerEvent, KnownServerEventType, ServerEvent } from './server-event-types';

export type * from './server-event-types';
export * from './client-events';

/** The transport's playback of an assistant item has reached `playedMs` (ms of that item's audio). */
export interface AudioPlayedEvent {
  type: 'app.audio_played';
  itemId: string;
  playedMs: number;
}
/** The user has started hearing the assistant (the first audible frame of a reply). */
export interface FirstAudioEvent {
  type: 'app.first_audio';
  itemId?: string;
}
/** The user sent a typed message; `itemId` is the id the client gave the `conversation.item.create`. */
export interface UserTextEvent {
  type: 'app.user_text';
  itemId?: string;
  text: string;
}
/** Local playback has drained or was cut (WebSocket transport; WebRTC has `output_audio_buffer.*`). */
export interface PlaybackEndedEvent {
  type: 'app.playback_ended';
  itemId?: string;
}

export type AppEvent = AudioPlayedEvent | FirstAudioEvent | UserTextEvent | PlaybackEndedEvent;

/** What the reducers and trackers accept. */
export type RealtimeInput = ServerEvent | AppEvent;

const APP_EVENT_TYPES: ReadonlySet<string> = new Set<AppEvent['type']>([
  'app.audio_played',
  'app.first_audio',
  'app.user_text',
  'app.playback_ended',
]);

export function isAppEvent(event: RealtimeInput): event is AppEvent {
  return APP_EVENT_TYPES.has(event.type);
}

type FieldKind = 'string' | 'number' | 'object' | 'array' | 'string|null?' | 'string?';
type Shape = ReadonlyArray<readonly [string, FieldKind]>;

const ITEM_ID: Shape = [['item_id', 'string']];
const TEXT_DELTA: Shape = [['item_id', 'string'], ['delta', 'string']];
const RESPONSE: Shape = [['response', 'object']];
const ITEM: Shape = [['item', 'object'], ['previous_item_id', 'string|null?']];
const NONE: Shape = [];

/**
 * The fields each known type must have for the app to use it. Deliberately minimal: a field the app
 * never reads is not checked, so harmless server changes do not make events disappear.
 */
const SHAPES: Record<KnownServerEventType, Shape> = {
  'session.created': [['session', 'object']],
  'session.updated': [['session', 'object']],
  'input_audio_buffer.speech_started': ITEM_ID,
  'input_audio_buffer.speech_stopped': ITEM_ID,
  'input_audio_buffer.committed': [['item_id', 'string'], ['previous_item_id', 'string|null?']],
  'input_audio_buffer.cleared': NONE,
  'conversation.item.added': ITEM,
  'conversation.item.done': ITEM,
  'conversation.item.truncated': [['item_id', 'string'], ['audio_end_ms', 'number']],
  'conversation.item.deleted': ITEM_ID,
  'conversation.item.input_audio_transcription.delta': [['item_id', 'string'], ['delta', 'string?']],
  'conversation.item.input_audio_transcription.completed': [['item_id', 'string'], ['transcript', 'string']],
  'conversation.item.input_audio_transcription.failed': ITEM_ID,
  'response.created': RESPONSE,
  'response.done': RESPONSE,
  'response.output_item.added': [['item', 'object']],
  'response.output_item.done': [['item', 'object']],
  'response.content_part.added': [['item_id', 'string'], ['part', 'object']],
  'response.content_part.done': [['item_id', 'string'], ['part', 'object']],
  'response.output_audio_transcript.delta': TEXT_DELTA,
  'response.output_audio_transcript.done': [['item_id', 'string'], ['transcript', 'string?']],
  'response.output_text.delta': TEXT_DELTA,
  'response.output_text.done': [['item_id', 'string'], ['text', 'string?']],
  'response.output_audio.delta': TEXT_DELTA,
  'response.output_audio.done': ITEM_ID,
  'response.function_call_arguments.delta': [['call_id', 'string'], ['delta', 'string']],
  'response.function_call_arguments.done': [['call_id', 'string'], ['name', 'string'], ['arguments', 'string']],
  'output_audio_buffer.started': NONE,
  'output_audio_buffer.stopped': NONE,
  'output_audio_buffer.cleared': NONE,
  'rate_limits.updated': [['rate_limits', 'array']],
  error: [['error', 'object']],
};

export function isKnownServerEvent(event: { type: string }): event is KnownServerEvent {
  return Object.prototype.hasOwnProperty.call(SHAPES, event.type);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fits(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'object':
      return isRecord(value);
    case 'array':
      return Array.isArray(value);
    case 'string?':
      return value === undefined || typeof value === 'string';
    case 'string|null?':
      return value === undefined || value === null || typeof value === 'string';
  }
}

/**
 * Turn one data-channel / WebSocket message (a JSON string or an already parsed object) into a server
 * event. Never throws. Returns `null` for what cannot be an event: not JSON, not an object, no string
 * `type`, a known type missing a field the app relies on, or an `app.*` type (those are local-only, so
 * the server can never forge them). Unknown types pass through as they are.
 */
export function parseServerEvent(data: unknown): ServerEvent | null {
  let value = data;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (!isRecord(value) || typeof value.type !== 'string' || value.type === '') return null;
  if (value.type.startsWith('app.')) return null;
  if (!isKnownServerEvent({ type: value.type })) return value as unknown as ServerEvent;
  const shape = SHAPES[value.type as KnownServerEventType];
  for (const [field, kind] of shape) if (!fits(value[field], kind)) return null;
  if ((value.type === 'response.created' || value.type === 'response.done') && !responseHasId(value.response)) {
    return null;
  }
  return value as unknown as ServerEvent;
}

function responseHasId(response: unknown): boolean {
  return isRecord(response) && typeof response.id === 'string';
}
