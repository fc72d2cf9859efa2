/**
 * The live transcript as a pure reducer over Realtime events: `(state, event) => state`.
 *
 * - Order comes from `previous_item_id` links, not arrival (see `conversation-order.ts`).
 * - A user turn appears as soon as speech is committed (pending, empty) so no turn is ever lost;
 *   transcription deltas stream into it and `…completed` sets its final text in place, even if the
 *   reply is already streaming below it. A failed transcription keeps the turn as "(inaudible)".
 * - Assistant text streams from `response.output_audio_transcript.delta` (voice) or
 *   `response.output_text.delta` (text). On barge-in (`conversation.item.truncated`, or a `cancelled`
 *   `response.done`) the text is cut to the words the user heard (`spoken-timing.ts`), marked
 *   `interrupted`.
 * - Typed messages (`app.user_text`) show at once and are reconciled with the server's item by id
 *   (or, when the app gave no id, by text).
 * - Durations (for the delivery signals): a spoken user turn's is its VAD speech span on the input
 *   audio buffer (`user-turns.ts`); a spoken reply's is the audio the user heard — the cut position when
 *   it was interrupted, otherwise its whole track (`spokenDurationMs`) once the response is done.
 * - Duplicated events are harmless: turns are keyed by item id and repeated `event_id`s are skipped.
 *   Events that change nothing return the same state object (cheap React bail-out).
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { placeItem, removeItem } from './conversation-order';
import { isAppEvent, isKnownServerEvent, type AppEvent, type KnownServerEvent, type RealtimeInput } from './realtime-events';
import type { RealtimeItem, RealtimeResponse } from './server-event-types';
import { base64ByteLength, fullText, heardPart, spokenDurationMs, type SpokenTrack } from './spoken-timing';
import {
  ensureAssistant,
  ensureTurn,
  LOCAL_TEXT_ID_PREFIX,
  putTurn,
  RECENT_EVENT_IDS,
  setSource,
  setTrack,
  withTurns,
  type TranscriptState,
  type TranscriptTurn,
  type TurnSource,
} from './transcript-state';
import { adoptLocalText, speechStarted, speechStopped, userDelta, userFailed, userFinal, withSpeechDuration } from './user-turns';

export {
  createTranscriptState,
  INAUDIBLE,
  LOCAL_TEXT_ID_PREFIX,
  type TranscriptState,
  type TranscriptTurn,
  type TurnRole,
  type TurnSource,
  type TurnStatus,
} from './transcript-state';

export function transcriptReducer(state: TranscriptState, event: RealtimeInput): TranscriptState {
  if (isAppEvent(event)) return withTurns(state, reduceApp(state, event));
  if (!isKnownServerEvent(event)) return state;
  const eventId = event.event_id;
  if (eventId !== undefined && state.recentEventIds.includes(eventId)) return state;
  const next = reduceServer(state, event);
  if (next === state || eventId === undefined) return withTurns(state, next);
  return withTurns(state, { ...next, recentEventIds: [...state.recentEventIds.slice(1 - RECENT_EVENT_IDS), eventId] });
}

/** Plain text for copy/download: "You: …" / "Coach: …", one line per turn with something to show. */
export function transcriptText(state: TranscriptState): string {
  const lines: string[] = [];
  for (const turn of state.turns) {
    const text = turn.text || (turn.status === 'interrupted' ? '(interrupted)' : '');
    if (text) lines.push(`${turn.role === 'user' ? 'You' : 'Coach'}: ${text}`);
  }
  return lines.join('\n');
}

export function lastAssistantTurn(state: TranscriptState): TranscriptTurn | undefined {
  for (let i = state.turns.length - 1; i >= 0; i--) if (state.turns[i].role === 'assistant') return state.turns[i];
  return undefined;
}

