/**
 * The guard every OpenAI call passes: the global upstream budget (API_RATE_LIMIT_PER_MINUTE, 503
 * `upstream_busy` when spent), latency by operation and outcome, failures counted (`apiErrors`) and
 * logged as `apiError` with the key masked. A call cancelled because the client went away is neither an
 * error nor logged as one: its outcome is `cancelled`.
 */
import OpenAI from 'openai';
import { ApiError } from '../http/api-error';
import type { RateLimits } from '../limits/rate-limits';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { classifyUpstreamError, type UpstreamFailure } from './upstream-error';

export class UpstreamCallError extends Error {
  constructor(readonly failure: UpstreamFailure) {
    super(`${failure.kind} (${failure.status})`);
    this.name = 'UpstreamCallError';
  }
}

/** The client went away mid-call: nobody is left to answer, and nothing failed upstream. */
export class UpstreamCancelledError extends Error {
  constructor() {
    super('cancelled by the client');
    this.name = 'UpstreamCancelledError';
  }
}

export interface UpstreamGuardDeps {
  limits: Pick<RateLimits, 'upstreamCalls'>;
  metrics: Metrics;
  logger: Logger;
}

/** One admitted call: report how it ended exactly once. */
export interface UpstreamCall {
  succeeded(): void;
  /** Records the failure and returns what to throw: UpstreamCallError, or UpstreamCancelledError after an abort. */
  failed(error: unknown, signal?: AbortSignal): UpstreamCallError | UpstreamCancelledError;
}

export interface UpstreamGuard {
  /** Spends one unit of the upstream budget and starts the timer; for calls whose body streams on after they return. */
  begin(operation: string): Promise<UpstreamCall>;
  /** `begin` around one call that is complete when its promise settles. */
  run<T>(operation: string, call: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export function createUpstreamGuard(deps: UpstreamGuardDeps): UpstreamGuard {
  async function begin(operation: string): Promise<UpstreamCall> {
    const budget = await deps.limits.upstreamCalls();
    if (!budget.allowed) {
      deps.metrics.rateLimitHits.inc({ limit: 'upstream_api' });
      throw new ApiError(
        503,
        'upstream_busy',
        'The coach is at capacity right now. Please try again shortly.',
        { 'Retry-After': String(budget.retryAfterSeconds) },
        { retryAfter: budget.retryAfterSeconds },
      );
    }
    const stop = deps.metrics.upstreamSeconds.startTimer({ operation });
    let settled = false;
    return {
      succeeded() {
        if (settled) return;
        settled = true;
        stop({ outcome: 'ok' });
      },
      failed(error, signal) {
        if (error instanceof OpenAI.APIUserAbortError || signal?.aborted) {
          if (!settled) stop({ outcome: 'cancelled' });
          settled = true;
          return new UpstreamCancelledError();
        }
        if (error instanceof UpstreamCallError) return error; // already recorded
        const failure = classifyUpstreamError(error);
        if (!settled) {
          stop({ outcome: failure.kind });
          deps.metrics.apiErrors.inc({ service: `openai.${operation}`, status: String(failure.status) });
          deps.logger.warn(
            { event: 'apiError', service: `openai.${operation}`, error: failure.detail, code: failure.code, statusCode: failure.status },
            'apiError',
          );
        }
        settled = true;
        return new UpstreamCallError(failure);
      },
    };
  }

  return {
    begin,
    async run(operation, call, signal) {
      const upstream = await begin(operation);
      try {
        const result = await call();
        upstream.succeeded();
        return result;
      } catch (error) {
        throw upstream.failed(error, signal);
      }
    },
  };
}
