/**
 * Reads a small JSON request body safely: 415 for a non-JSON content type, 413 above the size limit
 * (checked on Content-Length and again while streaming, so a lying or chunked client cannot get past
 * it), 400 for malformed JSON or fields that fail the zod schema.
 */
import type { z } from 'zod';
import type { ApiRequest } from '../api/api-types';
import { ApiError } from './api-error';
import { readLimitedBody } from './limited-body';

export const MAX_JSON_BODY_BYTES = 16 * 1024;

export function isJsonContentType(value: string | null): boolean {
  if (!value) return false;
  const type = value.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/**
 * Parses the body against `schema`. An empty body (no content type, or JSON with zero bytes) is
 * treated as `{}` when `allowEmpty` is set, because the token endpoint needs no body at all.
 */
export async function readJsonBody<S extends z.ZodType>(
  request: ApiRequest,
  schema: S,
  { allowEmpty = false, limit = MAX_JSON_BODY_BYTES } = {},
): Promise<z.output<S>> {
  const contentType = request.header('content-type');
  const text = (await readLimitedBody(request, limit)).toString('utf8');
  let data: unknown;
  if (text.trim() === '' && allowEmpty && (!contentType || isJsonContentType(contentType))) {
    data = {};
  } else {
    if (!isJsonContentType(contentType)) {
      throw new ApiError(415, 'unsupported_media_type', 'Send the request body as application/json.');
    }
    try {
      data = JSON.parse(text);
    } catch {
      throw new ApiError(400, 'invalid_json', 'The request body is not valid JSON.');
    }
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    throw new ApiError(400, 'invalid_request', `${where}${issue.message}`);
  }
  return result.data;
}
