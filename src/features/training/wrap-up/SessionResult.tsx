/**
 * What the console shows once a practice session is over: "Preparing your scorecard…" while the server
 * grades, then the scorecard (loaded on demand: it is not part of /coach's first paint) with links to the
 * full report and the progress page; or, when there is no scorecard, why, and that the session was kept.
 *
 * Test hooks: session-result (data-state: grading | scored | unscored | nothing-said), report-link,
 * session-result-unsaved.
 */
import { lazy, Suspense } from 'react';
import { LoaderCircle } from 'lucide-react';
import type { WrapUpResult } from './wrap-up-session';

const ScorecardView = lazy(() => import('../report/ScorecardView').then((m) => ({ default: m.ScorecardView })));

export type WrapUpState = { phase: 'grading' } | { phase: 'done'; result: WrapUpResult };

export interface ContentTitles {
  articles: Record<string, string>;
  scenarios: Record<string, string>;
}

interface Props {
  state: WrapUpState;
  titles: ContentTitles;
}

const linkClass = 'font-medium text-accent underline underline-offset-2';

export function SessionResult({ state, titles }: Props) {
  if (state.phase === 'grading') {
    return (
      <p data-testid="session-result" data-state="grading" role="status" className="flex items-center gap-2 rounded-control border border-line p-4 text-ink-muted">
        <LoaderCircle size={18} className="animate-spin motion-reduce:animate-none" aria-hidden="true" />
        Preparing your scorecard…
      </p>
    );
  }
  const { result } = state;
  if (result.kind === 'nothing-said') {
    return (
      <p data-testid="session-result" data-state="nothing-said" className="rounded-control border border-line p-4 text-sm text-ink-muted">
        Nothing was said in this session, so there is nothing to score. Start a new session when you are ready.
      </p>
    );
  }
  const { record, saved } = result;
  const links = (
    <p className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
      {saved && (
        <a data-testid="report-link" href={`/report?id=${encodeURIComponent(record.id)}`} className={linkClass}>
          Open the full report (print or Markdown)
        </a>
      )}
      <a href="/progress" className={linkClass}>
        See your progress
      </a>
    </p>
  );
  return (
    <section
      data-testid="session-result"
      data-state={record.scorecard ? 'scored' : 'unscored'}
      aria-labelledby="session-result-title"
      className="space-y-4 rounded-control border border-line p-4"
    >
      <h3 id="session-result-title" className="font-display text-xl text-ink">
        How it went: {record.scenario.title}
      </h3>
      {!saved && (
        <p data-testid="session-result-unsaved" role="alert" className="rounded-control bg-warning-soft p-3 text-sm text-ink">
          This browser did not let us keep the session in your history (private browsing or storage turned off), so the
          report and progress pages will not show it.
        </p>
      )}
      {record.scorecard ? (
        <Suspense fallback={<p className="text-ink-muted">Loading the scorecard…</p>}>
          <ScorecardView scorecard={record.scorecard} articleTitles={titles.articles} scenarioTitles={titles.scenarios} headingLevel={4} />
        </Suspense>
      ) : (
        <p className="text-sm text-ink">{record.scorecardMissing} Your transcript and delivery signals were kept.</p>
      )}
      {links}
    </section>
  );
}
