/** Refusals for rate limits (the caller's doing: 429) and capacity (the service's: 503). */
import { ApiError } from '../http/api-error';
import type { RegisterResult } from '../sessions/session-store';

const CAPACITY_RETRY_SECONDS = 30;

export function rateLimitError(retryAfterSeconds: number, message: string): ApiError {
  return new ApiError(429, 'rate_limited', message, { 'Retry-After': String(retryAfterSeconds) }, { retryAfter: retryAfterSeconds });
}

export function capacityError(reason: Extract<RegisterResult, { ok: false }>['reason'], maxPerIp: number): ApiError {
  if (reason === 'ip_quota') {
    return new ApiError(
      429,
      'session_limit_reached',
      `Your network already has ${maxPerIp} live coaching sessions. End one (or wait for it to expire) and try again.`,
      { 'Retry-After': String(CAPACITY_RETRY_SECONDS) },
      { retryAfter: CAPACITY_RETRY_SECONDS },
    );
  }
  return new ApiError(
    503,
    reason === 'instance_capacity' ? 'instance_at_capacity' : 'service_at_capacity',
    'The coach is at capacity right now. Please try again in a moment.',
    { 'Retry-After': String(CAPACITY_RETRY_SECONDS) },
    { retryAfter: CAPACITY_RETRY_SECONDS },
  );
}
