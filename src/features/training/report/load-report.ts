/**
 * Finding the practice record the report page was asked for (`/report?id=…`) in this browser's history, as
 * a value the page can always render: the record, or why there is none (no id, not in this browser, storage
 * unavailable or too slow, data unreadable). Never throws, never hangs: IndexedDB can stall (a blocked
 * open), so the lookup has a time limit.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { HistoryStore, PracticeRecord } from '../../../lib/training/history/history-types';

export type MissingReason = 'no-id' | 'not-found' | 'unavailable' | 'unreadable';

export type ReportLoad = { kind: 'ready'; record: PracticeRecord } | { kind: 'missing'; reason: MissingReason };

export const LOAD_TIMEOUT_MS = 8_000;

/** What each reason tells the user (the page adds links to the history and the scenarios). */
export const MISSING_COPY: Readonly<Record<MissingReason, { title: string; body: string }>> = {
  'no-id': {
    title: 'No report chosen',
    body: 'This page shows the report of one practice session. Open it from your list of sessions, or practise a scenario to get one.',
  },
  'not-found': {
    title: 'We could not find that session',
    body: 'Reports are kept only in the browser where you practised. This one is not here: it may have been deleted, or the link came from another browser or device.',
  },
  unavailable: {
    title: 'Your saved sessions cannot be read here',
    body: 'This browser’s storage is not available (private browsing, or site data blocked), so saved practice sessions cannot be opened on this page.',
  },
  unreadable: {
    title: 'That session could not be read',
    body: 'The saved data for this session is incomplete or from an unknown version, so there is no report to show.',
  },
};

/** Enough of a record's shape to render it (imports are validated, but a store can hold anything). */
function looksLikeRecord(value: unknown): value is PracticeRecord {
  const r = value as Partial<PracticeRecord> | undefined;
  return (
    !!r &&
    typeof r.id === 'string' &&
    typeof r.at === 'number' &&
    typeof r.scenario?.id === 'string' &&
    Array.isArray(r.transcript) &&
    typeof r.signals === 'object' &&
    r.signals !== null &&
    (r.scorecard === undefined || (Array.isArray(r.scorecard.criteria) && Array.isArray(r.scorecard.next?.articles)))
  );
}

export async function loadReport(id: string | null, openStore: () => HistoryStore, timeoutMs = LOAD_TIMEOUT_MS): Promise<ReportLoad> {
  if (!id) return { kind: 'missing', reason: 'no-id' };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('history store timed out')), timeoutMs);
    });
    const found = await Promise.race([openStore().get(id), timeout]);
    if (found === undefined) return { kind: 'missing', reason: 'not-found' };
    return looksLikeRecord(found) ? { kind: 'ready', record: found } : { kind: 'missing', reason: 'unreadable' };
  } catch {
    return { kind: 'missing', reason: 'unavailable' };
  } finally {
    clearTimeout(timer);
  }
}
