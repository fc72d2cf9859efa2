/**
 * Reads a request body into memory up to a byte limit: 413 when Content-Length announces more, and again
 * while streaming, so a lying or chunked client cannot get past it. Shared by JSON bodies (16–48 KB) and
 * audio uploads (10 MB).
 */
import type { ApiRequest } from '../api/api-types';
import { ApiError } from './api-error';

export async function readLimitedBody(request: ApiRequest, limit: number): Promise<Buffer> {
  const declared = request.header('content-length');
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  if (declared === '0') return Buffer.alloc(0); // nothing to read (the usual token request)
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of request.body()) {
    total += chunk.byteLength;
    if (total > limit) throw tooLarge(limit); // leaving the loop stops reading the stream
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limit: number): ApiError {
  // The rest of the body is left to the server adapter, which drains it (bounded) before answering.
  const size = limit >= 1024 * 1024 ? `${+(limit / (1024 * 1024)).toFixed(1)} MB` : `${limit / 1024} KB`;
  return new ApiError(413, 'payload_too_large', `Request body must be at most ${size}.`);
}
