/**
 * One JSON error shape for every API response: `{ success: false, error: { code, message } }`.
 * Routes throw or return `ApiError`; nothing else crosses a route boundary (no stack traces).
 */
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

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': NO_STORE, ...headers },
  });
}

export function errorResponse(error: ApiError): Response {
  return jsonResponse(
    { success: false, error: { code: error.code, message: error.message }, ...error.details },
    error.status,
    error.headers,
  );
}

/** Maps anything thrown inside a route to a JSON response; unexpected errors become an opaque 500. */
export function toErrorResponse(error: unknown): Response {
  if (error instanceof ApiError) return errorResponse(error);
  return errorResponse(new ApiError(500, 'internal_error', 'Something went wrong on our side. Please try again.'));
}

export function methodNotAllowed(allowed: readonly string[]): Response {
  return errorResponse(
    new ApiError(405, 'method_not_allowed', `Use ${allowed.join(' or ')} for this endpoint.`, {
      Allow: [...allowed, 'OPTIONS'].join(', '),
    }),
  );
}
