/**
 * What /progress computes from the history (src/features/training/progress/progress-data.ts and
 * progress-copy.ts) and the "clear every key" part of "Delete my data" (src/lib/training/local-data.ts):
 * the series the charts draw, the charts' accessible summaries, and the sentences the page says.
 */
import { describe, expect, it } from 'vitest';
import type { PracticeRecord } from '../../../src/lib/training/history/history-types';
import { clearLocalKeys } from '../../../src/lib/training/local-data';
import { LOCAL_STORAGE_KEYS, PATH_PROGRESS_KEY, RECAP_CONSENT_KEY } from '../../../src/lib/training/storage-keys';
import {
  chartSummary,
  labelIndices,
  newestFirst,
  overallSeries,
  scenarioSeries,
  zeroBasedAxis,
} from '../../../src/features/training/progress/progress-data';
import {
  axisDateFormatter,
  describeDeleted,
  describeImport,
  exportFileName,
  formatDuration,
} from '../../../src/features/training/progress/progress-copy';
import { sampleRecord } from '../../helpers/practice-history';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 10, 3, 12);

/** A CFO session on day `day` with payback/phasing scores and an overall. */
function cfo(id: string, day: number, payback: number, phasing: number, overall: number, pace?: number): PracticeRecord {
  const base = sampleRecord({ id, at: T0 + day * DAY });
  return {
    ...base,
    scorecard: {
      ...base.scorecard!,
      overall,
      criteria: base.scorecard!.criteria.map((c) => ({ ...c, score: c.id === 'payback-case' ? payback : phasing })),
    },
    signals: { ...base.signals, paceWpm: pace, fillersPer100Words: day },
  };
}

function board(id: string, day: number): PracticeRecord {
  const { scorecard: _s, ...rest } = sampleRecord({
    id,
    at: T0 + day * DAY,
    scenario: { id: 'pitch-ai-strategy-to-the-board', title: 'Pitch your AI strategy to the board' },
  });
  return { ...rest, scorecardMissing: 'Nothing was said.', signals: { ...rest.signals, userWords: 0, paceWpm: undefined } };
}

// Stored out of order on purpose: the store lists by time, but the page must not depend on it.
const history = [cfo('c3', 9, 4, 3, 70, 150), board('b1', 5), cfo('c1', 1, 2, 1, 30, 180), cfo('c2', 4, 3, 2, 50)];

describe('the series /progress draws', () => {
  it('lists sessions newest first', () => {
    expect(newestFirst(history).map((r) => r.id)).toEqual(['c3', 'b1', 'c2', 'c1']);
  });

  it('charts the overall score of scored sessions only, oldest first, noting the scenario', () => {
    expect(overallSeries(history).map((p) => [p.id, p.value, p.note])).toEqual([
      ['c1', 30, 'Defend your AI budget to the CFO'],
      ['c2', 50, 'Defend your AI budget to the CFO'],
      ['c3', 70, 'Defend your AI budget to the CFO'],
    ]);
  });

  it('gives each scenario one series per criterion, plus pace and fillers where known; most recent scenario first', () => {
    const [first, second] = scenarioSeries(history);
    expect(first!.id).toBe('defend-ai-budget-to-the-cfo');
    expect(first!.sessions).toBe(3);
    expect(first!.criteria.map((c) => [c.id, c.title, c.points.map((p) => p.value)])).toEqual([
      ['payback-case', 'Payback and unit economics', [2, 3, 4]],
      ['phasing', 'Phasing and stop conditions', [1, 2, 3]],
    ]);
    // c2 has no measured pace: it is left out rather than drawn as 0.
    expect(first!.pace.map((p) => [p.id, p.value])).toEqual([
      ['c1', 180],
      ['c3', 150],
    ]);
    expect(first!.fillers.map((p) => p.value)).toEqual([1, 4, 9]);

    // Practised but never scored, nothing said: no criteria, no pace, no fillers.
    expect(second).toMatchObject({ id: 'pitch-ai-strategy-to-the-board', sessions: 1, criteria: [], pace: [], fillers: [] });
  });

  it('keeps a criterion an older rubric had, after the newest scorecard’s own criteria, named as the newest scorecard names it', () => {
    const old = cfo('o1', 0, 3, 3, 40);
    old.scorecard!.criteria.push({ id: 'credibility', criterion: 'Credibility', weight: 10, score: 2, evidence: [], comment: '' });
    const renamed = cfo('n1', 2, 4, 4, 60);
    renamed.scorecard!.criteria[0]!.criterion = 'Payback';
    const [series] = scenarioSeries([old, renamed]);
    expect(series!.criteria.map((c) => [c.id, c.title, c.points.length])).toEqual([
      ['payback-case', 'Payback', 2],
      ['phasing', 'Phasing and stop conditions', 2],
      ['credibility', 'Credibility', 1],
    ]);
  });
});

