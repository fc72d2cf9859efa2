/**
 * What a metered session adds to the console (issue 8), loaded only for sessions the server meters:
 * - while it runs, a small usage line ("≈ $0.42 · 6 min"; the tooltip says the cost is an estimate);
 * - shortly before the server's end, a calm notice ("One minute left — this session ends at its
 *   30-minute limit."), announced politely: the live region is on the page before the notice enters it;
 * - once the server has ended it, its reason and the conversation, kept on screen.
 *
 * Test hooks: session-usage, session-limit-warning (inside session-limit-live), session-ended-notice
 * (data-reason), and TranscriptView's voice-* inside session-ended.
 */
import { useEffect, useState } from 'react';
import { Clock } from 'lucide-react';
import { usageLine, usageTitle, warningNotice } from '../../../lib/voice-agent/metering/meter-copy';
import type { MeterView, ServerEnded } from '../../../lib/voice-agent/metering/meter-view';
import type { TranscriptTurn } from '../../../lib/voice-agent/realtime/transcript-state';
import { useNow } from '../hooks/use-now';
import { TranscriptView } from './TranscriptView';

interface Props {
  /** The server's meter while the voice is live. */
  meter?: MeterView;
  /** The server ended the session: shown with its reason. */
  ended?: ServerEnded;
  /** The conversation to keep on screen once the session is over (the live panel is gone by then). */
  keptTurns?: readonly TranscriptTurn[];
  asText: () => string;
}

export default function MeteredSession({ meter, ended, keptTurns, asText }: Props) {
  if (ended) {
    return (
      <div data-testid="session-ended" className="space-y-4">
        <p data-testid="session-ended-notice" data-reason={ended.reason ?? ''} className="rounded-control border border-line bg-accent-soft p-3 text-sm text-ink">
          {ended.message} The conversation so far is kept{keptTurns ? ' below' : ''}.
        </p>
        {keptTurns && <TranscriptView turns={keptTurns} asText={asText} />}
      </div>
    );
  }
  return meter ? <MeterLine meter={meter} /> : null;
}

function MeterLine({ meter }: { meter: MeterView }) {
  const line = usageLine(meter);
  const now = useNow(meter.endsAtLocal !== undefined);
  const endsAt = meter.endsAtLocal ?? 0;
  const current = meter.endsAtLocal !== undefined ? warningNotice(meter, endsAt - now) : undefined;
  // Said once, in the words it first had (a live region that changed every second would keep talking);
  // said afresh only if the server moves the end (a few seconds of clock correction is not a move).
  const [said, setSaid] = useState<{ endsAt: number; text: string }>();
  const same = said && Math.abs(said.endsAt - endsAt) < 5_000 ? said : undefined;
  const warning = current && (same?.text ?? current);
  useEffect(() => {
    if (current && !same) setSaid({ endsAt, text: current });
  }, [current, same, endsAt]);

  return (
    <div className="space-y-2">
      {line && (
        <p data-testid="session-usage" title={usageTitle(meter)} className="inline-flex items-center gap-1.5 text-xs text-ink-muted tabular-nums">
          <Clock size={12} aria-hidden="true" />
          <span className="sr-only">Estimated usage so far: </span>
          {line}
        </p>
      )}
      <div data-testid="session-limit-live" role="status" aria-live="polite">
        {warning && (
          <p data-testid="session-limit-warning" className="rounded-control border border-warning/30 bg-warning-soft p-3 text-sm text-ink">
            {warning}
          </p>
        )}
      </div>
    </div>
  );
}
