/**
 * Builders for the GA client events the voice client sends (protocol brief §4.2, §5).
 *
 * There is deliberately no `session.update` builder: the server binds instructions, voice and tools
 * when it mints the session secret, and the browser must never be able to change them. For the same
 * reason `responseCreate` takes no overrides (a `response.create` may carry `instructions`).
 *
 * Every event gets a fresh `event_id`, so an `error` event (which echoes it) can be traced to the
 * request that caused it. Browser-only module: never import from `src/server/**` here.
 */
import type { RealtimeItem } from './server-event-types';

export interface InputAudioAppendEvent {
  type: 'input_audio_buffer.append';
  event_id: string;
  /** Base64 PCM16 24 kHz mono little-endian. */
  audio: string;
}
export interface InputAudioCommitEvent {
  type: 'input_audio_buffer.commit';
  event_id: string;
}
export interface InputAudioClearEvent {
  type: 'input_audio_buffer.clear';
  event_id: string;
}
export interface ItemCreateEvent {
  type: 'conversation.item.create';
  event_id: string;
  previous_item_id?: string;
  item: RealtimeItem;
}
export interface ItemTruncateEvent {
  type: 'conversation.item.truncate';
  event_id: string;
  item_id: string;
  content_index: number;
  audio_end_ms: number;
}
export interface ResponseCreateEvent {
  type: 'response.create';
  event_id: string;
}
export interface ResponseCancelEvent {
  type: 'response.cancel';
  event_id: string;
  response_id?: string;
}
/** WebRTC/SIP only: drop the audio the server has not played yet. */
export interface OutputAudioClearEvent {
  type: 'output_audio_buffer.clear';
  event_id: string;
}

export type ClientEvent =
  | InputAudioAppendEvent
  | InputAudioCommitEvent
  | InputAudioClearEvent
  | ItemCreateEvent
  | ItemTruncateEvent
  | ResponseCreateEvent
  | ResponseCancelEvent
  | OutputAudioClearEvent;

/** Random hex from the platform CSPRNG (browsers and Node 20 both expose `crypto.getRandomValues`). */
function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes);
  const c = (globalThis as { crypto?: { getRandomValues?: (b: Uint8Array) => Uint8Array } }).crypto;
  if (c?.getRandomValues) c.getRandomValues(buf);
  else for (let i = 0; i < bytes; i++) buf[i] = Math.floor(Math.random() * 256);
  return Array.from(buf, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function newEventId(): string {
  return `event_${randomHex(10)}`;
}

/** A client-chosen item id, 25 characters (kept short: item ids are reported to be limited to 32). */
export function newItemId(): string {
  return `item_${randomHex(10)}`;
}

export function inputAudioAppend(audioBase64: string): InputAudioAppendEvent {
  return { type: 'input_audio_buffer.append', event_id: newEventId(), audio: audioBase64 };
}

export function inputAudioCommit(): InputAudioCommitEvent {
  return { type: 'input_audio_buffer.commit', event_id: newEventId() };
}

export function inputAudioClear(): InputAudioClearEvent {
  return { type: 'input_audio_buffer.clear', event_id: newEventId() };
}

export interface ItemPlacement {
  /** Supply the id so the local transcript turn and the server's item are the same turn. */
  itemId?: string;
  previousItemId?: string;
}

/** A typed user message. */
export function userTextItem(text: string, placement: ItemPlacement = {}): ItemCreateEvent {
  return itemCreate({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] }, placement);
}

/** The result of a function call; `output` is a string (the app sends compact JSON). */
export function functionCallOutputItem(callId: string, output: string, placement: ItemPlacement = {}): ItemCreateEvent {
  return itemCreate({ type: 'function_call_output', call_id: callId, output }, placement);
}

function itemCreate(item: RealtimeItem, { itemId, previousItemId }: ItemPlacement): ItemCreateEvent {
  const event: ItemCreateEvent = { type: 'conversation.item.create', event_id: newEventId(), item };
  if (itemId !== undefined) item.id = itemId;
  if (previousItemId !== undefined) event.previous_item_id = previousItemId;
  return event;
}

/** Tell the server how much of an assistant item was actually heard (whole ms, never negative). */
export function truncateItem(itemId: string, audioEndMs: number, contentIndex = 0): ItemTruncateEvent {
  const ms = Number.isFinite(audioEndMs) ? Math.max(0, Math.floor(audioEndMs)) : 0;
  return { type: 'conversation.item.truncate', event_id: newEventId(), item_id: itemId, content_index: contentIndex, audio_end_ms: ms };
}

export function responseCreate(): ResponseCreateEvent {
  return { type: 'response.create', event_id: newEventId() };
}

export function responseCancel(responseId?: string): ResponseCancelEvent {
  const event: ResponseCancelEvent = { type: 'response.cancel', event_id: newEventId() };
  if (responseId !== undefined) event.response_id = responseId;
  return event;
}

export function outputAudioClear(): OutputAudioClearEvent {
  return { type: 'output_audio_buffer.clear', event_id: newEventId() };
}
