/**
 * The words for a metered session, for an executive in the middle of a rehearsal: a small usage line
 * ("≈ $0.42 · 6 min"), its tooltip (costs are estimates), and the calm notice shortly before the server
 * ends the session ("One minute left — this session ends at its 30-minute limit."). Pure functions.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { BudgetLimit } from '../types/api';
import type { MeterView } from './meter-view';

/** "≈ $0.42", "< $0.01" (something, but not a cent yet), "$0.00". */
export function formatCost(costUsd: number): string {
  if (costUsd === 0) return '$0.00';
  if (costUsd < 0.005) return '< $0.01';
  return `≈ $${costUsd.toFixed(2)}`;
}

/** Voice time in whole minutes: "6 min"; "< 1 min" for the first minute. */
export function formatVoiceTime(seconds: number): string {
  return seconds < 60 ? '< 1 min' : `${Math.floor(seconds / 60)} min`;
}

/** The usage line, or undefined while the server has reported nothing to show. */
export function usageLine(view: MeterView): string | undefined {
  const parts = [
    ...(view.costUsd !== undefined ? [formatCost(view.costUsd)] : []),
    ...(view.connectedSeconds !== undefined ? [formatVoiceTime(view.connectedSeconds)] : []),
  ];
  return parts.length ? parts.join(' · ') : undefined;
}

const tokens = (n: number) => n.toLocaleString('en-US');

/** The tooltip: what the figures are, and that the cost is an estimate. */
export function usageTitle(view: MeterView): string {
  const minutes = view.connectedSeconds !== undefined ? ` Voice connected for ${formatVoiceTime(view.connectedSeconds).replace('< ', 'under ')}.` : '';
  return (
    `Estimated cost of this session so far, from list prices for ${tokens(view.inputTokens)} tokens in and ` +
    `${tokens(view.outputTokens)} out. An estimate: the actual invoice may differ.${minutes}`
  );
}

/** "30-minute", "45-second": the allowance a session limit stands for. */
function allowance(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  return seconds % 60 === 0 ? `${seconds / 60}-minute` : `${seconds}-second`;
}

/** Why the session will end, after the dash. */
export function limitPhrase(limit: BudgetLimit | undefined, limitMs: number | undefined): string {
  switch (limit) {
    case 'session_minutes':
      return `this session ends at its ${limitMs ? `${allowance(limitMs)} ` : 'time '}limit`;
    case 'session_cost':
      return 'this session ends at its spending limit';
    case 'daily_minutes':
      return "this session ends when today's voice-time allowance runs out";
    case 'daily_cost':
      return "this session ends when today's coaching budget is used up";
    case 'operator':
      return 'an administrator is ending this session';
    default:
      return 'this session ends then';
  }
}

/** "One minute left", "2 minutes left", "30 seconds left". */
export function timeLeft(seconds: number): string {
  if (seconds >= 60 && seconds % 60 === 0) return seconds === 60 ? 'One minute left' : `${seconds / 60} minutes left`;
  if (seconds > 90) return `About ${Math.round(seconds / 60)} minutes left`;
  return `${seconds} ${seconds === 1 ? 'second' : 'seconds'} left`;
}

/**
 * The notice once the warning time has come (`remainingMs` until the server's end), else undefined. It
 * names the server's warning time; only when less than that is left (a limit shorter than the warning, a tab
 * that was hidden) it names what is really left, so it never promises time the session does not have.
 */
export function warningNotice(view: MeterView, remainingMs: number): string | undefined {
  if (view.endsAtLocal === undefined || remainingMs > view.warningSeconds * 1000) return undefined;
  const leftSeconds = Math.max(1, Math.ceil(remainingMs / 1000));
  // The meter is read every 5 s and the screen every second: a second or two late is still "one minute".
  const seconds = leftSeconds >= view.warningSeconds - 2 ? view.warningSeconds : leftSeconds;
  return `${timeLeft(seconds)} — ${limitPhrase(view.limit, view.limitMs)}. Your transcript will be kept.`;
}
