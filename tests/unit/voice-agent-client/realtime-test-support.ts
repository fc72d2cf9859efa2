/**
 * GA Realtime server events, shaped as the protocol brief documents them (§4.3, §4.5, §5), for the
 * realtime unit tests. Every event gets a fresh server-style `event_id`; `wire()` sends events through
 * JSON and `parseServerEvent`, as the transport will.
 */
import { parseServerEvent, type RealtimeInput, type ServerEvent } from '../../../src/lib/voice-agent/realtime/realtime-events';

let seq = 0;
type Json = Record<string, unknown>;
const ev = (type: string, fields: Json = {}): Json => ({ type, event_id: `event_srv${++seq}`, ...fields });

/** PCM16 24 kHz silence lasting `ms`, base64 (48 bytes per ms). */
export const pcmBase64 = (ms: number) => Buffer.alloc(ms * 48).toString('base64');

const part = (responseId: string, itemId: string) => ({ response_id: responseId, item_id: itemId, output_index: 0, content_index: 0 });

export const S = {
  speechStarted: (itemId: string, audioStartMs = 0) => ev('input_audio_buffer.speech_started', { item_id: itemId, audio_start_ms: audioStartMs }),
  speechStopped: (itemId: string, audioEndMs = 1000) => ev('input_audio_buffer.speech_stopped', { item_id: itemId, audio_end_ms: audioEndMs }),
  committed: (itemId: string, previous: string | null) => ev('input_audio_buffer.committed', { item_id: itemId, previous_item_id: previous }),
  userAudioItem: (type: 'added' | 'done', itemId: string, previous: string | null) =>
    ev(`conversation.item.${type}`, {
      previous_item_id: previous,
      item: { id: itemId, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] },
    }),
  userTextItem: (type: 'added' | 'done', itemId: string, previous: string | null, text: string) =>
    ev(`conversation.item.${type}`, {
      previous_item_id: previous,
      item: { id: itemId, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text }] },
    }),
  transcriptionDelta: (itemId: string, delta: string) =>
    ev('conversation.item.input_audio_transcription.delta', { item_id: itemId, content_index: 0, delta }),
  transcriptionCompleted: (itemId: string, transcript: string) =>
    ev('conversation.item.input_audio_transcription.completed', {
      item_id: itemId,
      content_index: 0,
      transcript,
      usage: { type: 'duration', seconds: 2 },
    }),
  transcriptionFailed: (itemId: string) =>
    ev('conversation.item.input_audio_transcription.failed', {
      item_id: itemId,
      content_index: 0,
      error: { type: 'transcription_error', code: 'audio_unintelligible', message: 'Audio could not be transcribed' },
    }),
  responseCreated: (responseId: string) =>
    ev('response.created', { response: { id: responseId, object: 'realtime.response', status: 'in_progress', output: [] } }),
  rateLimits: () => ev('rate_limits.updated', { rate_limits: [{ name: 'tokens', limit: 40000, remaining: 39000, reset_seconds: 1.5 }] }),
  outputItem: (type: 'added' | 'done', responseId: string, item: Json) =>
    ev(`response.output_item.${type}`, { response_id: responseId, output_index: 0, item }),
  assistantItem: (type: 'added' | 'done', itemId: string, previous: string | null, transcript?: string) =>
    ev(`conversation.item.${type}`, {
      previous_item_id: previous,
      item: assistantMessage(itemId, type === 'added' ? 'in_progress' : 'completed', transcript),
    }),
  contentPart: (type: 'added' | 'done', responseId: string, itemId: string, partType: 'audio' | 'text') =>
    ev(`response.content_part.${type}`, { ...part(responseId, itemId), part: { type: partType } }),
  audioTranscriptDelta: (responseId: string, itemId: string, delta: string) =>
    ev('response.output_audio_transcript.delta', { ...part(responseId, itemId), delta }),
  audioTranscriptDone: (responseId: string, itemId: string, transcript: string) =>
    ev('response.output_audio_transcript.done', { ...part(responseId, itemId), transcript }),
  textDelta: (responseId: string, itemId: string, delta: string) => ev('response.output_text.delta', { ...part(responseId, itemId), delta }),
  textDone: (responseId: string, itemId: string, text: string) => ev('response.output_text.done', { ...part(responseId, itemId), text }),
  audioDelta: (responseId: string, itemId: string, ms: number) => ev('response.output_audio.delta', { ...part(responseId, itemId), delta: pcmBase64(ms) }),
  audioDone: (responseId: string, itemId: string) => ev('response.output_audio.done', part(responseId, itemId)),
  truncated: (itemId: string, audioEndMs: number) => ev('conversation.item.truncated', { item_id: itemId, content_index: 0, audio_end_ms: audioEndMs }),
  deleted: (itemId: string) => ev('conversation.item.deleted', { item_id: itemId }),
  responseDone: (responseId: string, status: string, output: Json[] = [], usage?: Json, reason?: string) =>
    ev('response.done', {
      response: {
        id: responseId,
        object: 'realtime.response',
        status,
        status_details: reason ? { type: status, reason } : null,
        output,
        conversation_id: 'conv_1',
        usage: usage ?? null,
      },
    }),
  bufferStarted: (responseId: string) => ev('output_audio_buffer.started', { response_id: responseId }),
  bufferStopped: (responseId: string) => ev('output_audio_buffer.stopped', { response_id: responseId }),
  argumentsDelta: (responseId: string, itemId: string, callId: string, delta: string) =>
    ev('response.function_call_arguments.delta', { response_id: responseId, item_id: itemId, output_index: 0, call_id: callId, delta }),
  argumentsDone: (responseId: string, itemId: string, callId: string, name: string, args: string) =>
    ev('response.function_call_arguments.done', { response_id: responseId, item_id: itemId, output_index: 0, call_id: callId, name, arguments: args }),
  error: (code: string, clientEventId?: string) =>
    ev('error', { error: { type: 'invalid_request_error', code, message: code, param: null, event_id: clientEventId ?? null } }),
};

