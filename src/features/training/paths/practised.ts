/**
 * Which scenarios the practice history holds a session for, and when the newest was: a scenario step of a
 * learning path is done once it has been practised. One history connection per page, opened on first use.
 *
 * Browser-only module.
 */
import { openHistoryStore } from '../../../lib/training/history/history-store';
import type { HistoryStore } from '../../../lib/training/history/history-types';

let store: HistoryStore | undefined;

export interface Practised {
  /** Scenario id → newest session time (epoch ms); scenarios never practised are absent. */
  at: Map<string, number>;
  /** The history could not be read (IndexedDB blocked by the browser's settings). */
  unavailable: boolean;
}

export async function loadPractised(scenarioIds: readonly string[]): Promise<Practised> {
  const ids = [...new Set(scenarioIds)];
  if (ids.length === 0) return { at: new Map(), unavailable: false };
  try {
    store ??= openHistoryStore();
    const history = store;
    const newest = await Promise.all(ids.map(async (id) => [id, (await history.latestFor(id))?.at] as const));
    return { at: new Map(newest.filter((e): e is readonly [string, number] => e[1] !== undefined)), unavailable: false };
  } catch {
    store = undefined;
    return { at: new Map(), unavailable: true };
  }
}
