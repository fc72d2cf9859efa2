/**
 * Learning-path completion in the browser (src/lib/training/path-progress.ts): what is stored under
 * PATH_PROGRESS_KEY round-trips, anything unreadable counts as no progress (never an error), and a step is
 * done when its article is marked or its scenario has a session in the history.
 */
import { describe, expect, it } from 'vitest';
import {
  EMPTY_PROGRESS,
  MAX_MARKED_ARTICLES,
  countDone,
  parsePathProgress,
  progressLabel,
  readPathProgress,
  serialisePathProgress,
  setArticleDone,
  stepStatuses,
  writePathProgress,
} from '../../../src/lib/training/path-progress';
import { PATH_PROGRESS_KEY } from '../../../src/lib/training/storage-keys';

const AT = Date.UTC(2025, 10, 24, 9);

describe('parse and serialise', () => {
  it('round-trips marked articles with their times', () => {
    const progress = setArticleDone(setArticleDone(EMPTY_PROGRESS, 'board-reporting-on-ai', true, AT), 'ai-incident-response', true, AT + 1);
    const raw = serialisePathProgress(progress);
    expect(JSON.parse(raw)).toEqual({ version: 1, articles: { 'board-reporting-on-ai': AT, 'ai-incident-response': AT + 1 } });
    expect(parsePathProgress(raw)).toEqual(progress);
  });

  it.each([
    ['nothing stored', null],
    ['an empty string', ''],
    ['not JSON', '{articles:'],
    ['JSON null', 'null'],
    ['another version', '{"version":2,"articles":{"a":1}}'],
    ['articles as a list', '{"version":1,"articles":["board-reporting-on-ai"]}'],
  ])('%s is no progress', (_name, raw) => {
    expect(parsePathProgress(raw)).toEqual(EMPTY_PROGRESS);
  });

  it('keeps the good marks of a hand-edited value and drops the bad ones', () => {
    const raw = JSON.stringify({
      version: 1,
      articles: { 'board-reporting-on-ai': AT, 'Bad Slug': AT, 'ai-incident-response': 'yesterday', 'data-readiness-for-ai': -1 },
    });
    expect(parsePathProgress(raw)).toEqual({ articles: { 'board-reporting-on-ai': AT } });
  });

  it(`keeps at most ${MAX_MARKED_ARTICLES} marks`, () => {
    const articles = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`article-${i}`, AT]));
    expect(Object.keys(parsePathProgress(JSON.stringify({ version: 1, articles })).articles)).toHaveLength(MAX_MARKED_ARTICLES);
  });
});

describe('marking an article', () => {
  it('marks and unmarks without changing the progress it was given', () => {
    const marked = setArticleDone(EMPTY_PROGRESS, 'board-reporting-on-ai', true, AT);
    expect(EMPTY_PROGRESS.articles).toEqual({});
    expect(marked.articles).toEqual({ 'board-reporting-on-ai': AT });
    expect(setArticleDone(marked, 'board-reporting-on-ai', false).articles).toEqual({});
  });

  it('ignores a slug that could not be an article', () => {
    expect(setArticleDone(EMPTY_PROGRESS, '__proto__', true, AT)).toBe(EMPTY_PROGRESS);
  });
});

describe('step statuses', () => {
  const steps = [
    { kind: 'article' as const, slug: 'board-reporting-on-ai' },
    { kind: 'article' as const, slug: 'ai-incident-response' },
    { kind: 'scenario' as const, slug: 'press-interview-after-ai-incident' },
    { kind: 'scenario' as const, slug: 'auditor-questions-on-ai-act-compliance' },
  ];

  it('an article is done when marked, a scenario when the history has a session for it (with its time)', () => {
    const progress = setArticleDone(EMPTY_PROGRESS, 'ai-incident-response', true, AT);
    const practised = new Map([['press-interview-after-ai-incident', AT + 5]]);
    const statuses = stepStatuses(steps, progress, practised);
    expect(statuses.map((s) => [s.slug, s.done, s.at])).toEqual([
      ['board-reporting-on-ai', false, undefined],
      ['ai-incident-response', true, AT],
      ['press-interview-after-ai-incident', true, AT + 5],
      ['auditor-questions-on-ai-act-compliance', false, undefined],
    ]);
    expect(countDone(statuses)).toBe(2);
    expect(progressLabel(countDone(statuses), steps.length)).toBe('2 of 4 done');
  });

  it('a marked article does not make a scenario of the same name done, nor the reverse', () => {
    const progress = setArticleDone(EMPTY_PROGRESS, 'press-interview-after-ai-incident', true, AT);
    const practised = new Map([['board-reporting-on-ai', AT]]);
    expect(countDone(stepStatuses(steps, progress, practised))).toBe(0);
  });
});

describe('reading and writing localStorage', () => {
  function storage() {
    const items = new Map<string, string>();
    return { items, getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
  }

  it('writes under PATH_PROGRESS_KEY and reads it back', () => {
    const s = storage();
    const progress = setArticleDone(EMPTY_PROGRESS, 'board-reporting-on-ai', true, AT);
    expect(writePathProgress(progress, s)).toBe(true);
    expect([...s.items.keys()]).toEqual([PATH_PROGRESS_KEY]);
    expect(readPathProgress(s)).toEqual(progress);
  });

  it('reports a refused write and reads a refusing storage as no progress', () => {
    const refusing = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(writePathProgress(EMPTY_PROGRESS, refusing)).toBe(false);
    expect(writePathProgress(EMPTY_PROGRESS, undefined)).toBe(false);
    expect(readPathProgress(refusing)).toEqual(EMPTY_PROGRESS);
  });
});