export function assistantMessage(itemId: string, status: string, transcript?: string): Json {
  return {
    id: itemId,
    object: 'realtime.item',
    type: 'message',
    status,
    role: 'assistant',
    content: transcript === undefined ? [] : [{ type: 'output_audio', transcript }],
  };
}

export function functionCallItem(itemId: string, callId: string, name: string, args: string, status = 'completed'): Json {
  return { id: itemId, object: 'realtime.item', type: 'function_call', status, call_id: callId, name, arguments: args };
}

/**
 * A whole spoken reply (§4.5, audio variant): `chunks` of transcript, each followed by `msPerChunk` of
 * audio. Ends with `response.done` unless `done` is false.
 */
export function spokenReply(
  responseId: string,
  itemId: string,
  previous: string | null,
  chunks: string[],
  options: { msPerChunk?: number; done?: boolean; usage?: Json } = {},
): Json[] {
  const ms = options.msPerChunk ?? 800;
  const transcript = chunks.join('');
  const events: Json[] = [
    S.responseCreated(responseId),
    S.rateLimits(),
    S.outputItem('added', responseId, assistantMessage(itemId, 'in_progress')),
    S.assistantItem('added', itemId, previous),
    S.contentPart('added', responseId, itemId, 'audio'),
  ];
  for (const chunk of chunks) events.push(S.audioTranscriptDelta(responseId, itemId, chunk), S.audioDelta(responseId, itemId, ms));
  if (options.done === false) return events;
  events.push(
    S.audioDone(responseId, itemId),
    S.audioTranscriptDone(responseId, itemId, transcript),
    S.contentPart('done', responseId, itemId, 'audio'),
    S.assistantItem('done', itemId, previous, transcript),
    S.outputItem('done', responseId, assistantMessage(itemId, 'completed', transcript)),
    S.responseDone(responseId, 'completed', [assistantMessage(itemId, 'completed', transcript)], options.usage),
  );
  return events;
}

/** The user's side of a VAD turn up to the commit and the item (§4.5). */
export function spokenUserTurn(itemId: string, previous: string | null): Json[] {
  return [S.speechStarted(itemId), S.speechStopped(itemId), S.committed(itemId, previous), S.userAudioItem('added', itemId, previous), S.userAudioItem('done', itemId, previous)];
}

/** Through JSON and the parser, as the transport delivers them. Fails the test on a rejected event. */
export function wire(events: Json[]): ServerEvent[] {
  return events.map((e) => {
    const parsed = parseServerEvent(JSON.stringify(e));
    if (!parsed) throw new Error(`parser rejected ${JSON.stringify(e).slice(0, 120)}`);
    return parsed;
  });
}

/** Reduce server events (through the wire) and app events (as they are) into `state`. */
export function feed<S>(reducer: (state: S, event: RealtimeInput) => S, state: S, events: Array<Json | RealtimeInput>): S {
  return events.reduce<S>((s, e) => reducer(s, String(e.type).startsWith('app.') ? (e as RealtimeInput) : wire([e as Json])[0]), state);
}
