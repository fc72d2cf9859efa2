/**
 * From the practice history to what /progress draws: the overall score over time, and for each scenario
 * practised one series per rubric criterion (score 1–5) plus the delivery signals worth watching (pace,
 * fillers per 100 words). Also the axis ranges and the one-sentence summary each chart carries as its
 * accessible name. Pure functions (unit-tested), no React, no IndexedDB.
 */
import type { PracticeRecord } from '../../../lib/training/history/history-types';

export interface ChartPoint {
  /** The session's record id (the report link) and time. */
  id: string;
  at: number;
  value: number;
  /** What the point is (the scenario's title, on the overall chart). */
  note?: string;
}

export interface CriterionSeries {
  id: string;
  /** The criterion's name as the newest scorecard gives it. */
  title: string;
  points: ChartPoint[];
}

export interface ScenarioSeries {
  id: string;
  title: string;
  /** Sessions of this scenario, scored or not. */
  sessions: number;
  /** The newest session's time. */
  lastAt: number;
  /** In the newest scorecard's order; criteria that only older scorecards had come after. */
  criteria: CriterionSeries[];
  pace: ChartPoint[];
  fillers: ChartPoint[];
}

const byTime = (a: PracticeRecord, b: PracticeRecord) => a.at - b.at || a.id.localeCompare(b.id);

/** Newest first (the history list). */
export function newestFirst(records: readonly PracticeRecord[]): PracticeRecord[] {
  return [...records].sort((a, b) => byTime(b, a));
}

/** Overall score (0–100) of every scored session, oldest first. */
export function overallSeries(records: readonly PracticeRecord[]): ChartPoint[] {
  return [...records].sort(byTime).flatMap((r) => (r.scorecard ? [{ id: r.id, at: r.at, value: r.scorecard.overall, note: r.scenario.title }] : []));
}

/** One entry per scenario practised, the most recently practised first. */
export function scenarioSeries(records: readonly PracticeRecord[]): ScenarioSeries[] {
  const groups = new Map<string, PracticeRecord[]>();
  for (const record of [...records].sort(byTime)) {
    const list = groups.get(record.scenario.id);
    if (list) list.push(record);
    else groups.set(record.scenario.id, [record]);
  }
  const out: ScenarioSeries[] = [];
  for (const [id, sessions] of groups) {
    const newest = sessions.at(-1)!;
    const criteria = new Map<string, CriterionSeries>();
    // Newest scorecard first, so its order and names win; points are added oldest first below.
    for (const record of [...sessions].reverse()) {
      for (const c of record.scorecard?.criteria ?? []) if (!criteria.has(c.id)) criteria.set(c.id, { id: c.id, title: c.criterion, points: [] });
    }
    for (const record of sessions) {
      for (const c of record.scorecard?.criteria ?? []) criteria.get(c.id)!.points.push({ id: record.id, at: record.at, value: c.score });
    }
    const signal = (pick: (r: PracticeRecord) => number | undefined): ChartPoint[] =>
      sessions.flatMap((r) => {
        const value = pick(r);
        return value === undefined || !Number.isFinite(value) ? [] : [{ id: r.id, at: r.at, value }];
      });
    out.push({
      id,
      title: newest.scenario.title,
      sessions: sessions.length,
      lastAt: newest.at,
      criteria: [...criteria.values()],
      pace: signal((r) => r.signals?.paceWpm),
      // Fillers per 100 words mean nothing when nothing was said.
      fillers: signal((r) => ((r.signals?.userWords ?? 0) > 0 ? r.signals.fillersPer100Words : undefined)),
    });
  }
  return out.sort((a, b) => b.lastAt - a.lastAt);
}

export interface Axis {
  min: number;
  max: number;
  ticks: number[];
}

export const SCORE_AXIS: Axis = { min: 1, max: 5, ticks: [1, 2, 3, 4, 5] };
export const OVERALL_AXIS: Axis = { min: 0, max: 100, ticks: [0, 25, 50, 75, 100] };

const STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500];

/** 0 to a round number at or above both `value` and `floor`, with at most five intervals. */
export function zeroBasedAxis(values: readonly number[], floor: number): Axis {
  const top = Math.max(floor, ...values);
  const step = STEPS.find((s) => top / s <= 5) ?? Math.ceil(top / 5);
  const max = Math.ceil(top / step) * step;
  const ticks: number[] = [];
  for (let t = 0; t <= max; t += step) ticks.push(t);
  return { min: 0, max, ticks };
}

/** Values listed in full up to this many points; beyond, the summary gives first, latest, lowest and highest. */
const LIST_LIMIT = 12;

/**
 * The chart's accessible name: "Evidence-based claims: 2, 3, 4 over 3 sessions"; for long series
 * "Overall score over 40 sessions: first 35, latest 70, lowest 30, highest 85".
 */
export function chartSummary(title: string, values: readonly number[], format: (v: number) => string = String): string {
  const n = values.length;
  const sessions = `${n} session${n === 1 ? '' : 's'}`;
  if (n === 0) return `${title}: no sessions yet`;
  if (n <= LIST_LIMIT) return `${title}: ${values.map(format).join(', ')} over ${sessions}`;
  const low = Math.min(...values);
  const high = Math.max(...values);
  return `${title} over ${sessions}: first ${format(values[0]!)}, latest ${format(values.at(-1)!)}, lowest ${format(low)}, highest ${format(high)}`;
}

/**
 * Which of `n` evenly spaced points get a date label when at most `max` fit: all of them, or the first, the
 * last and evenly spread ones between (never two neighbours that would collide).
 */
export function labelIndices(n: number, max: number): number[] {
  if (n <= 0) return [];
  if (n === 1) return [0];
  const slots = Math.max(2, Math.floor(max));
  if (n <= slots) return Array.from({ length: n }, (_, i) => i);
  const out = new Set<number>();
  for (let k = 0; k < slots; k++) out.add(Math.round((k * (n - 1)) / (slots - 1)));
  return [...out].sort((a, b) => a - b);
}

export const formatPace = (wpm: number) => `${Math.round(wpm)}`;
export const formatFillers = (per100: number) => (Math.round(per100 * 10) / 10).toString();
