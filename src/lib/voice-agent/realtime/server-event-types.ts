/**
 * Types of the GA Realtime server events the voice client uses (protocol brief §4.3). Only the fields
 * the app reads are typed; the wire may carry more. Optional where the brief says the server may omit
 * a field, so consumers cannot rely on what is not promised.
 *
 * Browser-only module: never import from `src/server/**` here.
 */

/** One content part of a conversation item (GA names; beta `text`/`audio` kept for tolerance). */
export interface RealtimeContentPart {
  type: 'input_text' | 'input_audio' | 'output_text' | 'output_audio' | 'text' | 'audio' | (string & {});
  text?: string;
  transcript?: string | null;
}

/** A conversation item: a message, a function call or a function call's output. */
export interface RealtimeItem {
  id?: string;
  object?: string;
  type: 'message' | 'function_call' | 'function_call_output' | (string & {});
  status?: 'completed' | 'incomplete' | 'in_progress';
  role?: 'user' | 'assistant' | 'system';
  content?: RealtimeContentPart[];
  call_id?: string;
  name?: string;
  arguments?: string;
  output?: string;
}

export interface RealtimeUsage {
  total_tokens?: number;
  input_tokens?: number;
  output_tokens?: number;
  input_token_details?: {
    text_tokens?: number;
    audio_tokens?: number;
    image_tokens?: number;
    cached_tokens?: number;
    cached_tokens_details?: { text_tokens?: number; audio_tokens?: number; image_tokens?: number };
  };
  output_token_details?: { text_tokens?: number; audio_tokens?: number };
}

export type ResponseStatus = 'in_progress' | 'completed' | 'cancelled' | 'failed' | 'incomplete';

export interface RealtimeErrorInfo {
  type?: string;
  code?: string | null;
  message?: string;
  param?: string | null;
  /** The client `event_id` that caused the error, when there was one. */
  event_id?: string | null;
}

export interface RealtimeResponse {
  id: string;
  object?: string;
  status?: ResponseStatus;
  status_details?: {
    type?: string;
    reason?: 'turn_detected' | 'client_cancelled' | 'max_output_tokens' | 'content_filter' | (string & {});
    error?: RealtimeErrorInfo;
  } | null;
  /** Every output item (no audio bytes). */
  output?: RealtimeItem[];
  usage?: RealtimeUsage | null;
  conversation_id?: string;
  metadata?: Record<string, unknown> | null;
}

interface Ev<T extends string> {
  type: T;
  event_id?: string;
}

/** Ids carried by every per-content-part streaming event. */
interface PartRef {
  response_id?: string;
  item_id: string;
  output_index?: number;
  content_index?: number;
}

export interface SessionEvent<T extends 'session.created' | 'session.updated'> extends Ev<T> {
  session: { id?: string; model?: string; expires_at?: number; [key: string]: unknown };
}
export interface SpeechStartedEvent extends Ev<'input_audio_buffer.speech_started'> {
  item_id: string;
  audio_start_ms?: number;
}
export interface SpeechStoppedEvent extends Ev<'input_audio_buffer.speech_stopped'> {
  item_id: string;
  audio_end_ms?: number;
}
export interface InputCommittedEvent extends Ev<'input_audio_buffer.committed'> {
  item_id: string;
  previous_item_id?: string | null;
}
export type InputClearedEvent = Ev<'input_audio_buffer.cleared'>;
export interface ItemAddedEvent<T extends 'conversation.item.added' | 'conversation.item.done'> extends Ev<T> {
  previous_item_id?: string | null;
  item: RealtimeItem;
}
export interface ItemTruncatedEvent extends Ev<'conversation.item.truncated'> {
  item_id: string;
  content_index?: number;
  audio_end_ms: number;
}
export interface ItemDeletedEvent extends Ev<'conversation.item.deleted'> {
  item_id: string;
}
export interface TranscriptionDeltaEvent extends Ev<'conversation.item.input_audio_transcription.delta'> {
  item_id: string;
  content_index?: number;
  delta?: string;
}
export interface TranscriptionCompletedEvent extends Ev<'conversation.item.input_audio_transcription.completed'> {
  item_id: string;
  content_index?: number;
  transcript: string;
}
export interface TranscriptionFailedEvent extends Ev<'conversation.item.input_audio_transcription.failed'> {
  item_id: string;
  content_index?: number;
  error?: RealtimeErrorInfo;
}
export interface ResponseLifecycleEvent<T extends 'response.created' | 'response.done'> extends Ev<T> {
  response: RealtimeResponse;
}
export interface OutputItemEvent<T extends 'response.output_item.added' | 'response.output_item.done'> extends Ev<T> {
  response_id?: string;
  output_index?: number;
  item: RealtimeItem;
}
export interface ContentPartEvent<T extends 'response.content_part.added' | 'response.content_part.done'>
  extends Ev<T>,
    PartRef {
  part: { type: 'text' | 'audio' | (string & {}); text?: string; transcript?: string };
}
export interface TextDeltaEvent<
  T extends 'response.output_audio_transcript.delta' | 'response.output_text.delta' | 'response.output_audio.delta',
