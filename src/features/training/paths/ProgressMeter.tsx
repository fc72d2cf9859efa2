/**
 * "3 of 7 done" with a bar: a path's completion, on its /paths card and at the top of its steps.
 * A `role="progressbar"` named after the path, so a screen reader hears which path it measures.
 */
import { progressLabel } from '../../../lib/training/path-progress';

interface Props {
  title: string;
  done: number;
  total: number;
  testId: string;
}

export function ProgressMeter({ title, done, total, testId }: Props) {
  const label = progressLabel(done, total);
  const complete = total > 0 && done === total;
  return (
    <div className="flex items-center gap-3">
      <div
        role="progressbar"
        aria-label={`${title}: progress`}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={label}
        className="h-2 min-w-24 flex-1 overflow-hidden rounded-full bg-surface-sunken ring-1 ring-line ring-inset"
      >
        <div
          className={`h-full rounded-full ${complete ? 'bg-success' : 'bg-accent'}`}
          style={{ width: `${total > 0 ? (100 * done) / total : 0}%` }}
        />
      </div>
      <p data-testid={testId} className="shrink-0 text-sm font-medium tabular-nums text-ink">
        {complete ? `All ${total} done` : label}
      </p>
    </div>
  );
}
