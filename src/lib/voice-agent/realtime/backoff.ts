/**
 * Exponential backoff with jitter, for reconnects and retried requests. Jitter spreads the retries of
 * many clients that failed together (a server restart) so they do not return in one burst.
 *
 * - `full`:  uniform in [0, cap]            (best spread; may retry almost at once)
 * - `equal`: uniform in [cap / 2, cap]      (never sooner than half the cap)
 * where cap = min(maxMs, baseMs × 2^attempt) and `attempt` counts from 0 (the first retry).
 *
 * Pure: randomness is injected. Browser-only module: never import from `src/server/**` here.
 */

export type Jitter = 'full' | 'equal';

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  jitter: Jitter;
}

/** The upper bound of the delay before retry number `attempt` (0-based). */
export function backoffCap(attempt: number, { baseMs, maxMs }: Pick<BackoffOptions, 'baseMs' | 'maxMs'>): number {
  // Bad numbers (NaN, negatives) count as 0; a huge attempt makes 2^n Infinity and min() takes maxMs.
  const base = baseMs > 0 && Number.isFinite(baseMs) ? baseMs : 0;
  const max = maxMs > 0 ? maxMs : 0;
  const n = attempt > 0 ? Math.floor(attempt) : 0;
  return base === 0 ? 0 : Math.min(max, base * 2 ** n);
}

/** Milliseconds (whole) to wait before retry number `attempt` (0-based). */
export function nextDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const cap = backoffCap(attempt, options);
  const r = clamp01(random());
  const delay = options.jitter === 'equal' ? cap / 2 + (r * cap) / 2 : r * cap;
  return Math.min(Math.floor(delay), Math.floor(cap));
}

export interface RetryPolicyOptions extends Partial<BackoffOptions> {
  /** Retries allowed after the first try. */
  maxAttempts: number;
  random?: () => number;
}

export interface RetryPolicy {
  /** The next retry's number (0-based) and delay, or null when the retries are used up. */
  next(): { attempt: number; delayMs: number } | null;
  /** After a success: start counting again. */
  reset(): void;
  /** Retries handed out since the last reset. */
  readonly attempts: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 15_000, jitter: 'full' };

export function createRetryPolicy(options: RetryPolicyOptions): RetryPolicy {
  const backoff: BackoffOptions = {
    baseMs: options.baseMs ?? DEFAULT_BACKOFF.baseMs,
    maxMs: options.maxMs ?? DEFAULT_BACKOFF.maxMs,
    jitter: options.jitter ?? DEFAULT_BACKOFF.jitter,
  };
  const max = options.maxAttempts > 0 ? Math.floor(options.maxAttempts) : 0;
  let attempts = 0;
  return {
    next() {
      if (attempts >= max) return null;
      const attempt = attempts++;
      return { attempt, delayMs: nextDelay(attempt, backoff, options.random) };
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}

/** A misbehaving random source must not push a delay outside its bounds. */
function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
}
