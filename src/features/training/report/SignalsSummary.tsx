/**
 * A finished session's delivery signals (pace, talk ratio, fillers, longest answer, questions), as a static
 * description list: the same words as the Markdown export (`signalLines`). Not the live panel of /coach:
 * nothing here updates.
 */
import type { DeliverySignals } from '../../../lib/training/delivery-signal-types';
import { signalLines } from '../../../lib/training/report-markdown';
import { Heading } from './Heading';

interface Props {
  signals: DeliverySignals;
  headingLevel?: 2 | 3 | 4;
  title?: string;
  idPrefix?: string;
}

export function SignalsSummary({ signals, headingLevel = 2, title = 'How you spoke', idPrefix = 'signals' }: Props) {
  return (
    <section data-testid="signals-summary" aria-labelledby={`${idPrefix}-title`} className="report-keep">
      <Heading level={headingLevel} id={`${idPrefix}-title`} className="font-display text-2xl leading-tight text-ink">
        {title}
      </Heading>
      <p className="mt-1 text-sm text-ink-muted">Counted from your side of the transcript. Signals to notice, not part of the score.</p>
      <dl className="mt-4 grid gap-3 sm:grid-cols-2">
        {signalLines(signals).map((line) => (
          <div key={line.label} data-testid="signal" className="rounded-control border border-line bg-surface px-4 py-3">
            <dt className="text-sm font-medium text-ink-muted">{line.label}</dt>
            <dd className="mt-0.5 break-words text-ink">{line.value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
