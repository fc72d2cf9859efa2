/**
 * What happens when a practice session ends, before the server session is closed: grade the transcript
 * (the server grades only a live session), build the practice record and keep it in this browser's history.
 * Each step degrades on its own: no scorecard still keeps the session (with the reason), and a browser that
 * refuses storage (private mode, quota) still shows the scorecard.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { gradeSession } from '../../../lib/voice-agent/api/grade-client';
import { openHistoryStore } from '../../../lib/training/history/history-store';
import type { HistoryStore, PracticeRecord } from '../../../lib/training/history/history-types';
import type { TranscriptTurn } from '../../../lib/voice-agent/realtime/transcript-state';
import type { ApiFailure, CoachMode } from '../../../lib/voice-agent/types/api';
import { buildPracticeRecord, gradeTranscript, keptTurns, userSpokeUp } from './practice-record';

export interface WrapUpInput {
  sessionId: string;
  /** The scenario the page asked for (the server's scorecard names the one it actually graded). */
  scenario: { id: string; title: string };
  mode: CoachMode;
  turns: readonly TranscriptTurn[];
  startedAt: number;
  endedAt: number;
  signal?: AbortSignal;
}

export type WrapUpResult =
  | { kind: 'nothing-said' }
  | { kind: 'recorded'; record: PracticeRecord; saved: boolean };

export interface WrapUpDeps {
  grade: typeof gradeSession;
  history: () => HistoryStore;
  newId: () => string;
}

const DEFAULT_DEPS: WrapUpDeps = { grade: gradeSession, history: openHistoryStore, newId: () => crypto.randomUUID() };

/** Why there is no scorecard, in words a user can act on. */
export function missingScorecardReason(failure: ApiFailure): string {
  if (failure.kind === 'network') return 'The scorecard could not be prepared because the coaching service could not be reached.';
  if (failure.kind === 'timeout') return 'The scorecard took too long to prepare, so this session was kept without one.';
  if (failure.status === 429) return 'Scorecards are limited to a few a minute, and that limit was reached, so this session was kept without one.';
  if (failure.status === 404) return 'The session had already ended on the server before it could be scored.';
  if (failure.kind === 'http' && failure.code && failure.message) return `The scorecard could not be prepared: ${failure.message}`;
  return 'The scorecard could not be prepared this time.';
}

export async function wrapUpSession(input: WrapUpInput, deps: WrapUpDeps = DEFAULT_DEPS): Promise<WrapUpResult> {
  if (!userSpokeUp(input.turns)) return { kind: 'nothing-said' };
  const graded = await deps.grade(
    {
      sessionId: input.sessionId,
      ...(input.scenario.id ? { scenarioId: input.scenario.id } : {}),
      transcript: gradeTranscript(keptTurns(input.turns)),
    },
    { signal: input.signal },
  );
  const record = buildPracticeRecord({
    id: deps.newId(),
    startedAt: input.startedAt,
    endedAt: input.endedAt,
    scenario: input.scenario,
    mode: input.mode,
    turns: input.turns,
    ...(graded.ok ? { scorecard: graded.data } : { scorecardMissing: missingScorecardReason(graded.error) }),
  });
  let saved = true;
  try {
    await deps.history().put(record);
  } catch {
    saved = false;
  }
  return { kind: 'recorded', record, saved };
}
