/**
 * The charts on /progress: the overall score of every scored session, then for each scenario practised
 * one small chart per rubric criterion and the two delivery signals worth watching over time (speaking
 * pace and fillers per 100 words).
 *
 * Test hooks: chart-overall, scenario-progress (data-scenario-id), chart-criterion (data-criterion-id),
 * chart-signal (data-signal: pace | fillers).
 */
import { LineChart } from './LineChart';
import { formatShortDate } from './progress-copy';
import { OVERALL_AXIS, SCORE_AXIS, formatFillers, formatPace, zeroBasedAxis, type ChartPoint, type ScenarioSeries } from './progress-data';

export function OverallChart({ points }: { points: readonly ChartPoint[] }) {
  if (points.length === 0) {
    return (
      <p className="rounded-card border border-dashed border-line-strong bg-surface-sunken p-5 text-ink-muted">
        None of your sessions has a scorecard yet, so there is no score to chart. Sessions are scored when they end with something said.
      </p>
    );
  }
  return (
    <LineChart
      title="Overall score"
      caption="0–100, weighted by each scenario’s rubric"
      points={points}
      axis={OVERALL_AXIS}
      valueLabel="Overall (0–100)"
      noteLabel="Scenario"
      size="large"
      heading="h3"
      attrs={{ 'data-testid': 'chart-overall' }}
    />
  );
}

export function ScenarioCharts({ scenario }: { scenario: ScenarioSeries }) {
  const headingId = `scenario-${scenario.id}`;
  return (
    <section aria-labelledby={headingId} data-testid="scenario-progress" data-scenario-id={scenario.id} className="mt-10 first:mt-6">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 border-b border-line pb-2">
        <h3 id={headingId} className="font-display text-2xl leading-tight text-ink">
          {scenario.title}
        </h3>
        <p className="text-sm text-ink-muted">
          {scenario.sessions} session{scenario.sessions === 1 ? '' : 's'} · last on {formatShortDate(scenario.lastAt)} ·{' '}
          <a href={`/scenarios/${scenario.id}`} className="font-medium text-accent underline underline-offset-2">
            Practise again<span className="sr-only">: {scenario.title}</span>
          </a>
        </p>
      </div>
      {scenario.criteria.length > 0 ? (
        <div className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {scenario.criteria.map((c) => (
            <LineChart
              key={c.id}
              title={c.title}
              points={c.points}
              axis={SCORE_AXIS}
              valueLabel="Score (1–5)"
              attrs={{ 'data-testid': 'chart-criterion', 'data-criterion-id': c.id }}
            />
          ))}
        </div>
      ) : (
        <p className="mt-4 text-ink-muted">No scored session yet for this scenario, so there are no criterion scores to chart.</p>
      )}
      {(scenario.pace.length > 0 || scenario.fillers.length > 0) && (
        <>
          <p className="mt-6 text-sm font-semibold uppercase tracking-[0.14em] text-highlight">Delivery</p>
          <div className="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {scenario.pace.length > 0 && (
              <LineChart
                title="Speaking pace"
                caption="Words per minute; around 130–160 is easy to follow"
                points={scenario.pace}
                axis={zeroBasedAxis(
                  scenario.pace.map((p) => p.value),
                  200,
                )}
                format={formatPace}
                valueLabel="Words per minute"
                attrs={{ 'data-testid': 'chart-signal', 'data-signal': 'pace' }}
              />
            )}
            {scenario.fillers.length > 0 && (
              <LineChart
                title="Fillers per 100 words"
                caption="“Um”, “you know”, “basically”…; lower is crisper"
                points={scenario.fillers}
                axis={zeroBasedAxis(
                  scenario.fillers.map((p) => p.value),
                  5,
                )}
                format={formatFillers}
                valueLabel="Fillers per 100 words"
                attrs={{ 'data-testid': 'chart-signal', 'data-signal': 'fillers' }}
              />
            )}
          </div>
        </>
      )}
    </section>
  );
}
