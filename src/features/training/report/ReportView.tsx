/**
 * The report page's island (`/report?id=…`): one practice session from this browser's history, with its
 * header (scenario, date, mode, duration), the scorecard (or why there is none), the delivery signals and the
 * full transcript, plus "Print or save as PDF", "Download Markdown" and "All sessions". When there is nothing
 * to show (no id, unknown id, storage unavailable) it says so with a way on; the page is never blank.
 *
 * The server renders the first state (loading, or "no report chosen" without an id); the record itself is
 * read in the browser, because it only exists there.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { Download, History, Printer } from 'lucide-react';
import { useEffect, useState } from 'react';
import { openHistoryStore } from '../../../lib/training/history/history-store';
import type { PracticeRecord } from '../../../lib/training/history/history-types';
import {
  MODE_LABELS,
  formatDuration,
  formatReportDate,
  practiceReportMarkdown,
  reportFileName,
  scenarioHref,
  titleOf,
} from '../../../lib/training/report-markdown';
import { MISSING_COPY, loadReport, type ReportLoad } from './load-report';
import { ScorecardView } from './ScorecardView';
import { SignalsSummary } from './SignalsSummary';
import { TranscriptList } from './TranscriptList';

/** Id of the element on /report that holds the server-rendered ReportView and gets hydrated. */
export const REPORT_ROOT_ID = 'report-root';

export interface ReportViewProps {
  /** `?id=` as the server read it (null when absent). */
  id: string | null;
  articleTitles: Readonly<Record<string, string>>;
  scenarioTitles: Readonly<Record<string, string>>;
  /** What the coach's turns are labelled per scenario ("Counterpart" in a role-play, "Coach" otherwise). */
  assistantNames: Readonly<Record<string, string>>;
}

type State = { kind: 'loading' } | ReportLoad;

const SITE_NAME = 'Executive AI Training Platform';
const action =
  'inline-flex items-center justify-center gap-2 rounded-control px-4 py-2.5 text-sm font-semibold whitespace-nowrap transition-colors';
const primary = `${action} bg-accent text-accent-ink shadow-sm hover:bg-accent-hover`;
const secondary = `${action} border border-line-strong bg-surface text-ink hover:bg-surface-sunken`;
const textLink = 'font-medium text-accent underline underline-offset-2';

export function ReportView(props: ReportViewProps) {
  const [state, setState] = useState<State>(() => (props.id ? { kind: 'loading' } : { kind: 'missing', reason: 'no-id' }));

  useEffect(() => {
    if (!props.id) return;
    let live = true;
    void loadReport(props.id, openHistoryStore).then((result) => {
      if (live) setState(result);
    });
    return () => {
      live = false;
    };
  }, [props.id]);

  useEffect(() => {
    // The title names the session: it heads the printed page and becomes the PDF's suggested file name.
    if (state.kind === 'ready') {
      const { record } = state;
      document.title = `Practice report: ${record.scenario.title}, ${formatReportDate(record.at)} · ${SITE_NAME}`;
    }
  }, [state]);

  if (state.kind === 'loading') {
    return (
      <div data-testid="report-loading" className="mx-auto max-w-4xl px-4 py-12 sm:px-6 md:py-16">
        <p className="text-sm font-semibold uppercase tracking-[0.14em] text-highlight">Practice report</p>
        <h1 className="mt-2 font-display text-4xl leading-tight text-ink">Your practice report</h1>
        <p role="status" className="mt-4 text-ink-muted">
          Opening the session saved in this browser…
        </p>
      </div>
    );
  }
  if (state.kind === 'missing') return <MissingReport reason={state.reason} />;
  return <Report record={state.record} {...props} />;
}

