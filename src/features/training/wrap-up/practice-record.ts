/**
 * From the conversation the console kept to (a) the transcript the grader is sent and (b) the practice record
 * the browser stores. Pure functions.
 *
 * The grade request respects the server's limits (docs/scorecards.md: ≤ 200 turns, ≤ 4000 characters a turn,
 * ≤ 64 KB) by keeping the most recent turns: a long session is graded on its latest part rather than refused.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { computeDeliverySignals } from '../../../lib/training/delivery-signals';
import { PRACTICE_RECORD_VERSION, type PracticeRecord, type PracticeTurn } from '../../../lib/training/history/history-types';
import { INAUDIBLE, type TranscriptTurn } from '../../../lib/voice-agent/realtime/transcript-state';
import type { CoachMode, GradeRequest, Scorecard } from '../../../lib/voice-agent/types/api';

export const MAX_GRADE_TURNS = 200;
export const MAX_GRADE_TURN_CHARS = 4000;
/** Below the server's 64 KB, leaving room for the JSON around the turns. */
export const MAX_GRADE_TRANSCRIPT_BYTES = 60_000;

/** A turn with words in it (not a pending placeholder, not "(inaudible)"). */
const hasWords = (t: Pick<TranscriptTurn, 'text'>) => t.text.trim() !== '' && t.text.trim() !== INAUDIBLE;

/** Whether the user said (or typed) anything worth grading. */
export function userSpokeUp(turns: readonly TranscriptTurn[]): boolean {
  return turns.some((t) => t.role === 'user' && hasWords(t));
}

/** The turns worth keeping, in conversation order, as plain data. */
export function keptTurns(turns: readonly TranscriptTurn[]): PracticeTurn[] {
  return turns.filter(hasWords).map((t) => ({
    role: t.role,
    text: t.text.trim(),
    status: t.status,
    ...(t.durationMs !== undefined ? { durationMs: t.durationMs } : {}),
  }));
}

const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

/** The grade request's transcript: the latest turns that fit the server's limits, each cut to its maximum length. */
export function gradeTranscript(turns: readonly PracticeTurn[]): GradeRequest['transcript'] {
  const out: GradeRequest['transcript'] = [];
  let bytes = 0;
  for (let i = turns.length - 1; i >= 0 && out.length < MAX_GRADE_TURNS; i--) {
    const t = turns[i]!;
    const text = t.text.slice(0, MAX_GRADE_TURN_CHARS);
    const size = utf8Bytes(text) + 48;
    if (bytes + size > MAX_GRADE_TRANSCRIPT_BYTES) break;
    bytes += size;
    out.push({ role: t.role, text, ...(t.status ? { status: t.status } : {}) });
  }
  return out.reverse();
}

export interface RecordInput {
  id: string;
  startedAt: number;
  endedAt: number;
  scenario: { id: string; title: string };
  mode: CoachMode;
  turns: readonly TranscriptTurn[];
  scorecard?: Scorecard;
  scorecardMissing?: string;
}

export function buildPracticeRecord(input: RecordInput): PracticeRecord {
  return {
    id: input.id,
    version: PRACTICE_RECORD_VERSION,
    at: input.endedAt,
    // The server's scorecard names the scenario it graded against: it wins over what the page assumed.
    scenario: input.scorecard ? { ...input.scorecard.scenario } : { ...input.scenario },
    mode: input.mode,
    durationSeconds: Math.max(0, Math.round((input.endedAt - input.startedAt) / 1000)),
    ...(input.scorecard ? { scorecard: input.scorecard } : { scorecardMissing: input.scorecardMissing ?? 'This session was not scored.' }),
    signals: computeDeliverySignals(input.turns),
    transcript: keptTurns(input.turns),
  };
}
