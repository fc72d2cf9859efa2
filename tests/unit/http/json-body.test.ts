import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError } from '../../../src/server/http/api-error';
import { MAX_JSON_BODY_BYTES, readJsonBody as readFromApiRequest } from '../../../src/server/http/json-body';
import { fromWebRequest } from '../../../src/server/api/web-api-adapter';

const readJsonBody = (request: Request, s: z.ZodType, opts?: { allowEmpty?: boolean }) =>
  readFromApiRequest(fromWebRequest(request, '127.0.0.1'), s, opts);

const schema = z.object({ sessionId: z.string() }).strict();

function req(body: BodyInit | null, headers: Record<string, string> = {}): Request {
  return new Request('http://x/api', { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
}

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('JSON request bodies', () => {
  it('parses valid JSON', async () => {
    await expect(readJsonBody(req('{"sessionId":"a"}', { 'content-type': 'application/json; charset=utf-8' }), schema)).resolves.toEqual({ sessionId: 'a' });
  });
  it('415 for a non-JSON content type', async () => {
    expect((await failure(readJsonBody(req('sessionId=a', { 'content-type': 'application/x-www-form-urlencoded' }), schema))).status).toBe(415);
    expect((await failure(readJsonBody(req('{"sessionId":"a"}', { 'content-type': 'text/plain' }), schema))).status).toBe(415);
  });
  it('400 for malformed JSON and for invalid fields, naming the field', async () => {
    expect((await failure(readJsonBody(req('{"sessionId":', { 'content-type': 'application/json' }), schema))).code).toBe('invalid_json');
    const e = await failure(readJsonBody(req('{"sessionId":5}', { 'content-type': 'application/json' }), schema));
    expect(e.status).toBe(400);
    expect(e.message).toContain('sessionId');
    expect((await failure(readJsonBody(req('{"sessionId":"a","x":1}', { 'content-type': 'application/json' }), schema))).status).toBe(400);
  });
  it('413 above 16 KB, by header and by streamed size', async () => {
    const big = JSON.stringify({ sessionId: 'a'.repeat(MAX_JSON_BODY_BYTES) });
    expect((await failure(readJsonBody(req(big, { 'content-type': 'application/json' }), schema))).status).toBe(413);
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    expect((await failure(readJsonBody(req(stream, { 'content-type': 'application/json' }), schema))).status).toBe(413);
  });
  it('accepts an empty body only where allowed', async () => {
    const empty = z.object({}).strict();
    await expect(readJsonBody(req(null), empty, { allowEmpty: true })).resolves.toEqual({});
    await expect(readJsonBody(req('', { 'content-type': 'application/json' }), empty, { allowEmpty: true })).resolves.toEqual({});
    expect((await failure(readJsonBody(req(null), schema))).status).toBe(415);
  });
});