> extends Ev<T>,
    PartRef {
  /** Text, or base64 audio for `response.output_audio.delta`. */
  delta: string;
}
export interface AudioTranscriptDoneEvent extends Ev<'response.output_audio_transcript.done'>, PartRef {
  transcript?: string;
}
export interface OutputTextDoneEvent extends Ev<'response.output_text.done'>, PartRef {
  text?: string;
}
export type OutputAudioDoneEvent = Ev<'response.output_audio.done'> & PartRef;
export interface FunctionArgumentsDeltaEvent extends Ev<'response.function_call_arguments.delta'> {
  response_id?: string;
  item_id?: string;
  call_id: string;
  delta: string;
}
export interface FunctionArgumentsDoneEvent extends Ev<'response.function_call_arguments.done'> {
  response_id?: string;
  item_id?: string;
  call_id: string;
  name: string;
  arguments: string;
}
/** WebRTC/SIP only: the server-side playback buffer of a response. */
export interface OutputAudioBufferEvent<
  T extends 'output_audio_buffer.started' | 'output_audio_buffer.stopped' | 'output_audio_buffer.cleared',
> extends Ev<T> {
  response_id?: string;
}
export interface RateLimitsEvent extends Ev<'rate_limits.updated'> {
  rate_limits: Array<{ name?: string; limit?: number; remaining?: number; reset_seconds?: number }>;
}
export interface ErrorEvent extends Ev<'error'> {
  error: RealtimeErrorInfo;
}

/** Every server event type the app understands. */
export type KnownServerEvent =
  | SessionEvent<'session.created'>
  | SessionEvent<'session.updated'>
  | SpeechStartedEvent
  | SpeechStoppedEvent
  | InputCommittedEvent
  | InputClearedEvent
  | ItemAddedEvent<'conversation.item.added'>
  | ItemAddedEvent<'conversation.item.done'>
  | ItemTruncatedEvent
  | ItemDeletedEvent
  | TranscriptionDeltaEvent
  | TranscriptionCompletedEvent
  | TranscriptionFailedEvent
  | ResponseLifecycleEvent<'response.created'>
  | ResponseLifecycleEvent<'response.done'>
  | OutputItemEvent<'response.output_item.added'>
  | OutputItemEvent<'response.output_item.done'>
  | ContentPartEvent<'response.content_part.added'>
  | ContentPartEvent<'response.content_part.done'>
  | TextDeltaEvent<'response.output_audio_transcript.delta'>
  | AudioTranscriptDoneEvent
  | TextDeltaEvent<'response.output_text.delta'>
  | OutputTextDoneEvent
  | TextDeltaEvent<'response.output_audio.delta'>
  | OutputAudioDoneEvent
  | FunctionArgumentsDeltaEvent
  | FunctionArgumentsDoneEvent
  | OutputAudioBufferEvent<'output_audio_buffer.started'>
  | OutputAudioBufferEvent<'output_audio_buffer.stopped'>
  | OutputAudioBufferEvent<'output_audio_buffer.cleared'>
  | RateLimitsEvent
  | ErrorEvent;

export type KnownServerEventType = KnownServerEvent['type'];

/** A server event the app does not model (MCP, segments, future additions): passed through untouched. */
export interface OtherServerEvent {
  type: string;
  event_id?: string;
}

export type ServerEvent = KnownServerEvent | OtherServerEvent;
