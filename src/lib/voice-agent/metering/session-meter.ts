/**
 * Follows a metered session's meter on the server while its voice is live: asks `session-status` every
 * 5 s while the page is visible (the endpoint allows about 30 a minute per session), not at all while the
 * tab is hidden, and once right away when it becomes visible again. Each answer becomes a `MeterView`;
 * an answer that says the server has ended the session stops the meter and is reported once.
 *
 * `check()` is the question the voice session asks before any automatic reconnect: a browser cannot read
 * why a WebSocket handshake was refused, and a hung-up WebRTC call looks like any lost connection.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { ApiResult, SessionStatusResponse } from '../types/api';
import { toMeterView, type MeterView, type ServerEnded } from './meter-view';
import { fetchSessionStatus } from './session-status-client';

export const POLL_INTERVAL_MS = 5_000;
/** The check before a reconnect must not hold the recovery up for long: on no answer, recovery goes ahead. */
const CHECK_TIMEOUT_MS = 4_000;

/** The page's visibility (the document in the browser; a fake in tests). */
export interface Visibility {
  hidden(): boolean;
  onChange(listener: () => void): () => void;
}

export interface SessionMeterOptions {
  sessionId: string;
  onView(view: MeterView): void;
  /** Called at most once, when an answer says the server has ended the session. */
  onEnded(ended: ServerEnded): void;
  fetchStatus?: (sessionId: string, options: { timeoutMs: number }) => Promise<ApiResult<SessionStatusResponse>>;
  intervalMs?: number;
  now?: () => number;
  visibility?: Visibility;
}

export interface SessionMeter {
  /** Ask now (joins a request in flight): the server's end, if it has ended the session. */
  check(): Promise<ServerEnded | undefined>;
  stop(): void;
}

function documentVisibility(): Visibility {
  return {
    hidden: () => typeof document !== 'undefined' && document.visibilityState === 'hidden',
    onChange(listener) {
      if (typeof document === 'undefined') return () => undefined;
      document.addEventListener('visibilitychange', listener);
      return () => document.removeEventListener('visibilitychange', listener);
    },
  };
}

export function startSessionMeter(options: SessionMeterOptions): SessionMeter {
  const { sessionId, onView, onEnded, fetchStatus = fetchSessionStatus, intervalMs = POLL_INTERVAL_MS, now = Date.now } = options;
  const visibility = options.visibility ?? documentVisibility();
  let stopped = false;
  let ended: ServerEnded | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<ServerEnded | undefined> | undefined;
  /** A rate limit's Retry-After, ms: the next question waits at least this long. */
  let backOffMs = 0;

  function schedule(delayMs: number) {
    clearTimeout(timer);
    timer = undefined;
    if (stopped || visibility.hidden()) return;
    timer = setTimeout(
      () =>
        void ask().then(() => {
          schedule(Math.max(intervalMs, backOffMs));
          backOffMs = 0;
        }),
      delayMs,
    );
  }

  function ask(): Promise<ServerEnded | undefined> {
    if (stopped) return Promise.resolve(ended);
    inFlight ??= request().finally(() => (inFlight = undefined));
    return inFlight;
  }

  async function request(): Promise<ServerEnded | undefined> {
    const sentAt = now();
    const result = await fetchStatus(sessionId, { timeoutMs: CHECK_TIMEOUT_MS });
    if (stopped) return ended;
    if (!result.ok) {
      // Gone from the server (404) or refused outright: nothing more to learn by asking again.
      if (result.error.status === 404 || result.error.status === 403) stop();
      // Rate-limited: wait as long as the server asks before the next question.
      else backOffMs = (result.error.retryAfterSeconds ?? 0) * 1000;
      return undefined;
    }
    const status = result.data;
    if (status.ended) {
      ended = { reason: status.ended.reason, message: status.ended.message };
      stop();
      onEnded(ended);
      return ended;
    }
    if (!status.metered) stop(); // nothing to follow (the session is not metered after all)
    else onView(toMeterView(status, sentAt, now()));
    return undefined;
  }

  function stop() {
    stopped = true;
    clearTimeout(timer);
    unwatch();
  }

  // Hidden: no questions (the timer is dropped). Visible again: ask at once, then every interval.
  const unwatch = visibility.onChange(() => {
    if (visibility.hidden()) {
      clearTimeout(timer);
      timer = undefined;
    } else schedule(0);
  });
  schedule(0);

  return { check: ask, stop };
}
