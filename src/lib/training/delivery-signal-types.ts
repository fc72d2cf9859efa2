/**
 * The live delivery signals shown while the user talks (every mode) and kept with each session in the
 * history: computed in the browser from the transcript and its timing (`delivery-signals.ts`, pure).
 *
 * Browser-only module: never import from `src/server/**` here.
 */

export interface FillerCount {
  /** The filler as matched, lower-case ("um", "you know"). */
  word: string;
  count: number;
}

export interface DeliverySignals {
  /** Words the user said (voice and typed turns with text; "(inaudible)" turns count 0). */
  userWords: number;
  /** User turns with words in them. */
  userTurns: number;
  /**
   * The user's speaking pace in words per minute, over voice turns with a known duration; absent until at
   * least `MIN_PACE_SECONDS` of timed speech (a pace over two words means nothing).
   */
  paceWpm?: number;
  /**
   * The user's share of the talking, 0..1: speaking time when every counted turn has a duration
   * (`basis: 'time'`), otherwise words (`basis: 'words'`). Absent until both sides have said something.
   */
  talkRatio?: number;
  talkRatioBasis?: 'time' | 'words';
  /** Filler words and phrases in the user's turns ("um", "uh", "you know", "sort of", "basically", …). */
  fillerCount: number;
  /** Fillers per 100 user words (0 when no words). */
  fillersPer100Words: number;
  /** The most frequent fillers, most frequent first (at most 3). */
  topFillers: FillerCount[];
  /** The user's longest single turn: words, and seconds when that turn has a duration. */
  longestMonologueWords: number;
  longestMonologueSeconds?: number;
  /** Questions the user asked (sentences ending in "?", or opening with a question word when the transcript has no punctuation). */
  questionsAsked: number;
}
