/**
 * The recovery policy of a voice session, as pure decisions (the architecture's ErrorHandling): what a
 * failed connection attempt leads to, when to renew before the upstream's session cap, and how long to
 * back off. `RecoveryExecutor` (recovery-executor.ts) carries the decisions out for `VoiceSession`.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { nextDelay } from '../realtime/backoff';
import type { TransportError, TransportFailureReason } from '../transports/realtime-transport';

export const MAX_RECONNECTS = 5;
export const MAX_FIRST_CONNECT_RETRIES = 2;
const RETRYABLE_FIRST_CONNECT: ReadonlySet<TransportFailureReason> = new Set(['connect_timeout', 'ice_failed', 'upstream_error', 'connection_lost']);
/** Renew this long before the upstream's `expires_at` (never sooner than a quarter of the lifetime). */
const RENEW_LEAD_MS = 60_000;

/** How a new connection comes about: the first one, after a loss, or the move before the session cap. */
export type ConnectPhase = 'connecting' | 'reconnecting' | 'renewing';

export type RecoveryAction =
  | { kind: 'fallback'; message: string }
  /** Rate-limited: wait, then try the same phase again. */
  | { kind: 'wait'; seconds: number; message: string }
  | { kind: 'reconnect' }
  /** Timeout → retry with backoff: a first connection that found no way through may be a passing hiccup. */
  | { kind: 'retry-first'; delayMs: number; attempt: number; message: string }
  | { kind: 'fail'; message: string };

/** What a failed connection attempt leads to; `attempts` = retries/reconnects already made. */
export function recoveryFor(error: TransportError, phase: ConnectPhase, attempts: number, random: () => number = Math.random): RecoveryAction {
  if (error.reason === 'no_realtime_access') return { kind: 'fallback', message: `${error.message} The coach continues in fallback mode.` };
  if (error.reason === 'rate_limited') {
    // The countdown next to the message says when (a static "in N s" would contradict it a second later).
    return { kind: 'wait', seconds: error.retryAfterSeconds ?? 10, message: `${error.message} Retrying automatically.` };
  }
  if (phase !== 'connecting' && attempts < MAX_RECONNECTS) return { kind: 'reconnect' };
  if (phase === 'connecting' && RETRYABLE_FIRST_CONNECT.has(error.reason) && attempts < MAX_FIRST_CONNECT_RETRIES) {
    const attempt = attempts + 1;
    return {
      kind: 'retry-first',
      delayMs: nextDelay(attempts, { baseMs: 1_000, maxMs: 8_000, jitter: 'equal' }, random),
      attempt,
      message: `${error.message} Trying again (attempt ${attempt} of ${MAX_FIRST_CONNECT_RETRIES})…`,
    };
  }
  return { kind: 'fail', message: error.message };
}

/** Backoff before reconnect number `attempts + 1`. */
export function reconnectDelayMs(attempts: number, random: () => number = Math.random): number {
  return nextDelay(attempts, { baseMs: 500, maxMs: 8_000, jitter: 'equal' }, random);
}

/** Ms from now until the renewal, given the session's `expires_at` (epoch seconds). */
export function renewalDelayMs(expiresAtSeconds: number, now: number): number {
  const lifetimeLeft = expiresAtSeconds * 1000 - now;
  const lead = Math.min(RENEW_LEAD_MS, Math.max(2_000, lifetimeLeft / 4));
  return Math.max(0, lifetimeLeft - lead);
}
