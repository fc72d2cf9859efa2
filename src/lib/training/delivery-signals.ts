/**
 * The live delivery signals, computed from the transcript and its timing: pure, so the panel can call it
 * on every transcript change and the history can keep the same numbers the user saw. Every rule below is
 * deliberately simple enough to explain in one sentence on screen.
 *
 * - **Counted turns**: finished ones (done, interrupted or failed). A turn still being said, heard or
 *   transcribed (pending, streaming) joins when it finishes, so the numbers do not jitter mid-sentence.
 * - **Words**: the text split on whitespace; a piece counts when it has a letter or digit in it (a lone
 *   "—" or "…" is not a word). The "(inaudible)" placeholder counts 0. Filler words are words too.
 * - **Pace** (`paceWpm`): the user's words ÷ minutes over their *timed voice turns* only (source voice,
 *   a `durationMs`, at least one word), rounded to a whole number. Typed turns and untimed voice turns
 *   are left out of both sides of the division. Absent until those turns add up to `MIN_PACE_SECONDS`.
 *   Durations come from the engines (user: voice detection; coach: the audio the user heard) and
 *   include a little of the detector's padding, so a pace errs slightly slow.
 * - **Talk ratio**: the user's share, 0..1, over the counted turns with words. By speaking time when
 *   every one of those turns (both sides) has a duration, otherwise by words. Absent until both the
 *   user and the coach have said at least one word.
 * - **Fillers**: whole-word, case-insensitive matches in the user's turns, counted per occurrence
 *   (`FILLER_RULES` below says exactly which, and when the ambiguous ones count). Spelling variants count
 *   as the base form ("umm" → "um"). Speech-to-text models often drop "um" and "uh" from transcripts,
 *   and the browser's recogniser drops commas, so the count is a floor, never an overcount.
 *   `fillersPer100Words` = fillers ÷ user words × 100, one decimal. `topFillers`: the three most frequent,
 *   ties in alphabetical order.
 * - **Longest monologue**: the most words the user said without the coach saying anything in between:
 *   consecutive user turns count as one stretch (voice detection splits a long answer at its pauses).
 *   Seconds (whole, rounded) when every turn in that stretch has a duration; on a tie in words, the first.
 * - **Questions**: in each user turn, the sentences ending in "?" ("Why?? Really?" is 2). A turn with no
 *   sentence punctuation at all (browser speech recognition gives none) counts 1 when it opens with a
 *   question word (what, why, how, when, where, who, whom, whose, which) or with an auxiliary verb
 *   followed by a pronoun ("can you", "should we", "is it", "do they", "is there", …).
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { DeliverySignals, FillerCount } from './delivery-signal-types';
import { INAUDIBLE, type TranscriptTurn } from '../voice-agent/realtime/transcript-state';

/** Timed speech needed before a pace is shown: over a few seconds, wpm is noise. */
export const MIN_PACE_SECONDS = 10;

/** How many fillers `topFillers` lists. */
const TOP_FILLERS = 3;

/** Words a noun phrase starts with: after these, "kind of" / "sort of" is a category ("what kind of tool"), not a hedge. */
const DETERMINERS = "a|an|the|what|which|this|that|these|those|any|some|every|each|no|one|same|my|our|your|their|his|her|its|of|that's|what's";
/** Words before "you know" that make it a real question or clause ("do you know", "as you know", "if you know"). */
const KNOW_LEADS = "do|did|does|don't|didn't|doesn't|if|as|what|whether|would|will|should|could|can|let|may|might";

/**
 * Each filler: the form it is reported under and the pattern (on lower-cased text with straight
 * apostrophes). Hesitation sounds always count; the discourse fillers only where they cannot be meaning.
 */
export const FILLER_RULES: ReadonlyArray<{ word: string; pattern: RegExp }> = [
  { word: 'um', pattern: /\b(?:umm*|uhmm*)\b/g },
  { word: 'uh', pattern: /\buhh*\b/g },
  { word: 'er', pattern: /\berr?\b/g },
  { word: 'erm', pattern: /\bermm*\b/g },
  { word: 'ah', pattern: /\bahh*\b/g },
  { word: 'hmm', pattern: /\bhmm*\b/g },
  // Only where it is set off: followed by a comma or the end of a sentence ("…, you know, …", "You know, …").
  { word: 'you know', pattern: new RegExp(`(?<!\\b(?:${KNOW_LEADS})\\s)\\byou know(?=\\s*(?:[,.;!?…]|$))`, 'g') },
  // "I mean, …" — not "what I mean is" or "I mean it".
  { word: 'i mean', pattern: /(?<!\bwhat\s)\bi mean(?=\s*(?:[,.;!?…]|$))/g },
  // A hedge, not a category: not after a determiner ("the kind of", "what sort of").
  { word: 'kind of', pattern: new RegExp(`(?<!\\b(?:${DETERMINERS})\\s)\\bkind of\\b`, 'g') },
  { word: 'sort of', pattern: new RegExp(`(?<!\\b(?:${DETERMINERS})\\s)\\bsort of\\b`, 'g') },
  { word: 'basically', pattern: /\bbasically\b/g },
  { word: 'literally', pattern: /\bliterally\b/g },
  { word: 'actually', pattern: /\bactually\b/g },
  // "like" only set off by commas (", like,") or opening a sentence with a comma ("Like, we…"); never "I'd like".
  { word: 'like', pattern: /(?:,\s*like(?=\s*,)|(?:^|[.!?]\s+)like(?=\s*,))/g },
];

