/**
 * Upstream failures in fallback mode, in plain words: 503 `upstream_unavailable` (with Retry-After)
 * when trying again soon may work, 502 `upstream_error` when the server's OpenAI setup needs fixing.
 * Never a stack trace, never a 500 for an upstream problem.
 */
import { ApiError } from '../http/api-error';
import { UpstreamCallError, UpstreamCancelledError } from '../openai/upstream-guard';
import { explainFailure, type UpstreamFailure } from '../openai/upstream-error';

const RETRY_SECONDS = 5;
const TEMPORARY = new Set<UpstreamFailure['kind']>(['rate_limited', 'timeout', 'network', 'server_error']);

/** What the user reads; `model` names the model that was refused (chat, speech or transcription). */
export function explainFallbackFailure(failure: UpstreamFailure, model: string): string {
  switch (failure.kind) {
    case 'no_realtime_access':
      return `The server's OpenAI key has no access to the model ${model}.`;
    case 'bad_request':
      return 'OpenAI refused the request.';
    default:
      return explainFailure(failure, model);
  }
}

export function fallbackUpstreamError(failure: UpstreamFailure, model: string): ApiError {
  const why = explainFallbackFailure(failure, model);
  if (TEMPORARY.has(failure.kind)) {
    return new ApiError(503, 'upstream_unavailable', `${why} Please try again shortly.`, { 'Retry-After': String(RETRY_SECONDS) }, { retryAfter: RETRY_SECONDS });
  }
  return new ApiError(502, 'upstream_error', `${why} The coach cannot answer until this is fixed.`);
}

/** Maps an upstream failure to its ApiError; anything else (already an ApiError, or a bug) passes through. */
export function asFallbackError(error: unknown, model: string): unknown {
  if (error instanceof UpstreamCallError) return fallbackUpstreamError(error.failure, model);
  // The client left before the answer started: nobody reads this; 499 keeps it out of the 5xx figures.
  if (error instanceof UpstreamCancelledError) return new ApiError(499, 'client_closed', 'The request was cancelled.');
  return error;
}
