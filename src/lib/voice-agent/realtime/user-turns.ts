/**
 * The user's side of the transcript. A spoken turn exists from the moment its audio is committed;
 * its transcription streams in, completes or fails later (often after the reply has started), always
 * in place. A typed turn the app showed under a local id takes the server's id when it is confirmed.
 * A spoken turn's duration is its speech span on the input audio buffer (`speech_started.audio_start_ms`
 * → `speech_stopped.audio_end_ms`, which arrive before the commit): the server VAD's own padding is
 * included, so a pace computed from it errs slightly slow, never fast.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { renameItem } from './conversation-order';
import { ensureTurn, INAUDIBLE, LOCAL_TEXT_ID_PREFIX, putTurn, type SpeechSpan, type TranscriptState, type TranscriptTurn } from './transcript-state';

/** The server confirmed a typed message the app showed under a local id: the turn takes the real id. */
export function adoptLocalText(s: TranscriptState, id: string, text: string): TranscriptState {
  const local = s.turns.find(
    (t) => t.itemId.startsWith(LOCAL_TEXT_ID_PREFIX) && t.status === 'pending' && t.text === text.trim(),
  );
  if (!local) return s;
  const byId: Record<string, TranscriptTurn> = { ...s.byId, [id]: { ...local, itemId: id } };
  delete byId[local.itemId];
  return { ...s, byId, order: renameItem(s.order, local.itemId, id) };
}

export function userDelta(s: TranscriptState, id: string, delta: string): TranscriptState {
  const next = ensureTurn(s, id, 'user', 'voice');
  const turn = next.byId[id];
  if (turn.role !== 'user' || delta === '' || turn.status === 'done' || turn.status === 'failed') return next;
  return putTurn(next, { ...turn, text: turn.text + delta, status: 'streaming' });
}

export function userFinal(s: TranscriptState, id: string, transcript: string): TranscriptState {
  const next = ensureTurn(s, id, 'user', 'voice');
  const turn = next.byId[id];
  if (turn.role !== 'user') return next;
  // An empty transcription still was a turn: show it rather than a blank line.
  return putTurn(next, { ...turn, text: transcript.trim() || INAUDIBLE, status: 'done' });
}

export function userFailed(s: TranscriptState, id: string): TranscriptState {
  const next = ensureTurn(s, id, 'user', 'voice');
  const turn = next.byId[id];
  if (turn.role !== 'user' || turn.status === 'done') return next;
  return putTurn(next, { ...turn, text: INAUDIBLE, status: 'failed' });
}

/** The VAD heard speech start for this item. The first report is kept: a repeat cannot move it. */
export function speechStarted(s: TranscriptState, id: string, audioStartMs: number | undefined): TranscriptState {
  if (audioStartMs === undefined || s.speech[id]?.startMs !== undefined) return s;
  return withSpeechDuration(setSpan(s, id, { ...s.speech[id], startMs: audioStartMs }), id);
}

/** The VAD heard speech stop: the turn (now or once it exists) gets its spoken duration. */
export function speechStopped(s: TranscriptState, id: string, audioEndMs: number | undefined): TranscriptState {
  if (audioEndMs === undefined || s.speech[id]?.endMs === audioEndMs) return s;
  return withSpeechDuration(setSpan(s, id, { ...s.speech[id], endMs: audioEndMs }), id);
}

/** Give a spoken user turn the duration of its speech span, once both ends and the turn are known. */
export function withSpeechDuration(s: TranscriptState, id: string): TranscriptState {
  const turn = s.byId[id];
  const span = s.speech[id];
  if (!turn || turn.role !== 'user' || turn.source !== 'voice' || span?.startMs === undefined || span.endMs === undefined) return s;
  const durationMs = Math.max(0, Math.round(span.endMs - span.startMs));
  return turn.durationMs === durationMs ? s : putTurn(s, { ...turn, durationMs });
}

function setSpan(s: TranscriptState, id: string, span: SpeechSpan): TranscriptState {
  return { ...s, speech: { ...s.speech, [id]: span } };
}
