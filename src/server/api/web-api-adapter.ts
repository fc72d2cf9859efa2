/** Serves the API from a Web `Request` (the catch-all Astro route, used by `astro dev`). */
import type { AppContext } from '../app-context';
import { normaliseIp } from '../http/client-ip';
import type { ApiRequest, StreamedBody } from './api-types';
import { handleApiRequest } from './handle-api-request';

export function fromWebRequest(request: Request, clientAddress: string): ApiRequest {
  const url = new URL(request.url);
  return {
    method: request.method.toUpperCase(),
    pathname: url.pathname,
    header: (name) => request.headers.get(name),
    ip: normaliseIp(clientAddress),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    body: () => request.body ?? (async function* () {})(),
    // The Web request's own signal aborts when the client disconnects.
    signal: request.signal,
  };
}

/** A pull-based stream: one chunk per read, so backpressure reaches the source; cancel closes it. */
export function toReadableStream(body: StreamedBody): ReadableStream<Uint8Array> {
  const iterator = body[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

export async function serveApiFromWeb(request: Request, clientAddress: string, app: AppContext): Promise<Response> {
  const result = await handleApiRequest(fromWebRequest(request, clientAddress), app);
  const body = typeof result.body === 'string' || result.body === null ? result.body : toReadableStream(result.body);
  return new Response(body, { status: result.status, headers: result.headers });
}
