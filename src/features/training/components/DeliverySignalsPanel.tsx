/**
 * The live delivery signals on /coach, in every mode: pace, talk ratio, filler words, longest monologue
 * and questions asked, each with a one-line hint in plain words. A quiet strip under the controls, not a
 * score: it recomputes when the transcript changes (`computeDeliverySignals`, pure) and is a plain
 * description list for screen readers, never a live region (numbers ticking over would interrupt the
 * conversation the user is having). Loaded on demand by VoicePanel once the user has said something, so
 * /coach's first load does not carry it.
 *
 * Test hooks: delivery-signals, signal-pace, signal-talk-ratio, signal-fillers, signal-monologue,
 * signal-questions.
 */
import { useMemo } from 'react';
import type { DeliverySignals } from '../../../lib/training/delivery-signal-types';
import { computeDeliverySignals, MIN_PACE_SECONDS } from '../../../lib/training/delivery-signals';
import type { TranscriptTurn } from '../../../lib/voice-agent/realtime/transcript-state';

interface Props {
  turns: readonly TranscriptTurn[];
}

interface Signal {
  key: string;
  testId: string;
  label: string;
  value: string;
  hint: string;
}

/** A measured pace for a boardroom, words per minute. */
const BOARDROOM_PACE = { low: 130, high: 160 } as const;

export function paceSignal(s: DeliverySignals): Pick<Signal, 'value' | 'hint'> {
  if (s.paceWpm === undefined) return { value: 'Not yet', hint: `After ${MIN_PACE_SECONDS} s of your speech; typing is not timed.` };
  const word = s.paceWpm < BOARDROOM_PACE.low ? 'Unhurried' : s.paceWpm > BOARDROOM_PACE.high ? 'Quick' : 'Measured';
  return { value: `${s.paceWpm} wpm`, hint: `${word}: a measured pace for a boardroom is ${BOARDROOM_PACE.low}–${BOARDROOM_PACE.high}.` };
}

export function talkRatioSignal(s: DeliverySignals): Pick<Signal, 'value' | 'hint'> {
  if (s.talkRatio === undefined) return { value: 'Not yet', hint: 'Once you and the coach have both spoken.' };
  const percent = Math.round(s.talkRatio * 100);
  const basis = s.talkRatioBasis === 'time' ? 'by speaking time' : 'by words';
  const verdict = percent > 70 ? 'Mostly you: leave room to listen' : percent < 30 ? 'Mostly the other side' : 'Two-way';
  return { value: `${percent}% you`, hint: `${verdict} (${basis}).` };
}

export function fillerSignal(s: DeliverySignals): Pick<Signal, 'value' | 'hint'> {
  // Transcription often drops "um" and "uh": the count is a floor, and the hint says so when it is zero.
  if (s.fillerCount === 0) return { value: '0', hint: s.userWords > 0 ? 'None caught (transcripts can drop “um”).' : 'Counted from your words.' };
  const top = s.topFillers.map((f) => `“${f.word}” ×${f.count}`).join(', ');
  return { value: String(s.fillerCount), hint: `${s.fillersPer100Words.toFixed(1)} per 100 words: ${top}.` };
}

export function monologueSignal(s: DeliverySignals): Pick<Signal, 'value' | 'hint'> {
  if (s.longestMonologueWords === 0) return { value: 'Not yet', hint: 'Your longest stretch without the coach speaking.' };
  const seconds = s.longestMonologueSeconds;
  const value = `${s.longestMonologueWords} words${seconds !== undefined ? ` · ${formatSeconds(seconds)}` : ''}`;
  const long = seconds !== undefined ? seconds > 60 : s.longestMonologueWords > 150;
  return { value, hint: long ? 'Over a minute: check in with your listener sooner.' : 'Under a minute keeps a room with you.' };
}

export function questionSignal(s: DeliverySignals): Pick<Signal, 'value' | 'hint'> {
  return {
    value: String(s.questionsAsked),
    hint: s.questionsAsked === 0 ? 'Questions draw the other side out.' : 'Questions show you are listening.',
  };
}

/** The five signals, in reading order. */
export function signalsFor(s: DeliverySignals): Signal[] {
  return [
    { key: 'pace', testId: 'signal-pace', label: 'Pace', ...paceSignal(s) },
    { key: 'talk', testId: 'signal-talk-ratio', label: 'Talk ratio', ...talkRatioSignal(s) },
    { key: 'fillers', testId: 'signal-fillers', label: 'Filler words', ...fillerSignal(s) },
    { key: 'monologue', testId: 'signal-monologue', label: 'Longest monologue', ...monologueSignal(s) },
    { key: 'questions', testId: 'signal-questions', label: 'Questions asked', ...questionSignal(s) },
  ];
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const rest = seconds % 60;
  return `${Math.floor(seconds / 60)} min${rest ? ` ${rest} s` : ''}`;
}

export function DeliverySignalsPanel({ turns }: Props) {
  const signals = useMemo(() => signalsFor(computeDeliverySignals(turns)), [turns]);
  return (
    <section aria-label="Delivery signals" data-testid="delivery-signals" className="@container rounded-control border border-line bg-surface px-3 py-2.5">
      <p aria-hidden="true" className="text-xs font-semibold uppercase tracking-wide text-ink-muted">
        Your delivery, live
      </p>
      {/* Columns follow the panel's own width (it sits in a column of the console), not the window's. */}
      <dl className="mt-1.5 grid grid-cols-2 gap-x-4 gap-y-2 @lg:grid-cols-3 @3xl:grid-cols-5">
        {signals.map((signal) => (
          <div key={signal.key} className="min-w-0">
            <dt className="text-xs font-medium text-ink-muted">{signal.label}</dt>
            <dd data-testid={signal.testId} className="text-sm font-semibold tabular-nums text-ink">
              {signal.value}
            </dd>
            <dd className="text-xs leading-snug text-ink-muted">{signal.hint}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export default DeliverySignalsPanel;
