/**
 * Every fallback request runs through here: a credential from the token manager first (it refreshes one
 * close to expiry), one transparent renewal when the server refused the token (401, e.g.
 * `token_expired` after a sleeping tab) or no longer knows the session (404 `session_not_found`: the
 * token manager then starts a new session and the conversation carries on under the new id), and the
 * wait on a rate limit or a busy upstream (429/503: the caller shows a countdown, then the same request
 * goes again). A refusal saying the server has ended the session (403 `session_ended`: a metered
 * session past its limit, or closed by an operator) is never retried; the session hears of it (`onSessionEnded`).
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { ApiFailure, ApiResult } from '../types/api';
import type { Credential, TokenManager } from '../session/token-manager';

/** How many times one request waits out a 429/503 before giving up. */
export const MAX_BUSY_WAITS = 3;
/** Without `Retry-After`: this long. */
export const DEFAULT_RETRY_SECONDS = 5;
/** A `Retry-After` beyond this is capped (the user is waiting; the next try will tell again). */
export const MAX_RETRY_SECONDS = 60;

export interface RequestRunnerDeps {
  tokens: Pick<TokenManager, 'acquire' | 'renew'>;
  /** Each credential a request used: the session id changes when the token manager had to start anew. */
  onCredential(credential: Credential): void;
  /** Rate-limited or busy: the next try is at `retryAt` (epoch ms). */
  onWaiting(failure: ApiFailure, retryAt: number): void;
  /** The wait is over; the request goes again. */
  onWaitOver(): void;
  /** The server has ended the session (`session_ended`), from an endpoint or the credential's refresh. */
  onSessionEnded?(failure: ApiFailure): void;
  now?: () => number;
}

export interface RunOptions {
  signal: AbortSignal;
  /** Wait out 429/503 and try again (default); false: report the wait and return the failure at once. */
  retryWhenBusy?: boolean;
}

export type AuthorizedRequest<T> = (token: string, signal: AbortSignal) => Promise<ApiResult<T>>;
export type RequestRunner = <T>(request: AuthorizedRequest<T>, options: RunOptions) => Promise<ApiResult<T>>;

/** Rate-limited or busy: worth waiting for. (503 `service_unavailable` — no OpenAI key — is not.) */
export const isBusy = (failure: ApiFailure): boolean => failure.status === 429 || (failure.status === 503 && failure.code !== 'service_unavailable');

/** The server ended this (metered) session: no request of it will be answered again. */
export const isSessionEnded = (failure: ApiFailure): boolean => failure.code === 'session_ended';

/** The server refused the credential, or forgot the session: worth one renewal. */
export const needsRenewal = (failure: ApiFailure): boolean =>
  failure.status === 401 || (failure.status === 404 && failure.code === 'session_not_found');

export function createRequestRunner(deps: RequestRunnerDeps): RequestRunner {
  const now = deps.now ?? Date.now;

  async function once<T>(request: AuthorizedRequest<T>, signal: AbortSignal): Promise<ApiResult<T>> {
    const credential = await deps.tokens.acquire(signal);
    if (!credential.ok) return credential;
    deps.onCredential(credential.data);
    const first = await request(credential.data.token, signal);
    if (first.ok || signal.aborted || !needsRenewal(first.error)) return first;
    const renewed = await deps.tokens.renew(signal);
    if (!renewed.ok) return renewed;
    deps.onCredential(renewed.data);
    return request(renewed.data.token, signal);
  }

  return async function run<T>(request: AuthorizedRequest<T>, { signal, retryWhenBusy = true }: RunOptions): Promise<ApiResult<T>> {
    for (let waits = 0; ; waits++) {
      const result = await once(request, signal);
      if (result.ok || signal.aborted) return result;
      if (isSessionEnded(result.error)) deps.onSessionEnded?.(result.error);
      if (!isBusy(result.error)) return result;
      const seconds = Math.min(MAX_RETRY_SECONDS, result.error.retryAfterSeconds ?? DEFAULT_RETRY_SECONDS);
      deps.onWaiting(result.error, now() + seconds * 1000);
      if (!retryWhenBusy || waits >= MAX_BUSY_WAITS) return result;
      if (!(await sleep(seconds * 1000, signal))) return result;
      deps.onWaitOver();
    }
  };
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, Math.max(0, ms));
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
