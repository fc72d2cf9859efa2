/**
 * From the console's transcript to what is graded and what is kept: placeholders and "(inaudible)" never
 * reach the grader, a long session is graded on its latest turns within the server's limits, and the
 * record names the scenario the server actually graded against.
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_GRADE_TURN_CHARS,
  MAX_GRADE_TURNS,
  MAX_GRADE_TRANSCRIPT_BYTES,
  buildPracticeRecord,
  gradeTranscript,
  keptTurns,
  userSpokeUp,
} from '../../../src/features/training/wrap-up/practice-record';
import type { TranscriptTurn } from '../../../src/lib/voice-agent/realtime/transcript-state';
import type { Scorecard } from '../../../src/lib/voice-agent/types/api';

const turn = (role: 'user' | 'assistant', text: string, extra: Partial<TranscriptTurn> = {}): TranscriptTurn => ({
  itemId: `item_${Math.random().toString(36).slice(2)}`,
  role,
  text,
  status: 'done',
  source: 'voice',
  ...extra,
});

const SCORECARD: Scorecard = {
  scenario: { id: 'defend-ai-budget-to-the-cfo', title: 'Defend an AI budget to a sceptical CFO' },
  overall: 63,
  criteria: [{ id: 'numbers', criterion: 'Numbers that hold', weight: 100, score: 4, evidence: ['32 percent'], comment: 'Good.' }],
  strengths: ['a', 'b', 'c'],
  improvements: ['d', 'e', 'f'],
  next: { articles: ['ai-business-case'] },
  grader: 'model',
  notes: [],
};

describe('what counts as having spoken', () => {
  it('needs a user turn with words: silence, placeholders and "(inaudible)" do not count', () => {
    expect(userSpokeUp([turn('assistant', 'Tell me why.')])).toBe(false);
    expect(userSpokeUp([turn('user', '', { status: 'pending' }), turn('user', '(inaudible)', { status: 'failed' })])).toBe(false);
    expect(userSpokeUp([turn('user', ' We cut costs by a third. ')])).toBe(true);
  });
});

describe('the kept transcript', () => {
  it('keeps turns with words, trimmed, in order, with their status and duration', () => {
    const kept = keptTurns([
      turn('assistant', 'Why should I fund this?', { durationMs: 2100 }),
      turn('user', '', { status: 'pending' }),
      turn('user', ' Because it pays back in a year. ', { durationMs: 3000 }),
      turn('assistant', 'Prove', { status: 'interrupted' }),
      turn('user', '(inaudible)', { status: 'failed' }),
      turn('user', 'Typed answer', { source: 'text' }),
    ]);
    expect(kept).toEqual([
      { role: 'assistant', text: 'Why should I fund this?', status: 'done', durationMs: 2100 },
      { role: 'user', text: 'Because it pays back in a year.', status: 'done', durationMs: 3000 },
      { role: 'assistant', text: 'Prove', status: 'interrupted' },
      { role: 'user', text: 'Typed answer', status: 'done' },
    ]);
  });
});

describe('the transcript sent for grading', () => {
  it('is the whole conversation when it fits', () => {
    const turns = keptTurns([turn('assistant', 'Q1?'), turn('user', 'A1.'), turn('assistant', 'Q2?'), turn('user', 'A2.')]);
    expect(gradeTranscript(turns).map((t) => t.text)).toEqual(['Q1?', 'A1.', 'Q2?', 'A2.']);
  });

  it(`keeps the latest ${MAX_GRADE_TURNS} turns of a long session, in order`, () => {
    const turns = Array.from({ length: MAX_GRADE_TURNS + 50 }, (_, i) => ({ role: i % 2 ? ('user' as const) : ('assistant' as const), text: `turn ${i}` }));
    const sent = gradeTranscript(turns);
    expect(sent).toHaveLength(MAX_GRADE_TURNS);
    expect(sent[0]!.text).toBe('turn 50');
    expect(sent.at(-1)!.text).toBe(`turn ${MAX_GRADE_TURNS + 49}`);
  });

  it('cuts an over-long turn and stays within the body limit', () => {
    const long = 'word '.repeat(2000);
    const turns = Array.from({ length: 40 }, (_, i) => ({ role: i % 2 ? ('user' as const) : ('assistant' as const), text: `${i} ${long}` }));
    const sent = gradeTranscript(turns);
    expect(sent.every((t) => t.text.length <= MAX_GRADE_TURN_CHARS)).toBe(true);
    expect(new TextEncoder().encode(JSON.stringify({ sessionId: 'x'.repeat(40), transcript: sent })).length).toBeLessThan(64 * 1024);
    expect(new TextEncoder().encode(JSON.stringify(sent)).length).toBeLessThanOrEqual(MAX_GRADE_TRANSCRIPT_BYTES + 1000);
    // The latest turns are the ones kept.
    expect(sent.at(-1)!.text.startsWith('39 ')).toBe(true);
  });
});

describe('the practice record', () => {
  const base = {
    id: 'rec-1',
    startedAt: Date.UTC(2026, 10, 24, 9, 0, 0),
    endedAt: Date.UTC(2026, 10, 24, 9, 7, 30),
    scenario: { id: 'free-coaching', title: 'Free coaching' },
    mode: 'realtime' as const,
    turns: [turn('assistant', 'What is on your mind?'), turn('user', 'Our AI budget, um, and the CFO?', { durationMs: 4000 })],
  };

  it('carries the scorecard, names the scenario the server graded, and measures the session', () => {
    const record = buildPracticeRecord({ ...base, scorecard: SCORECARD });
    expect(record).toMatchObject({ id: 'rec-1', version: 1, at: base.endedAt, mode: 'realtime', durationSeconds: 450 });
    expect(record.scenario).toEqual(SCORECARD.scenario);
    expect(record.scorecard).toBe(SCORECARD);
    expect(record.scorecardMissing).toBeUndefined();
    expect(record.transcript.map((t) => t.role)).toEqual(['assistant', 'user']);
    expect(record.signals.userWords).toBe(7);
    expect(record.signals.questionsAsked).toBe(1);
  });

  it('says why when there is no scorecard', () => {
    const record = buildPracticeRecord({ ...base, scorecardMissing: 'The scorecard took too long to prepare.' });
    expect(record.scenario).toEqual(base.scenario);
    expect(record.scorecard).toBeUndefined();
    expect(record.scorecardMissing).toBe('The scorecard took too long to prepare.');
  });
});
