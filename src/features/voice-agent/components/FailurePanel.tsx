import { CircleAlert } from 'lucide-react';
import type { ApiFailure } from '../../../lib/voice-agent/types/api';
import { describeFailure } from '../utils/describe-failure';
import { describeDuration } from '../utils/format-duration';

interface Props {
  failure: ApiFailure;
  /** Milliseconds until a retry is allowed (rate limit / temporary outage), if the server said. */
  retryInMs?: number;
}

/**
 * An API failure in plain words, with the server's message and code for support. Loaded only when a session
 * could not start; an alert, because the console's status line says no more than that it could not.
 */
export function FailurePanel({ failure, retryInMs }: Props) {
  const copy = describeFailure(failure);
  return (
    <div data-testid="coach-error" role="alert" className="flex gap-3 rounded-control border border-danger/30 bg-danger-soft p-4">
      <CircleAlert size={20} className="mt-0.5 shrink-0 text-danger" aria-hidden="true" />
      <div className="min-w-0 text-sm leading-relaxed">
        <p className="font-semibold text-ink">{copy.title}</p>
        <p className="mt-1 text-ink">{copy.hint}</p>
        {/* Longer waits (a daily budget: hours) are told by the title, in the server's words. */}
        {retryInMs !== undefined && retryInMs > 0 && retryInMs <= 120_000 && (
          <p className="mt-1 font-medium text-ink">You can try again in {describeDuration(retryInMs)}.</p>
        )}
        {copy.serverMessage && <p className="mt-2 text-ink-muted">Server said: “{copy.serverMessage}”</p>}
        {(copy.code || failure.status) && (
          <p className="mt-2 font-mono text-xs text-ink-muted">
            {failure.status ? `HTTP ${failure.status}` : null}
            {failure.status && copy.code ? ' · ' : null}
            {copy.code ?? null}
          </p>
        )}
      </div>
    </div>
  );
}
