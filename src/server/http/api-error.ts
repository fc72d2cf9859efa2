/**
 * One JSON error shape for every API response: `{ success: false, error: { code, message } }`.
 * Handlers throw `ApiError`; nothing else crosses a route boundary (no stack traces).
 */
import type { ApiResponse } from '../api/api-types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const NO_STORE = 'no-store';

export function jsonResult(body: unknown, status = 200, headers: Record<string, string> = {}): ApiResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': NO_STORE, ...headers },
    body: JSON.stringify(body),
  };
}

export function errorResult(error: ApiError): ApiResponse {
  return jsonResult(
    { success: false, error: { code: error.code, message: error.message }, ...error.details },
    error.status,
    error.headers,
  );
}

/** Anything thrown inside a handler becomes JSON; unexpected errors an opaque 500. */
export function toErrorResult(error: unknown): ApiResponse {
  if (error instanceof ApiError) return errorResult(error);
  return errorResult(new ApiError(500, 'internal_error', 'Something went wrong on our side. Please try again.'));
}

export function methodNotAllowed(allowed: readonly string[]): ApiResponse {
  return errorResult(
    new ApiError(405, 'method_not_allowed', `Use ${allowed.join(' or ')} for this endpoint.`, {
      Allow: [...allowed, 'OPTIONS'].join(', '),
    }),
  );
}