describe('chart summaries (each chart’s accessible name)', () => {
  it('lists the values of a short series', () => {
    expect(chartSummary('Evidence-based claims', [2, 3, 4])).toBe('Evidence-based claims: 2, 3, 4 over 3 sessions');
    expect(chartSummary('Overall score', [63])).toBe('Overall score: 63 over 1 session');
  });

  it('summarises a long series', () => {
    const values = [35, ...Array(38).fill(50), 30, 85, 70];
    expect(chartSummary('Overall score', values)).toBe('Overall score over 42 sessions: first 35, latest 70, lowest 30, highest 85');
  });

  it('uses the chart’s number format', () => {
    expect(chartSummary('Speaking pace', [141.6, 150.2], (v) => String(Math.round(v)))).toBe('Speaking pace: 142, 150 over 2 sessions');
  });
});

describe('axes for the signals', () => {
  it('run from 0 to a round number at or above the highest value, with at most five steps', () => {
    expect(zeroBasedAxis([138, 150], 200)).toEqual({ min: 0, max: 200, ticks: [0, 50, 100, 150, 200] });
    expect(zeroBasedAxis([212], 200)).toEqual({ min: 0, max: 250, ticks: [0, 50, 100, 150, 200, 250] });
    expect(zeroBasedAxis([1.2, 3.5], 5)).toEqual({ min: 0, max: 5, ticks: [0, 1, 2, 3, 4, 5] });
    expect(zeroBasedAxis([12.4], 5)).toEqual({ min: 0, max: 15, ticks: [0, 5, 10, 15] });
  });
});

describe('date labels under a chart', () => {
  it('label every point when they fit, otherwise the first, the last and evenly spread ones', () => {
    expect(labelIndices(0, 5)).toEqual([]);
    expect(labelIndices(1, 5)).toEqual([0]);
    expect(labelIndices(4, 5)).toEqual([0, 1, 2, 3]);
    expect(labelIndices(10, 4)).toEqual([0, 3, 6, 9]);
    expect(labelIndices(40, 2.7)).toEqual([0, 39]);
    expect(labelIndices(3, 0.5)).toEqual([0, 2]);
  });

  it('say "6 Oct" within one year and "Oct 2025" across years', () => {
    const oct = Date.UTC(2025, 9, 6, 12);
    expect(axisDateFormatter([oct, oct + 3 * DAY])(oct)).toBe('6 Oct');
    expect(axisDateFormatter([oct, Date.UTC(2026, 0, 8, 12)])(oct)).toBe('Oct 2025');
  });
});

describe('what the page says', () => {
  it('after an import', () => {
    expect(describeImport({ added: 3, skipped: 1 })).toBe('Imported 3 sessions; 1 was already here.');
    expect(describeImport({ added: 1, skipped: 0 })).toBe('Imported 1 session.');
    expect(describeImport({ added: 2, skipped: 2 })).toBe('Imported 2 sessions; 2 were already here.');
    expect(describeImport({ added: 0, skipped: 4 })).toBe('Nothing new: all 4 sessions were already here.');
    expect(describeImport({ added: 0, skipped: 0 })).toBe('The file holds no sessions, so there was nothing to import.');
  });

  it('after a delete', () => {
    expect(describeDeleted({ sessions: 3, keys: [PATH_PROGRESS_KEY, RECAP_CONSENT_KEY] })).toBe(
      'Deleted 3 practice sessions, your learning-path progress and your choice about session recaps. This browser now holds no data from this site.',
    );
    expect(describeDeleted({ sessions: 1, keys: [] })).toBe('Deleted 1 practice session. This browser now holds no data from this site.');
    expect(describeDeleted({ sessions: 0, keys: [] })).toBe('There was nothing to delete. This browser now holds no data from this site.');
  });

  it('durations and the export file name', () => {
    expect(formatDuration(312)).toBe('5 min 12 s');
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(600)).toBe('10 min');
    expect(formatDuration(3720)).toBe('1 h 2 min');
    expect(exportFileName(new Date(2025, 0, 9, 23, 59))).toBe('eatp-history-2025-01-09.json');
  });
});

describe('clearLocalKeys (Delete my data)', () => {
  /** A Storage stand-in: node has no localStorage (the e2e test clears the real one in Chromium). */
  function storage(initial: Record<string, string>) {
    const items = new Map(Object.entries(initial));
    return { items, getItem: (k: string) => items.get(k) ?? null, removeItem: (k: string) => void items.delete(k) };
  }

  it('removes every platform key, reports those that held something, and leaves other sites’ keys alone', () => {
    const s = storage({ [PATH_PROGRESS_KEY]: '{"version":1,"articles":{}}', 'someone-else': 'keep' });
    expect(clearLocalKeys(s)).toEqual([PATH_PROGRESS_KEY]);
    expect([...s.items.keys()]).toEqual(['someone-else']);
    expect(LOCAL_STORAGE_KEYS).toContain(RECAP_CONSENT_KEY);
  });

  it('copes with storage the browser refuses, or none at all', () => {
    const refusing = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(clearLocalKeys(refusing)).toEqual([]);
    expect(clearLocalKeys(undefined)).toEqual([]);
  });
});