const QUESTION_WORDS = /^(?:what|why|how|when|where|who|whom|whose|which)\b/;
const AUXILIARY_QUESTION =
  /^(?:can|could|would|will|should|shall|may|might|must|do|does|did|is|are|was|were|am|have|has|had|isn't|aren't|wasn't|weren't|don't|doesn't|didn't|can't|couldn't|won't|wouldn't|shouldn't|haven't|hasn't)\s+(?:i|you|we|they|he|she|it|there|this|that|these|those|anyone|someone|everyone)\b/;

/** Words in a piece of transcript (see the header). */
export function countWords(text: string): number {
  if (text.trim() === INAUDIBLE) return 0;
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** Every filler occurrence in `text`, by its reported form. */
export function findFillers(text: string): Map<string, number> {
  const clean = normalise(text);
  const found = new Map<string, number>();
  for (const rule of FILLER_RULES) {
    const n = clean.match(rule.pattern)?.length ?? 0;
    if (n > 0) found.set(rule.word, (found.get(rule.word) ?? 0) + n);
  }
  return found;
}

/** Questions in one turn (see the header). */
export function countQuestions(text: string): number {
  const clean = normalise(text).trim();
  if (!/[.!?…]/.test(clean)) return QUESTION_WORDS.test(clean) || AUXILIARY_QUESTION.test(clean) ? 1 : 0;
  return clean.match(/[\p{L}\p{N}][^.!?…]*\?+/gu)?.length ?? 0;
}

interface Counted {
  role: TranscriptTurn['role'];
  words: number;
  durationMs?: number;
  voice: boolean;
  text: string;
}

export function computeDeliverySignals(turns: readonly TranscriptTurn[]): DeliverySignals {
  const counted: Counted[] = turns
    .filter((t) => t.status !== 'pending' && t.status !== 'streaming')
    .map((t) => ({ role: t.role, words: countWords(t.text), durationMs: timed(t.durationMs), voice: t.source === 'voice', text: t.text }))
    .filter((t) => t.words > 0);
  const user = counted.filter((t) => t.role === 'user');
  const coach = counted.filter((t) => t.role === 'assistant');
  const userWords = sum(user.map((t) => t.words));

  const fillers = new Map<string, number>();
  for (const t of user) for (const [word, n] of findFillers(t.text)) fillers.set(word, (fillers.get(word) ?? 0) + n);
  const fillerCount = sum([...fillers.values()]);
  const topFillers: FillerCount[] = [...fillers]
    .map(([word, count]) => ({ word, count }))
    .sort((a, b) => b.count - a.count || a.word.localeCompare(b.word))
    .slice(0, TOP_FILLERS);

  const monologue = longestMonologue(counted);
  return {
    userWords,
    userTurns: user.length,
    ...pace(user),
    ...talkRatio(user, coach),
    fillerCount,
    fillersPer100Words: userWords > 0 ? Math.round((fillerCount / userWords) * 1000) / 10 : 0,
    topFillers,
    longestMonologueWords: monologue.words,
    ...(monologue.seconds !== undefined ? { longestMonologueSeconds: monologue.seconds } : {}),
    questionsAsked: sum(user.map((t) => countQuestions(t.text))),
  };
}

function pace(user: readonly Counted[]): Pick<DeliverySignals, 'paceWpm'> {
  const timedVoice = user.filter((t) => t.voice && t.durationMs !== undefined);
  const ms = sum(timedVoice.map((t) => t.durationMs!));
  if (ms < MIN_PACE_SECONDS * 1000) return {};
  return { paceWpm: Math.round(sum(timedVoice.map((t) => t.words)) / (ms / 60_000)) };
}

function talkRatio(user: readonly Counted[], coach: readonly Counted[]): Pick<DeliverySignals, 'talkRatio' | 'talkRatioBasis'> {
  if (user.length === 0 || coach.length === 0) return {};
  if ([...user, ...coach].every((t) => t.durationMs !== undefined)) {
    const mine = sum(user.map((t) => t.durationMs!));
    return { talkRatio: mine / (mine + sum(coach.map((t) => t.durationMs!))), talkRatioBasis: 'time' };
  }
  const mine = sum(user.map((t) => t.words));
  return { talkRatio: mine / (mine + sum(coach.map((t) => t.words))), talkRatioBasis: 'words' };
}

/** The longest run of user turns with no coach words between them. */
function longestMonologue(counted: readonly Counted[]): { words: number; seconds?: number } {
  let best: { words: number; seconds?: number } = { words: 0 };
  let run: Counted[] = [];
  const close = () => {
    const words = sum(run.map((t) => t.words));
    if (words > best.words) {
      const allTimed = run.every((t) => t.durationMs !== undefined);
      best = allTimed ? { words, seconds: Math.round(sum(run.map((t) => t.durationMs!)) / 1000) } : { words };
    }
    run = [];
  };
  for (const t of counted) {
    if (t.role === 'user') run.push(t);
    else close();
  }
  close();
  return best;
}

function timed(ms: number | undefined): number | undefined {
  return ms !== undefined && Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

function normalise(text: string): string {
  return text.toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'");
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