function MissingReport({ reason }: { reason: keyof typeof MISSING_COPY }) {
  const copy = MISSING_COPY[reason];
  return (
    <div data-testid="report-missing" data-reason={reason} className="mx-auto max-w-4xl px-4 py-12 sm:px-6 md:py-16">
      <p className="text-sm font-semibold uppercase tracking-[0.14em] text-highlight">Practice report</p>
      <h1 className="mt-2 font-display text-4xl leading-tight text-ink">{copy.title}</h1>
      <p className="mt-4 max-w-2xl text-lg leading-relaxed text-ink-muted">{copy.body}</p>
      <ul className="mt-8 flex flex-wrap gap-3">
        <li>
          <a href="/progress" className={primary}>
            <History size={16} aria-hidden="true" />
            Your practice sessions
          </a>
        </li>
        <li>
          <a href="/scenarios" className={secondary}>
            Choose a scenario
          </a>
        </li>
      </ul>
    </div>
  );
}

function Report({ record, articleTitles, scenarioTitles, assistantNames }: { record: PracticeRecord } & ReportViewProps) {
  const title = record.scenario.title || titleOf(scenarioTitles, record.scenario.id);
  const when = formatReportDate(record.at);
  const siteUrl = typeof window === 'undefined' ? undefined : window.location.origin;

  const download = () => {
    const markdown = practiceReportMarkdown(record, { articleTitles, scenarioTitles, assistantNames, siteUrl });
    const url = URL.createObjectURL(new Blob([markdown], { type: 'text/markdown;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = reportFileName(record);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
  };

  return (
    <article data-testid="report" data-record-id={record.id} aria-labelledby="report-title" className="mx-auto max-w-4xl px-4 py-10 sm:px-6 md:py-14">
      <header className="border-b border-line pb-8">
        <p className="text-sm font-semibold uppercase tracking-[0.14em] text-highlight">Practice report</p>
        <h1 id="report-title" className="mt-2 font-display text-3xl leading-tight break-words text-ink sm:text-4xl">
          {title}
        </h1>
        <dl className="mt-5 grid gap-x-8 gap-y-2 text-sm sm:grid-cols-[auto_auto_auto] sm:justify-start">
          <div className="flex gap-1.5">
            <dt className="font-medium text-ink-muted">Date:</dt>
            <dd data-testid="report-date" className="text-ink">
              <time dateTime={new Date(record.at).toISOString()}>{when}</time>
            </dd>
          </div>
          <div className="flex gap-1.5">
            <dt className="font-medium text-ink-muted">Mode:</dt>
            <dd className="text-ink">{MODE_LABELS[record.mode] ?? record.mode}</dd>
          </div>
          <div className="flex gap-1.5">
            <dt className="font-medium text-ink-muted">Duration:</dt>
            <dd className="text-ink">{formatDuration(record.durationSeconds)}</dd>
          </div>
        </dl>
        <p className="mt-3 text-sm" data-print-hide="">
          <a href={scenarioHref(record.scenario.id)} className={textLink}>
            Read the scenario’s brief
          </a>
        </p>
        <div data-testid="report-actions" data-print-hide="" className="mt-6 flex flex-wrap gap-3">
          <button type="button" data-testid="report-print" className={primary} onClick={() => window.print()}>
            <Printer size={16} aria-hidden="true" />
            Print or save as PDF
          </button>
          <button type="button" data-testid="report-download" className={secondary} onClick={download}>
            <Download size={16} aria-hidden="true" />
            Download Markdown
          </button>
          <a href="/progress" className={secondary}>
            <History size={16} aria-hidden="true" />
            All sessions
          </a>
        </div>
      </header>

      <div className="mt-10 space-y-12">
        {record.scorecard ? (
          <ScorecardView scorecard={record.scorecard} headingLevel={2} articleTitles={articleTitles} scenarioTitles={scenarioTitles} siteUrl={siteUrl} />
        ) : (
          <section aria-labelledby="no-scorecard-title" data-testid="report-no-scorecard">
            <h2 id="no-scorecard-title" className="font-display text-2xl leading-tight text-ink">
              No scorecard for this session
            </h2>
            <p className="mt-2 max-w-2xl leading-relaxed text-ink">{record.scorecardMissing ?? 'This session was not scored.'}</p>
            <p className="mt-2 text-sm text-ink-muted">The signals and the transcript below are still yours to review.</p>
          </section>
        )}

        <SignalsSummary signals={record.signals} headingLevel={2} />

        <TranscriptList turns={record.transcript} assistantName={assistantNames[record.scenario.id] ?? 'Coach'} />
      </div>
    </article>
  );
}
