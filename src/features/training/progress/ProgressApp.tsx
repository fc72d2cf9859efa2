/**
 * /progress (React island, hydrated by mount-progress-app.tsx): the practice history this browser keeps in
 * IndexedDB, read on load. The server renders the loading state (it cannot see the history); once
 * hydrated it shows the overall score over time, the sessions newest first, each scenario's criteria and
 * delivery signals over time, and the data controls (export, import, delete).
 *
 * Test hooks: progress-loading, progress-empty, progress-unavailable, and those of the children.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Drama } from 'lucide-react';
import { openHistoryStore } from '../../../lib/training/history/history-store';
import type { HistoryStore, PracticeRecord } from '../../../lib/training/history/history-types';
import { DataControls } from './DataControls';
import { HistoryList } from './HistoryList';
import { OverallChart, ScenarioCharts } from './ProgressCharts';
import { newestFirst, overallSeries, scenarioSeries } from './progress-data';

type Load = { phase: 'loading' } | { phase: 'ready'; records: PracticeRecord[] } | { phase: 'unavailable' };

function Section({ id, title, intro, children }: { id: string; title: string; intro?: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="mt-12 first:mt-0">
      <h2 id={id} className="font-display text-3xl leading-tight text-ink">
        {title}
      </h2>
      {intro && <p className="mt-2 max-w-3xl text-ink-muted">{intro}</p>}
      <div className="mt-5">{children}</div>
    </section>
  );
}

function EmptyState() {
  return (
    <div data-testid="progress-empty" className="rounded-card border border-dashed border-line-strong bg-surface-sunken p-6 sm:p-8">
      <Drama size={28} className="text-ink-muted" aria-hidden="true" />
      <p className="mt-3 text-lg text-ink">No practice sessions in this browser yet.</p>
      <p className="mt-2 max-w-2xl text-ink-muted">
        When a session ends, its scorecard and delivery signals are kept here, and this page charts how each part of your performance changes over
        time.{' '}
        <a href="/scenarios" className="font-medium text-accent underline underline-offset-2">
          Choose a scenario to practise
        </a>
        , or import a history file you exported before.
      </p>
    </div>
  );
}

export default function ProgressApp() {
  const [load, setLoad] = useState<Load>({ phase: 'loading' });
  // Opened on first use, in the browser only (the server renders the loading state).
  const storeRef = useRef<HistoryStore | null>(null);
  const store = useCallback(() => (storeRef.current ??= openHistoryStore()), []);

  const reload = useCallback(async () => {
    try {
      setLoad({ phase: 'ready', records: await store().list() });
    } catch {
      setLoad({ phase: 'unavailable' });
    }
  }, [store]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const records = load.phase === 'ready' ? load.records : [];
  const view = useMemo(() => ({ newest: newestFirst(records), overall: overallSeries(records), scenarios: scenarioSeries(records) }), [records]);

  if (load.phase === 'loading') {
    return (
      <p data-testid="progress-loading" className="text-ink-muted">
        Loading your practice history from this browser…
      </p>
    );
  }

  let content: ReactNode;
  if (load.phase === 'unavailable') {
    content = (
      <p data-testid="progress-unavailable" role="alert" className="rounded-control border border-warning/30 bg-warning-soft p-4 text-ink">
        This browser does not let the site keep a practice history (private browsing or strict privacy settings can block it), so there is nothing to
        show.
      </p>
    );
  } else if (records.length === 0) {
    content = <EmptyState />;
  } else {
    content = (
      <>
        <Section id="over-time" title="Your scores over time">
          <OverallChart points={view.overall} />
        </Section>
        <Section
          id="sessions"
          title="Your sessions"
          intro={`${records.length} session${records.length === 1 ? '' : 's'}, newest first. Each report has the scorecard, the evidence and the transcript.`}
        >
          <HistoryList records={view.newest} />
        </Section>
        <Section
          id="by-scenario"
          title="By scenario"
          intro="Each rubric criterion scored 1 to 5, session by session, and how your delivery is changing."
        >
          {view.scenarios.map((s) => (
            <ScenarioCharts key={s.id} scenario={s} />
          ))}
        </Section>
      </>
    );
  }

  // The controls stay at the same place in the tree whatever the history holds, so their messages
  // ("Imported 3 sessions", "Deleted …") survive the re-read that follows an import or a delete.
  return (
    <>
      <div>{content}</div>
      <div className="mt-12">
        <Section
          id="your-data"
          title="Your data"
          intro="Everything on this page lives in this browser only. No account, and nothing is sent to our server."
        >
          <DataControls count={records.length} store={store} onChanged={reload} />
        </Section>
      </div>
    </>
  );
}