function reduceServer(s: TranscriptState, e: KnownServerEvent): TranscriptState {
  switch (e.type) {
    case 'input_audio_buffer.speech_started':
      return speechStarted(s, e.item_id, e.audio_start_ms);
    case 'input_audio_buffer.speech_stopped':
      return speechStopped(s, e.item_id, e.audio_end_ms);
    case 'input_audio_buffer.committed':
      return withSpeechDuration(ensureTurn(s, e.item_id, 'user', 'voice', e.previous_item_id), e.item_id);
    case 'conversation.item.added':
    case 'conversation.item.done':
      return onItem(s, e.item, e.previous_item_id, e.type === 'conversation.item.done');
    case 'response.output_item.added':
    case 'response.output_item.done':
      return isAssistantMessage(e.item) && e.item.id ? ensureAssistant(s, e.item.id, e.response_id) : s;
    case 'response.content_part.added':
      return e.part.type === 'text' ? setSource(ensureAssistant(s, e.item_id, e.response_id), e.item_id, 'text') : s;
    case 'conversation.item.input_audio_transcription.delta':
      return userDelta(s, e.item_id, e.delta ?? '');
    case 'conversation.item.input_audio_transcription.completed':
      return userFinal(s, e.item_id, e.transcript);
    case 'conversation.item.input_audio_transcription.failed':
      return userFailed(s, e.item_id);
    case 'response.output_audio_transcript.delta':
      return assistantDelta(s, e.item_id, e.response_id, e.delta, 'voice');
    case 'response.output_text.delta':
      return assistantDelta(s, e.item_id, e.response_id, e.delta, 'text');
    case 'response.output_audio_transcript.done':
      return assistantFinal(s, e.item_id, e.response_id, e.transcript);
    case 'response.output_text.done':
      return assistantFinal(s, e.item_id, e.response_id, e.text);
    case 'response.output_audio.delta':
      return assistantAudio(s, e.item_id, e.response_id, e.delta);
    case 'conversation.item.truncated':
      return truncate(s, e.item_id, e.audio_end_ms);
    case 'conversation.item.deleted':
      return remove(s, e.item_id);
    case 'response.done':
      return responseDone(s, e.response);
    default:
      return s;
  }
}

function reduceApp(s: TranscriptState, e: AppEvent): TranscriptState {
  if (e.type === 'app.user_text') {
    const text = e.text.trim();
    if (!text) return s;
    const localCount = e.itemId === undefined ? s.localCount + 1 : s.localCount;
    const id = e.itemId ?? `${LOCAL_TEXT_ID_PREFIX}${localCount}`;
    if (s.order.ids.includes(id)) return s;
    const placed = { ...s, order: placeItem(s.order, id, undefined), localCount };
    return putTurn(placed, { itemId: id, role: 'user', text, status: 'pending', source: 'text' });
  }
  if (e.type === 'app.audio_played') {
    const track = s.spoken[e.itemId];
    if (!track || !Number.isFinite(e.playedMs) || e.playedMs <= (track.playedMs ?? -1)) return s;
    return setTrack(s, e.itemId, { ...track, playedMs: e.playedMs });
  }
  return s;
}

function isAssistantMessage(item: RealtimeItem): boolean {
  return item.type === 'message' && item.role === 'assistant';
}

function contentText(item: RealtimeItem, types: readonly string[]): string | undefined {
  const parts = (item.content ?? []).filter((p) => types.includes(p.type));
  const texts = parts.map((p) => p.text ?? p.transcript ?? '').filter((t) => t !== '');
  return texts.length > 0 ? texts.join('') : undefined;
}

function onItem(s: TranscriptState, item: RealtimeItem, previous: string | null | undefined, isDone: boolean): TranscriptState {
  const id = item.id;
  if (!id) return s;
  if (item.type === 'message' && item.role === 'user') {
    const typed = contentText(item, ['input_text']);
    if (typed !== undefined) {
      const adopted = s.byId[id] ? s : adoptLocalText(s, id, typed);
      const next = ensureTurn(adopted, id, 'user', 'text', previous);
      return putTurn(next, { ...next.byId[id], text: typed, status: 'done', source: 'text' });
    }
    const next = withSpeechDuration(ensureTurn(s, id, 'user', 'voice', previous), id);
    const spoken = contentText(item, ['input_audio']);
    return spoken !== undefined && next.byId[id].status !== 'done' ? userFinal(next, id, spoken) : next;
  }
  if (isAssistantMessage(item)) {
    const next = ensureAssistant(s, id, undefined, previous);
    if (!isDone || item.status === 'incomplete') return next;
    return assistantFinal(next, id, undefined, contentText(item, ['output_audio', 'output_text', 'audio', 'text']));
  }
  // Function calls, their outputs, system messages: not shown, but they hold a place in the order.
  const order = placeItem(s.order, id, previous);
  return order === s.order ? s : { ...s, order };
}

/**
 * Once a reply is interrupted its track is frozen: deltas still in flight describe audio the user will
 * never hear, and counting them would skew a later, exact cut.
 */
function isClosed(s: TranscriptState, id: string): boolean {
  const turn = s.byId[id];
  return turn.role !== 'assistant' || turn.status === 'interrupted' || turn.status === 'failed';
}

function assistantDelta(s: TranscriptState, id: string, responseId: string | undefined, delta: string, source: TurnSource): TranscriptState {
  const next = ensureAssistant(s, id, responseId);
  if (isClosed(next, id)) return next;
  const track = { ...next.spoken[id], deltas: [...next.spoken[id].deltas, delta] };
  const turn = next.byId[id];
  const text = fullText(track);
  return putTurn(setTrack(next, id, track), { ...turn, text, status: 'streaming', source: source === 'text' ? 'text' : turn.source });
}

