/**
 * The history file's validation (src/lib/training/history/history-schema.ts): it accepts exactly what
 * `exportAll()` writes (after a JSON round trip, as a downloaded file is read back), and refuses anything
 * else with a `HistoryImportError` whose message names the first bad field in plain words.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryExport, PracticeRecord } from '../../../src/lib/training/history/history-types';
import {
  HistoryImportError,
  MAX_IMPORT_SESSIONS,
  NOT_A_HISTORY_FILE,
  formatPath,
  parseHistoryExport,
} from '../../../src/lib/training/history/history-schema';
import { sampleRecord } from '../../helpers/practice-history';

/** An export as `exportAll()` builds it, through JSON (undefined optional fields disappear, as in a file). */
function file(sessions: PracticeRecord[], extra: Record<string, unknown> = {}): unknown {
  const data: HistoryExport = { format: 'eatp-history', version: 1, exportedAt: '2025-11-24T10:00:00.000Z', sessions };
  return JSON.parse(JSON.stringify({ ...data, ...extra }));
}

const unscored = (id: string): PracticeRecord => {
  const { scorecard: _scorecard, ...rest } = sampleRecord({ id });
  return { ...rest, scorecardMissing: 'Nothing was said, so there was nothing to score.', transcript: [] };
};

/** The error a bad file throws (fails the test when it does not throw one). */
function refusal(data: unknown): HistoryImportError {
  try {
    parseHistoryExport(data);
  } catch (error) {
    expect(error).toBeInstanceOf(HistoryImportError);
    return error as HistoryImportError;
  }
  throw new Error('expected the file to be refused');
}

/** Three good sessions, then `change` applied to a deep copy of the file. */
function broken(change: (data: { sessions: Record<string, any>[] } & Record<string, any>) => void): unknown {
  const data = file([sampleRecord({ id: 'a-1' }), sampleRecord({ id: 'a-2', at: Date.UTC(2025, 5, 1) }), sampleRecord({ id: 'a-3' })]) as any;
  change(data);
  return data;
}

describe('parseHistoryExport accepts what exportAll writes', () => {
  it('returns the sessions as they were exported: scored, unscored, with a recap, with voice-turn durations', () => {
    const withRecap = sampleRecord({ id: 'rec-2', mode: 'realtime' });
    withRecap.scorecard = {
      ...withRecap.scorecard!,
      grader: 'model',
      recap: { summary: 'Led with payback; no gates offered.', token: 'v1.abc.def' },
    };
    withRecap.transcript = [{ role: 'user', text: 'We stop after tranche one.', status: 'done', durationMs: 2300 }];
    const sessions = [sampleRecord({ id: crypto.randomUUID() }), unscored('rec-1'), withRecap];
    const parsed = parseHistoryExport(file(sessions));
    expect(parsed.format).toBe('eatp-history');
    expect(parsed.sessions).toEqual(JSON.parse(JSON.stringify(sessions)));
  });

  it('accepts an empty history and a free-coaching session', () => {
    expect(parseHistoryExport(file([])).sessions).toEqual([]);
    const free = sampleRecord({ id: 'free-1', scenario: { id: 'free-coaching', title: 'Free coaching' } });
    expect(parseHistoryExport(file([free])).sessions[0]!.scenario.id).toBe('free-coaching');
  });

  it('drops keys it does not know rather than refusing the file (a later release may add some)', () => {
    const data = broken((d) => {
      d.sessions[0]!.newField = 'x';
      d.generator = 'a later release';
    });
    const parsed = parseHistoryExport(data);
    expect(parsed.sessions[0]).not.toHaveProperty('newField');
    expect(parsed).not.toHaveProperty('generator');
  });

  it('accepts 2000 sessions', () => {
    const sessions = Array.from({ length: MAX_IMPORT_SESSIONS }, (_, i) => unscored(`s-${i}`));
    expect(parseHistoryExport(file(sessions)).sessions).toHaveLength(2000);
  });
});

