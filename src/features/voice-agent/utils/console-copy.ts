/**
 * The coach console's words and looks per session phase: the status line, the phase badge and the two button
 * styles. Pure data and one pure function, kept apart from the component's behaviour.
 */
import type { CoachState } from '../types';
import { MODE_COPY } from './mode-copy';

export function statusText(state: CoachState): string {
  switch (state.phase) {
    case 'idle':
      return 'Ready when you are.';
    case 'requesting':
      return 'Requesting a secure session…';
    case 'active':
      return `Session ready: token received. Mode: ${MODE_COPY[state.session.mode].label}.`;
    case 'expired':
      return 'The session token expired before it was used. Start a new session when you are ready.';
    case 'ending':
      return 'Ending the session…';
    case 'ended':
      return state.notice ? `Session ended. ${state.notice}` : 'Session ended.';
    case 'error':
      // What went wrong, in words, is the failure panel's (an alert, loaded with it: /coach's JS budget).
      return 'Could not start a session.';
  }
}

/** The start button's words; `retryInMs` while a retry is locked (a rate limit's or a daily budget's wait). */
export function startLabel(phase: CoachState['phase'], retryInMs: number | undefined): string {
  if (phase === 'error') {
    if (!retryInMs) return 'Try again';
    // A daily budget waits for hours: the failure panel says until when.
    return retryInMs > 120_000 ? 'Try again later' : `Try again in ${Math.ceil(retryInMs / 1000)} s`;
  }
  if (phase === 'expired' || phase === 'ended') return 'Start a new session';
  return phase === 'requesting' ? 'Starting…' : 'Start a session';
}

export const PHASE_BADGE: Record<CoachState['phase'], { label: string; tone: string }> = {
  idle: { label: 'Not started', tone: 'bg-surface-sunken text-ink-muted' },
  requesting: { label: 'Connecting', tone: 'bg-accent-soft text-accent' },
  active: { label: 'Active', tone: 'bg-success-soft text-success' },
  expired: { label: 'Expired', tone: 'bg-warning-soft text-warning' },
  ending: { label: 'Ending', tone: 'bg-surface-sunken text-ink-muted' },
  ended: { label: 'Ended', tone: 'bg-surface-sunken text-ink-muted' },
  error: { label: 'Problem', tone: 'bg-danger-soft text-danger' },
};

const buttonBase =
  'inline-flex items-center justify-center gap-2 rounded-control px-4 py-2.5 text-sm font-semibold transition-colors duration-150';
export const primaryButton = `${buttonBase} bg-accent text-accent-ink shadow-sm hover:bg-accent-hover aria-disabled:cursor-not-allowed aria-disabled:opacity-60 aria-disabled:hover:bg-accent`;
export const secondaryButton = `${buttonBase} border border-line-strong bg-surface text-ink hover:bg-surface-sunken disabled:cursor-not-allowed disabled:opacity-60`;