function assistantFinal(s: TranscriptState, id: string, responseId: string | undefined, text: string | undefined): TranscriptState {
  const next = ensureAssistant(s, id, responseId);
  if (isClosed(next, id)) return next;
  const current = next.spoken[id];
  const useFinal = text !== undefined && (text !== '' || current.deltas.length === 0);
  const track = useFinal ? { ...current, finalText: text } : current;
  return putTurn(setTrack(next, id, track), { ...next.byId[id], text: fullText(track), status: 'done' });
}

function assistantAudio(s: TranscriptState, id: string, responseId: string | undefined, base64: string): TranscriptState {
  const next = ensureAssistant(s, id, responseId);
  if (isClosed(next, id)) return next;
  const track = next.spoken[id];
  return setTrack(next, id, { ...track, audioBytes: track.audioBytes + base64ByteLength(base64) });
}

/** The user barged in: keep only what was heard before `audioEndMs` of this item's audio. */
function truncate(s: TranscriptState, id: string, audioEndMs: number): TranscriptState {
  const turn = s.byId[id];
  const current = s.spoken[id];
  if (!turn || turn.role !== 'assistant' || !current) return s;
  const track = { ...current, truncatedAtMs: audioEndMs };
  const tracked = setTrack(s, id, track);
  const wholeMs = spokenDurationMs(track, s.bytesPerMs);
  // Cut after everything was heard (a finished reply): nothing was lost, the turn stays done.
  if (turn.status === 'done' && audioEndMs >= wholeMs) return withHeardMs(tracked, id, wholeMs);
  return withHeardMs(putTurn(tracked, { ...turn, text: heardPart(track, s.bytesPerMs, audioEndMs), status: 'interrupted' }), id, audioEndMs);
}

function responseDone(s: TranscriptState, response: RealtimeResponse): TranscriptState {
  let next = s;
  const ids = new Set(Object.keys(s.spoken).filter((id) => s.spoken[id].responseId === response.id));
  for (const item of response.output ?? []) {
    if (!item.id || !isAssistantMessage(item)) continue;
    ids.add(item.id);
    // A message we saw no events for (missed or never sent): take its text from the summary.
    if (!next.byId[item.id]) next = assistantFinal(ensureAssistant(next, item.id, response.id), item.id, response.id, contentText(item, ['output_audio', 'output_text']));
  }
  const status = response.status ?? 'completed';
  for (const id of ids) {
    const turn = next.byId[id];
    const track = next.spoken[id];
    if (!turn || turn.role !== 'assistant' || !track) continue;
    const open = turn.status === 'pending' || turn.status === 'streaming';
    if (status === 'cancelled') {
      // A truncate gives the exact cut; without one, what the transport reported played is the best
      // measure, and without that, everything that arrived.
      if (track.truncatedAtMs !== undefined || turn.status === 'interrupted') continue;
      const text = track.playedMs !== undefined ? heardPart(track, next.bytesPerMs, track.playedMs) : fullText(track).trimEnd();
      const heardMs = track.playedMs ?? spokenDurationMs(track, next.bytesPerMs);
      next = withHeardMs(putTurn(next, { ...turn, text, status: 'interrupted' }), id, heardMs);
    } else if (status === 'failed') {
      if (open) next = putTurn(next, { ...turn, status: 'failed' });
    } else {
      if (open) next = putTurn(next, { ...turn, text: fullText(track), status: 'done' });
      if (next.byId[id].status === 'done') next = withHeardMs(next, id, spokenDurationMs(track, next.bytesPerMs));
    }
  }
  return next;
}

/** A spoken reply's duration: the ms of its audio the user heard (none for a text reply, or nothing heard). */
function withHeardMs(s: TranscriptState, id: string, heardMs: number): TranscriptState {
  const turn = s.byId[id];
  if (!turn || turn.source !== 'voice' || !(heardMs > 0)) return s;
  const durationMs = Math.round(heardMs);
  return turn.durationMs === durationMs ? s : putTurn(s, { ...turn, durationMs });
}

function remove(s: TranscriptState, id: string): TranscriptState {
  if (!s.order.ids.includes(id) && !s.byId[id]) return s;
  const byId: Record<string, TranscriptTurn> = { ...s.byId };
  const spoken: Record<string, SpokenTrack> = { ...s.spoken };
  const speech = { ...s.speech };
  delete byId[id];
  delete spoken[id];
  delete speech[id];
  return { ...s, byId, spoken, speech, order: removeItem(s.order, id) };
}