describe('parseHistoryExport refuses a bad file with the first bad field named', () => {
  it.each([
    ['null', null],
    ['a list', []],
    ['text', 'eatp-history'],
    ['another JSON file', { name: 'package', version: '1.0.0' }],
    ['a file with the wrong format name', { format: 'history', version: 1, sessions: [] }],
  ])('%s is "not a history file exported from this site"', (_name, data) => {
    const error = refusal(data);
    expect(error.message).toBe(NOT_A_HISTORY_FILE);
    expect(error.message).toBe('This is not a history file exported from this site.');
  });

  it('a file from a newer version says so', () => {
    expect(refusal({ format: 'eatp-history', version: 2, sessions: [] }).message).toMatch(
      /newer version of this site \(version 2\); this site reads version 1/,
    );
  });

  it('names the scenario id of the third session', () => {
    const error = refusal(broken((d) => (d.sessions[2]!.scenario.id = 'Board Pitch!')));
    expect(error.message).toBe('sessions[2].scenario.id: should be lower-case words joined by hyphens (found "Board Pitch!")');
    expect(error.path).toBe('sessions[2].scenario.id');
  });

  it('reports only the first problem', () => {
    const error = refusal(
      broken((d) => {
        d.sessions[1]!.mode = 'telepathy';
        d.sessions[2]!.at = -1;
      }),
    );
    expect(error.message).toBe('sessions[1].mode: should be one of "realtime", "fallback" or "demo" (found "telepathy")');
  });

  it.each<[string, (d: any) => void, string]>([
    ['a missing field', (d) => delete d.sessions[0].signals, 'sessions[0].signals: is missing'],
    [
      'a score above 5',
      (d) => (d.sessions[0].scorecard.criteria[1].score = 6),
      'sessions[0].scorecard.criteria[1].score: should be at most 5 (found 6)',
    ],
    [
      'a score below 1',
      (d) => (d.sessions[0].scorecard.criteria[0].score = 0),
      'sessions[0].scorecard.criteria[0].score: should be at least 1 (found 0)',
    ],
    [
      'a fractional score',
      (d) => (d.sessions[0].scorecard.criteria[0].score = 2.5),
      'sessions[0].scorecard.criteria[0].score: should be a whole number, not a fraction',
    ],
    ['an overall above 100', (d) => (d.sessions[1].scorecard.overall = 101), 'sessions[1].scorecard.overall: should be at most 100 (found 101)'],
    ['a score written as text', (d) => (d.sessions[0].scorecard.overall = '63'), 'sessions[0].scorecard.overall: should be a number, not text'],
    [
      'an unknown grader',
      (d) => (d.sessions[0].scorecard.grader = 'human'),
      'sessions[0].scorecard.grader: should be one of "model" or "heuristic" (found "human")',
    ],
    ['a record version other than 1', (d) => (d.sessions[0].version = 3), 'sessions[0].version: should be 1 (found 3)'],
    ['a negative time', (d) => (d.sessions[2].at = -5), 'sessions[2].at: should be at least 0 (found -5)'],
    ['a time after 2100', (d) => (d.sessions[2].at = 5_000_000_000_000), 'sessions[2].at: should be at most 4102444800000 (found 5000000000000)'],
    [
      'an over-long title',
      (d) => (d.sessions[0].scenario.title = 'x'.repeat(201)),
      'sessions[0].scenario.title: is too long (at most 200 characters)',
    ],
    ['an empty title', (d) => (d.sessions[0].scenario.title = ''), 'sessions[0].scenario.title: should not be empty'],
    [
      'too many evidence quotes',
      (d) => (d.sessions[0].scorecard.criteria[0].evidence = Array(11).fill('q')),
      'sessions[0].scorecard.criteria[0].evidence: has too many entries (at most 10)',
    ],
    ['a scorecard with no criteria', (d) => (d.sessions[0].scorecard.criteria = []), 'sessions[0].scorecard.criteria: should have at least 1 entry'],
    [
      'a transcript turn with an unknown role',
      (d) => (d.sessions[0].transcript[1].role = 'system'),
      'sessions[0].transcript[1].role: should be one of "user" or "assistant" (found "system")',
    ],
    ['a transcript that is not a list', (d) => (d.sessions[0].transcript = 'hello'), 'sessions[0].transcript: should be a list, not text'],
    ['a talk ratio above 1', (d) => (d.sessions[0].signals.talkRatio = 1.5), 'sessions[0].signals.talkRatio: should be at most 1 (found 1.5)'],
    [
      'an id with a slash',
      (d) => (d.sessions[0].id = '../etc'),
      'sessions[0].id: should be a session id (letters, digits and hyphens, at most 100) (found "../etc")',
    ],
    ['sessions that are not a list', (d) => (d.sessions = {}), 'sessions: should be a list, not an object'],
  ])('%s', (_name, change, message) => {
    expect(refusal(broken(change)).message).toBe(message);
  });

  it('never echoes long text back (a transcript could be pasted into the message)', () => {
    const secret = 'confidential '.repeat(2000);
    const error = refusal(broken((d) => (d.sessions[0].transcript[1].text = secret)));
    expect(error.message).toBe('sessions[0].transcript[1].text: is too long (at most 20000 characters)');
  });

  it('refuses more than 2000 sessions, before looking at any of them', () => {
    const sessions = Array.from({ length: 2001 }, () => ({ not: 'a session' }));
    expect(refusal({ format: 'eatp-history', version: 1, exportedAt: '', sessions }).message).toBe(
      'sessions: a history file holds at most 2000 sessions; this one has 2001.',
    );
  });

  it('refuses the same session twice in one file', () => {
    const error = refusal(broken((d) => (d.sessions[2]!.id = 'a-1')));
    expect(error.message).toBe('sessions[2].id: the same session appears twice in this file (also sessions[0])');
  });
});

describe('formatPath', () => {
  it('writes list positions in brackets and keys with dots', () => {
    expect(formatPath(['sessions', 2, 'scenario', 'id'])).toBe('sessions[2].scenario.id');
    expect(formatPath([])).toBe('');
    expect(formatPath(['sessions'])).toBe('sessions');
  });
});
