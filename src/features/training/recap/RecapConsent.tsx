/**
 * "Let the coach pick up where we left off": shown on /coach when this browser holds a scored previous session
 * in the same scenario. It says exactly what the coach will be told. The choice is remembered; changing it
 * before talking replaces the page's unused session, so the new choice applies to this conversation.
 *
 * Test hooks: recap-consent (the checkbox), recap-summary.
 */
import { useEffect, useId, useState } from 'react';
import { History } from 'lucide-react';
import { hasRecapFor, recapConsentGiven, setRecapConsent } from '../../../lib/training/recap-index';
import type { PreviousRecap } from './recap-source';

interface Props {
  scenarioId: string;
  /** The user changed their mind (after the choice was saved). */
  onChange: (given: boolean) => void;
  /** While talking the choice cannot change this session any more. */
  locked: boolean;
}

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });

export function RecapConsent({ scenarioId, onChange, locked }: Props) {
  const [previous, setPrevious] = useState<PreviousRecap | undefined>();
  const [given, setGiven] = useState(false);
  const id = useId();

  useEffect(() => {
    // Nothing to offer (by the index): no IndexedDB opened, no history code loaded.
    if (!hasRecapFor(scenarioId)) return;
    let cancelled = false;
    void import('./recap-source')
      .then((m) => m.previousRecap(scenarioId))
      .then((found) => {
        if (cancelled) return;
        setPrevious(found);
        setGiven(recapConsentGiven());
      });
    return () => {
      cancelled = true;
    };
  }, [scenarioId]);

  if (!previous) return null;

  const toggle = (next: boolean) => {
    setGiven(next);
    setRecapConsent(next);
    onChange(next);
  };

  return (
    <div className="rounded-control border border-line bg-surface-sunken p-4 text-sm">
      <div className="flex items-start gap-3">
        <input
          id={id}
          type="checkbox"
          data-testid="recap-consent"
          className="mt-1 size-4 shrink-0 accent-accent"
          checked={given}
          disabled={locked}
          aria-describedby={`${id}-summary`}
          onChange={(event) => toggle(event.currentTarget.checked)}
        />
        <div>
          <label htmlFor={id} className="inline-flex items-center gap-1.5 font-semibold text-ink">
            <History size={16} aria-hidden="true" />
            Let the coach pick up from my last session ({dateFormat.format(previous.at)})
          </label>
          <p id={`${id}-summary`} data-testid="recap-summary" className="mt-1 leading-relaxed text-ink-muted">
            The coach will be told: “{previous.summary}” It is sent with your next session request and kept for that session only.
            {locked ? ' Your choice applies from your next session.' : ''}
          </p>
        </div>
      </div>
    </div>
  );
}
