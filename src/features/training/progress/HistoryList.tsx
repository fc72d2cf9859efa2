/**
 * The user's practice sessions, newest first: when, which scenario, in which mode, the overall score (or
 * why there is none), how long, and the way to the full report (`/report?id=<record id>`). Long histories
 * show the newest 20 and grow on request, so the page stays quick with hundreds of sessions.
 *
 * Test hooks: history-list, history-item (data-record-id), history-more.
 */
import { useState } from 'react';
import { FileText } from 'lucide-react';
import type { PracticeRecord } from '../../../lib/training/history/history-types';
import { MODE_COPY } from '../../voice-agent/utils/mode-copy';
import { formatDuration, formatSessionDate } from './progress-copy';

const PAGE = 20;

export function reportHref(id: string): string {
  return `/report?id=${encodeURIComponent(id)}`;
}

function Score({ record }: { record: PracticeRecord }) {
  if (!record.scorecard) {
    return (
      <p className="text-sm text-ink-muted" title={record.scorecardMissing}>
        Not scored
      </p>
    );
  }
  return (
    <p className="text-right">
      <span className="font-display text-2xl tabular-nums text-ink" data-testid="history-score">
        {record.scorecard.overall}
      </span>
      <span className="text-sm text-ink-muted">/100</span>
    </p>
  );
}

export function HistoryList({ records }: { records: readonly PracticeRecord[] }) {
  const [shown, setShown] = useState(PAGE);
  const visible = records.slice(0, shown);
  return (
    <>
      <ul data-testid="history-list" className="divide-y divide-line rounded-card border border-line bg-surface shadow-card">
        {visible.map((r) => {
          const when = formatSessionDate(r.at);
          return (
            <li
              key={r.id}
              data-testid="history-item"
              data-record-id={r.id}
              className="flex flex-col gap-3 p-4 sm:flex-row sm:items-center sm:gap-6 sm:px-5"
            >
              <div className="min-w-0 sm:flex-1">
                <p className="font-semibold text-ink">{r.scenario.title}</p>
                <p className="mt-0.5 text-sm text-ink-muted">
                  <time dateTime={new Date(r.at).toISOString()} className="whitespace-nowrap">
                    {when}
                  </time>{' '}
                  · {MODE_COPY[r.mode]?.label ?? r.mode} · <span className="whitespace-nowrap">{formatDuration(r.durationSeconds)}</span>
                </p>
                {!r.scorecard && r.scorecardMissing && <p className="mt-1 text-sm text-ink-muted">{r.scorecardMissing}</p>}
              </div>
              <div className="flex items-center justify-between gap-4 sm:justify-end">
                <Score record={r} />
                <a
                  href={reportHref(r.id)}
                  className="inline-flex items-center gap-1.5 rounded-control border border-line-strong px-3 py-2 text-sm font-semibold text-ink hover:bg-surface-sunken"
                >
                  <FileText size={16} aria-hidden="true" />
                  Report
                  <span className="sr-only">
                    : {r.scenario.title}, {when}
                  </span>
                </a>
              </div>
            </li>
          );
        })}
      </ul>
      {records.length > shown && (
        <button
          type="button"
          data-testid="history-more"
          onClick={() => setShown((n) => n + PAGE * 5)}
          className="mt-4 rounded-control border border-line-strong bg-surface px-4 py-2.5 text-sm font-semibold text-ink hover:bg-surface-sunken"
        >
          Show more ({records.length - shown} older)
        </button>
      )}
    </>
  );
}
