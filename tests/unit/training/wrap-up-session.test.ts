/**
 * The end-of-session step's decisions, with the grade call and the history store replaced by recorders (the
 * real endpoint is covered in tests/integration/grade.test.ts, the real IndexedDB store in the e2e journey):
 * nothing said → nothing graded or kept; a scorecard is kept with the session; a failed grading keeps the
 * session with a reason in plain words; a browser that refuses storage still gets its scorecard.
 */
import { describe, expect, it, vi } from 'vitest';
import { missingScorecardReason, wrapUpSession, type WrapUpDeps } from '../../../src/features/training/wrap-up/wrap-up-session';
import type { PracticeRecord } from '../../../src/lib/training/history/history-types';
import type { TranscriptTurn } from '../../../src/lib/voice-agent/realtime/transcript-state';
import type { ApiResult, Scorecard } from '../../../src/lib/voice-agent/types/api';

const t = (role: 'user' | 'assistant', text: string): TranscriptTurn => ({ itemId: `${role}_${text.length}_${text.slice(0, 5)}`, role, text, status: 'done', source: 'voice' });

const CARD: Scorecard = {
  scenario: { id: 'pitch-ai-strategy-to-the-board', title: 'Pitch an AI strategy to the board' },
  overall: 50,
  criteria: [{ id: 'ask', criterion: 'A clear ask', weight: 100, score: 3, evidence: [], comment: 'Fine.' }],
  strengths: ['a', 'b', 'c'],
  improvements: ['d', 'e', 'f'],
  next: { articles: [] },
  grader: 'model',
  notes: [],
};

function deps(answer: ApiResult<Scorecard>, { failPut = false } = {}) {
  const saved: PracticeRecord[] = [];
  const grade = vi.fn(async () => answer);
  const history = () =>
    ({
      put: async (r: PracticeRecord) => {
        if (failPut) throw new DOMException('blocked', 'SecurityError');
        saved.push(r);
      },
    }) as unknown as ReturnType<WrapUpDeps['history']>;
  return { grade, saved, deps: { grade: grade as unknown as WrapUpDeps['grade'], history, newId: () => 'rec-42' } };
}

const input = {
  sessionId: 'sess_abc',
  scenario: { id: 'pitch-ai-strategy-to-the-board', title: 'Pitch an AI strategy to the board' },
  mode: 'fallback' as const,
  startedAt: 1_000,
  endedAt: 61_000,
};

describe('wrapping up a session', () => {
  it('grades nothing and keeps nothing when the user said nothing', async () => {
    const d = deps({ ok: true, data: CARD, meta: { status: 200, clockSkewMs: 0 } });
    expect(await wrapUpSession({ ...input, turns: [t('assistant', 'Welcome to the board.')] }, d.deps)).toEqual({ kind: 'nothing-said' });
    expect(d.grade).not.toHaveBeenCalled();
    expect(d.saved).toEqual([]);
  });

  it('sends the session, its scenario and the kept transcript, and keeps the scored session', async () => {
    const d = deps({ ok: true, data: CARD, meta: { status: 200, clockSkewMs: 0 } });
    const turns = [t('assistant', 'Welcome to the board.'), t('user', 'We ask for four million.'), { ...t('user', ''), status: 'pending' as const }];
    const result = await wrapUpSession({ ...input, turns }, d.deps);
    expect(d.grade).toHaveBeenCalledWith(
      {
        sessionId: 'sess_abc',
        scenarioId: 'pitch-ai-strategy-to-the-board',
        transcript: [
          { role: 'assistant', text: 'Welcome to the board.', status: 'done' },
          { role: 'user', text: 'We ask for four million.', status: 'done' },
        ],
      },
      { signal: undefined },
    );
    expect(result).toMatchObject({ kind: 'recorded', saved: true, record: { id: 'rec-42', scorecard: CARD, durationSeconds: 60, mode: 'fallback' } });
    expect(d.saved.map((r) => r.id)).toEqual(['rec-42']);
  });

  it('keeps the session with the reason when grading fails', async () => {
    const d = deps({ ok: false, error: { kind: 'http', status: 429, code: 'rate_limited', message: 'Too many.' } });
    const result = await wrapUpSession({ ...input, turns: [t('user', 'Our plan has three phases.')] }, d.deps);
    expect(result.kind).toBe('recorded');
    const record = (result as { record: PracticeRecord }).record;
    expect(record.scorecard).toBeUndefined();
    expect(record.scorecardMissing).toMatch(/limited to a few a minute/);
    expect(d.saved).toHaveLength(1);
  });

  it('still returns the scorecard when the browser refuses to store it', async () => {
    const d = deps({ ok: true, data: CARD, meta: { status: 200, clockSkewMs: 0 } }, { failPut: true });
    const result = await wrapUpSession({ ...input, turns: [t('user', 'Our plan has three phases.')] }, d.deps);
    expect(result).toMatchObject({ kind: 'recorded', saved: false, record: { scorecard: CARD } });
  });
});

describe('why there is no scorecard', () => {
  it('is said in plain words for each kind of failure, with the server message when it sent one', () => {
    expect(missingScorecardReason({ kind: 'network', message: 'x' })).toMatch(/could not be reached/);
    expect(missingScorecardReason({ kind: 'timeout', message: 'x' })).toMatch(/too long/);
    expect(missingScorecardReason({ kind: 'http', status: 404, code: 'session_not_found', message: 'gone' })).toMatch(/already ended/);
    expect(missingScorecardReason({ kind: 'http', status: 503, code: 'upstream_unavailable', message: 'Try again shortly.' })).toBe(
      'The scorecard could not be prepared: Try again shortly.',
    );
    expect(missingScorecardReason({ kind: 'invalid-response', message: 'x' })).toBe('The scorecard could not be prepared this time.');
  });
});
