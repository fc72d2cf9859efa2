/**
 * The words /progress says: dates and durations of sessions, what an import or a delete did, and the
 * export's file name. Pure functions (unit-tested). Dates are shown in the browser's time zone (the
 * history is the user's own), in the site's British English format.
 */
import type { ImportResult } from '../../../lib/training/history/history-types';
import type { DeletedData } from '../../../lib/training/local-data';
import { PATH_PROGRESS_KEY, RECAP_CONSENT_KEY } from '../../../lib/training/storage-keys';

/** Largest file "Import" reads (checked before reading it into memory). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "24 Nov 2025, 14:05". */
export function formatSessionDate(at: number): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(at);
}

/** "24 Nov" this year, "24 Nov 2024" otherwise (chart axes, "Practised on …"). */
export function formatShortDate(at: number, now: number = Date.now()): string {
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }) }).format(at);
}

/**
 * A chart's date labels: "6 Oct" when every point falls in one year (the table gives the year), otherwise
 * "Oct 2025", so a history spanning New Year reads in order.
 */
export function axisDateFormatter(times: readonly number[]): (at: number) => string {
  const years = new Set(times.map((t) => new Date(t).getFullYear()));
  const format = new Intl.DateTimeFormat('en-GB', years.size <= 1 ? { day: 'numeric', month: 'short' } : { month: 'short', year: 'numeric' });
  return (at) => format.format(at);
}

/** "12 min 5 s", "45 s", "1 h 2 min". */
export function formatDuration(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

/** "Imported 3 sessions; 1 was already here." */
export function describeImport({ added, skipped }: ImportResult): string {
  if (added === 0 && skipped === 0) return 'The file holds no sessions, so there was nothing to import.';
  if (added === 0) return skipped === 1 ? 'Nothing new: that session was already here.' : `Nothing new: all ${skipped} sessions were already here.`;
  const imported = `Imported ${plural(added, 'session')}`;
  if (skipped === 0) return `${imported}.`;
  return `${imported}; ${skipped} ${skipped === 1 ? 'was' : 'were'} already here.`;
}

const KEY_WORDS: Record<string, string> = {
  [PATH_PROGRESS_KEY]: 'your learning-path progress',
  [RECAP_CONSENT_KEY]: 'your choice about session recaps',
};

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** What "Delete my data" removed, then that nothing is left. */
export function describeDeleted({ sessions, keys }: DeletedData): string {
  const parts = [
    ...(sessions > 0 ? [plural(sessions, 'practice session')] : []),
    ...[...new Set(keys.map((k) => KEY_WORDS[k] ?? 'your saved settings'))],
  ];
  const removed = parts.length > 0 ? `Deleted ${list(parts)}.` : 'There was nothing to delete.';
  return `${removed} This browser now holds no data from this site.`;
}

/** `eatp-history-2025-11-24.json`, in the user's local date. */
export function exportFileName(date: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `eatp-history-${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}.json`;
}
