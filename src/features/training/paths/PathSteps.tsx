/**
 * A learning path's steps in order on /paths/<slug> (React island, rendered on the server and hydrated by
 * mount-paths.tsx): each step's title and link, length and why it comes there are in the server HTML, so
 * the path reads without JavaScript. Once hydrated, it adds the browser's progress: "3 of 7 done", a
 * "Mark as done" checkbox on each article, and on each scenario whether the history holds a session for it
 * ("Practised on 24 Nov").
 *
 * Test hooks: path-progress, path-steps, path-step (data-kind, data-slug, data-done once known),
 * step-done-toggle, step-status, path-save-failed, path-history-unavailable.
 */
import { BookOpen, Check, Drama, Play } from 'lucide-react';
import type { StepStatus } from '../../../lib/training/path-progress';
import { formatShortDate } from '../progress/progress-copy';
import { ProgressMeter } from './ProgressMeter';
import type { PathStepView, PathStepsProps } from './path-view';
import { usePathProgress } from './use-path-progress';

interface StepProps {
  step: PathStepView;
  index: number;
  status?: StepStatus;
  onToggle(slug: string, done: boolean): void;
}

function Step({ step, index, status, onToggle }: StepProps) {
  const done = status?.done ?? false;
  const article = step.kind === 'article';
  const Icon = article ? BookOpen : Drama;
  return (
    <li
      data-testid="path-step"
      data-kind={step.kind}
      data-slug={step.slug}
      data-done={status ? String(done) : undefined}
      className="group relative flex gap-4 pb-8 last:pb-0"
    >
      {/* The line joining the step markers (decorative). */}
      <span aria-hidden="true" className="absolute top-10 bottom-0 left-[1.1875rem] w-px bg-line group-last:hidden" />
      <span
        aria-hidden="true"
        className={`relative z-10 flex h-10 w-10 shrink-0 items-center justify-center rounded-full border text-sm font-semibold ${
          done ? 'border-success bg-success text-white' : 'border-line-strong bg-surface text-ink'
        }`}
      >
        {done ? <Check size={18} /> : index + 1}
      </span>
      <div className="min-w-0 flex-1 rounded-card border border-line bg-surface p-5 shadow-card">
        <p className="flex items-center gap-1.5 text-xs font-semibold uppercase tracking-[0.12em] text-highlight">
          <Icon size={14} aria-hidden="true" />
          {article ? `Read · ${step.minutes} min` : `Practise · ${step.minutes} min`}
        </p>
        <h3 className="mt-2 font-display text-xl leading-snug text-ink">
          <a href={step.href} className="rounded-sm underline-offset-4 hover:text-accent hover:underline">
            {step.title}
          </a>
        </h3>
        <p className="mt-2 leading-relaxed text-ink-muted">{step.why}</p>
        <div className="mt-4 flex flex-wrap items-center gap-x-5 gap-y-3">
          {article ? (
            status && (
              <label className="inline-flex cursor-pointer items-center gap-2 text-sm font-medium text-ink">
                <input
                  type="checkbox"
                  data-testid="step-done-toggle"
                  checked={done}
                  onChange={(event) => onToggle(step.slug, event.currentTarget.checked)}
                  className="h-4 w-4 accent-accent"
                />
                Mark as done<span className="sr-only">: {step.title}</span>
              </label>
            )
          ) : (
            <>
              {step.startHref && (
                <a
                  href={step.startHref}
                  className="inline-flex items-center gap-2 rounded-control bg-accent px-3.5 py-2 text-sm font-semibold text-accent-ink shadow-sm hover:bg-accent-hover"
                >
                  <Play size={14} aria-hidden="true" />
                  {done ? 'Practise again' : 'Start this scenario'}
                  <span className="sr-only">: {step.title}</span>
                </a>
              )}
              {status && (
                <p data-testid="step-status" className={`text-sm ${done ? 'font-medium text-success' : 'text-ink-muted'}`}>
                  {done && status.at !== undefined ? `Practised on ${formatShortDate(status.at)}` : 'Not practised yet'}
                </p>
              )}
            </>
          )}
        </div>
      </div>
    </li>
  );
}

export default function PathSteps({ title, steps }: PathStepsProps) {
  const { ready, statuses, done, total, toggleArticle, saveFailed, historyUnavailable } = usePathProgress(steps);
  return (
    <section aria-labelledby="path-steps-title">
      <div className="flex flex-wrap items-center justify-between gap-x-6 gap-y-3 border-b border-line pb-4">
        <h2 id="path-steps-title" className="font-display text-3xl leading-tight text-ink">
          The steps
        </h2>
        <div className="w-full sm:w-72">
          {ready ? (
            <ProgressMeter title={title} done={done} total={total} testId="path-progress" />
          ) : (
            <p className="text-sm text-ink-muted sm:text-right">{total} steps, in order. Your progress is kept in this browser.</p>
          )}
        </div>
      </div>
      {saveFailed && (
        <p data-testid="path-save-failed" role="alert" className="mt-4 rounded-control border border-warning/30 bg-warning-soft p-3 text-sm text-ink">
          This browser did not let the site save your progress (storage may be disabled or full), so it will be forgotten when you leave the page.
        </p>
      )}
      {historyUnavailable && (
        <p data-testid="path-history-unavailable" className="mt-4 rounded-control border border-warning/30 bg-warning-soft p-3 text-sm text-ink">
          This browser does not let the site read your practice history, so practised scenarios cannot be shown as done.
        </p>
      )}
      <ol data-testid="path-steps" className="mt-6">
        {steps.map((step, index) => (
          <Step key={`${step.kind}:${step.slug}`} step={step} index={index} status={ready ? statuses[index] : undefined} onToggle={toggleArticle} />
        ))}
      </ol>
    </section>
  );
}
