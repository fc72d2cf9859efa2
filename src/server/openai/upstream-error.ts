/**
 * Upstream failures as values. Each OpenAI error is classified once here so callers can decide
 * (fallback, demo, retry later) and users get a clear sentence instead of `model_not_found`.
 */
import OpenAI from 'openai';
import { maskSecrets } from '../observability/logger';

export type UpstreamFailureKind =
  | 'invalid_key' // 401: the server's key is wrong or revoked
  | 'no_realtime_access' // 403/404 model_not_found: the key's project is not entitled to the model
  | 'region_blocked' // 403 unsupported_country_region_territory
  | 'quota_exhausted' // 429 insufficient_quota (billing)
  | 'rate_limited' // 429 rate_limit_exceeded
  | 'timeout'
  | 'network'
  | 'server_error' // 5xx
  | 'bad_request'; // other 4xx: our request was wrong

export interface UpstreamFailure {
  kind: UpstreamFailureKind;
  status: number; // 0 for network/timeout
  code: string | null;
  /** Upstream message with anything secret-looking masked; safe for logs, not shown to users. */
  detail: string;
}

export function classifyUpstreamError(error: unknown): UpstreamFailure {
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return { kind: 'timeout', status: 0, code: null, detail: 'request timed out' };
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return { kind: 'network', status: 0, code: null, detail: maskSecrets(error.message) };
  }
  if (error instanceof OpenAI.APIError && typeof error.status === 'number') {
    const status = error.status;
    const code = error.code ?? null;
    const detail = maskSecrets(String((error.error as { message?: string } | undefined)?.message ?? error.message));
    const kind: UpstreamFailureKind =
      status === 401
        ? 'invalid_key'
        : code === 'model_not_found' && (status === 403 || status === 404)
          ? 'no_realtime_access'
          : status === 403 && code === 'unsupported_country_region_territory'
            ? 'region_blocked'
            : status === 429 && code === 'insufficient_quota'
              ? 'quota_exhausted'
              : status === 429
                ? 'rate_limited'
                : status >= 500
                  ? 'server_error'
                  : 'bad_request';
    return { kind, status, code, detail };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'network', status: 0, code: null, detail: maskSecrets(message) };
}

/** What an executive (or their IT team) should read, instead of an upstream error code. */
export function explainFailure(failure: UpstreamFailure, model: string): string {
  switch (failure.kind) {
    case 'invalid_key':
      return 'The OpenAI API key configured on the server was rejected.';
    case 'no_realtime_access':
      return `The server's OpenAI key has no access to the realtime model ${model}.`;
    case 'region_blocked':
      return 'OpenAI does not serve the region this server runs in.';
    case 'quota_exhausted':
      return "The OpenAI account's quota is used up.";
    case 'rate_limited':
      return 'OpenAI is rate-limiting this server right now.';
    case 'timeout':
      return 'OpenAI did not answer in time.';
    case 'network':
      return 'OpenAI could not be reached.';
    case 'server_error':
      return 'OpenAI reported a temporary error.';
    case 'bad_request':
      return 'OpenAI refused the realtime session request.';
  }
}
