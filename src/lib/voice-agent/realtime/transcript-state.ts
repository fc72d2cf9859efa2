/**
 * The transcript's state and the small immutable updates the reducer is built from. A turn is keyed by
 * its conversation item id, so a repeated event updates a turn and never adds a second one.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { EMPTY_ORDER, placeItem, type ConversationOrder } from './conversation-order';
import { emptyTrack, PCM16_24K_BYTES_PER_MS, type SpokenTrack } from './spoken-timing';

export type TurnRole = 'user' | 'assistant';
export type TurnStatus = 'pending' | 'streaming' | 'done' | 'interrupted' | 'failed';
export type TurnSource = 'voice' | 'text';

export interface TranscriptTurn {
  readonly itemId: string;
  readonly role: TurnRole;
  readonly text: string;
  readonly status: TurnStatus;
  readonly source: TurnSource;
  /**
   * How long the turn was spoken, in ms (voice turns, once known): for the user, from speech start to
   * speech stop as the engine detected it; for the coach, the audio the user heard. Absent for typed
   * turns and while unknown. Feeds the live delivery signals (pace, talk ratio, longest monologue).
   */
  readonly durationMs?: number;
}

export interface TranscriptState {
  /** What to render, in conversation order. */
  readonly turns: readonly TranscriptTurn[];
  readonly byId: Readonly<Record<string, TranscriptTurn>>;
  readonly order: ConversationOrder;
  /** Per assistant item: transcript deltas and audio progress, for cutting on barge-in. */
  readonly spoken: Readonly<Record<string, SpokenTrack>>;
  /** Per user item: where the server's VAD heard speech start and stop, in input-audio-buffer ms. */
  readonly speech: Readonly<Record<string, SpeechSpan>>;
  readonly recentEventIds: readonly string[];
  /** Counter for ids of typed turns the app sent without an id. */
  readonly localCount: number;
  /** Output audio bytes per ms: 48 for PCM16 24 kHz (default), 8 for G.711. */
  readonly bytesPerMs: number;
}

/**
 * One user utterance on the input audio buffer's clock (`audio_start_ms` / `audio_end_ms`): audio time,
 * not wall time, so the reducer needs no clock and stays pure.
 */
export interface SpeechSpan {
  readonly startMs?: number;
  readonly endMs?: number;
}

export const INAUDIBLE = '(inaudible)';
export const LOCAL_TEXT_ID_PREFIX = 'local_text_';
/** How many server `event_id`s are remembered to drop duplicated events. */
export const RECENT_EVENT_IDS = 256;

export function createTranscriptState(options: { bytesPerMs?: number } = {}): TranscriptState {
  return {
    turns: [],
    byId: {},
    order: EMPTY_ORDER,
    spoken: {},
    speech: {},
    recentEventIds: [],
    localCount: 0,
    bytesPerMs: options.bytesPerMs ?? PCM16_24K_BYTES_PER_MS,
  };
}

/** Re-derive `turns` when the order or a turn changed; otherwise keep the same array. */
export function withTurns(before: TranscriptState, after: TranscriptState): TranscriptState {
  if (after === before || (after.order === before.order && after.byId === before.byId)) return after;
  const turns = after.order.ids.flatMap((id) => (after.byId[id] ? [after.byId[id]] : []));
  return { ...after, turns };
}

export function putTurn(s: TranscriptState, turn: TranscriptTurn): TranscriptState {
  return { ...s, byId: { ...s.byId, [turn.itemId]: turn } };
}

export function setTrack(s: TranscriptState, id: string, track: SpokenTrack): TranscriptState {
  return { ...s, spoken: { ...s.spoken, [id]: track } };
}

export function setSource(s: TranscriptState, id: string, source: TurnSource): TranscriptState {
  const turn = s.byId[id];
  return turn && turn.source !== source ? putTurn(s, { ...turn, source }) : s;
}

export function ensureTurn(s: TranscriptState, id: string, role: TurnRole, source: TurnSource, previous?: string | null): TranscriptState {
  const order = placeItem(s.order, id, previous);
  const placed = order === s.order ? s : { ...s, order };
  if (placed.byId[id]) return placed;
  return putTurn(placed, { itemId: id, role, text: '', status: 'pending', source });
}

export function ensureAssistant(s: TranscriptState, id: string, responseId?: string, previous?: string | null): TranscriptState {
  const next = ensureTurn(s, id, 'assistant', 'voice', previous);
  const track = next.spoken[id];
  if (!track) return setTrack(next, id, emptyTrack(responseId));
  if (responseId !== undefined && track.responseId === undefined) return setTrack(next, id, { ...track, responseId });
  return next;
}

