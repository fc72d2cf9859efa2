/**
 * The user's side of the transcript. A spoken turn exists from the moment its audio is committed;
 * its transcription streams in, completes or fails later (often after the reply has started), always
 * in place. A typed turn the app showed under a local id takes the server's id when it is confirmed.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { renameItem } from './conversation-order';
import { ensureTurn, INAUDIBLE, LOCAL_TEXT_ID_PREFIX, putTurn, type TranscriptState, type TranscriptTurn } from './transcript-state';

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
