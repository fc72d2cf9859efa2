/**
 * Serves the API straight from `node:http` in the built server, skipping Astro's request pipeline
 * (its Node→Web Request/Response conversion, routing and static-file probe cost ~0.4 ms per request:
 * see docs/benchmarks.md). Forwarded headers were already normalised per TRUST_PROXY.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppContext } from '../app-context';
import { normaliseIp } from '../http/client-ip';
import type { ApiRequest, ApiSurface, StreamedBody } from './api-types';
import { handleApiRequest } from './handle-api-request';

/**
 * The request body as an async iterable that, unlike Readable's own iterator, does not destroy the
 * socket when the reader stops early (a 413 must still reach the client).
 */
function bodyOf(req: IncomingMessage): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      const queue: Buffer[] = [];
      let ended = false;
      let failure: Error | undefined;
      let wake: (() => void) | undefined;
      const onData = (chunk: Buffer) => {
        queue.push(chunk);
        req.pause();
        wake?.();
      };
      const onEnd = () => {
        ended = true;
        wake?.();
      };
      const onError = (error: Error) => {
        failure = error;
        wake?.();
      };
      req.on('data', onData).once('end', onEnd).once('error', onError);
      req.resume();
      try {
        for (;;) {
          const chunk = queue.shift();
          if (chunk) {
            if (queue.length === 0) req.resume();
            yield chunk;
            continue;
          }
          if (failure) throw failure;
          if (ended) return;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      } finally {
        req.off('data', onData).off('end', onEnd).off('error', onError);
      }
    },
  };
}

export function toApiRequest(req: IncomingMessage, pathname: string, signal: AbortSignal = new AbortController().signal): ApiRequest {
  const headers = req.headers;
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    pathname,
    header: (name) => {
      const value = headers[name];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
    ip: normaliseIp(String(headers['x-forwarded-for'] ?? req.socket.remoteAddress ?? '')),
    protocol: headers['x-forwarded-proto'] === 'https' ? 'https' : 'http',
    body: () => bodyOf(req),
    signal,
  };
}

/**
 * How much of an unread request body we discard so the client can read our answer (e.g. a 413): enough for
 * the largest upload we refuse in practice (an audio file just over its 10 MB limit), so the browser that
 * sent it gets the 413's message rather than a broken connection. Beyond this, or when the client announces
 * more, the connection is closed instead.
 */
const MAX_DRAIN_BYTES = 16 * 1024 * 1024;
const MAX_DRAIN_MS = 5_000;

/**
 * Reads and discards what is left of the request body, within bounds. A client still sending when we
 * close gets EPIPE/ECONNRESET instead of our 413; after a full drain the connection can even be reused.
 * Resolves false when the bounds were hit (the caller then closes the connection).
 */
function drain(req: IncomingMessage): Promise<boolean> {
  if (req.complete) return Promise.resolve(true);
  if (Number(req.headers['content-length'] ?? 0) > MAX_DRAIN_BYTES) return Promise.resolve(false);
  return new Promise((resolve) => {
    let seen = 0;
    const finish = (ended: boolean) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError);
      resolve(ended);
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.byteLength;
      if (seen > MAX_DRAIN_BYTES) finish(false);
    };
    const onEnd = () => finish(true);
    const onError = () => finish(false);
    const timer = setTimeout(() => finish(false), MAX_DRAIN_MS);
    req.on('data', onData).once('end', onEnd).once('error', onError);
    req.resume();
  });
}

export async function serveApi(
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  app: AppContext,
  surface?: ApiSurface,
): Promise<void> {
  // 'close' before the response finished = the client went away (closed tab, aborted fetch).
  const clientGone = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) clientGone.abort();
  });
  const result = await handleApiRequest(toApiRequest(req, pathname, clientGone.signal), app, surface);
  if (!(await drain(req))) result.headers.Connection = 'close';
  if (typeof result.body === 'string' || result.body === null) {
    res.writeHead(result.status, result.headers);
    res.end(result.body ?? undefined);
    return;
  }
  res.writeHead(result.status, result.headers);
  res.flushHeaders();
  await writeStream(res, result.body, clientGone.signal, app, pathname);
}

/**
 * Writes a streamed body chunk by chunk, waiting for 'drain' when the socket is full. When the client
 * leaves, the source is closed (its `finally` blocks cancel upstream work). A source that fails after
 * the headers were sent cannot become an error response any more: the connection is cut, so the client
 * sees a truncated body instead of a complete-looking one.
 */
async function writeStream(res: ServerResponse, body: StreamedBody, gone: AbortSignal, app: AppContext, pathname: string): Promise<void> {
  const iterator = body[Symbol.asyncIterator]();
  const aborted = new Promise<'gone'>((resolve) => {
    if (gone.aborted) resolve('gone');
    else gone.addEventListener('abort', () => resolve('gone'), { once: true });
  });
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next === 'gone') break;
      if (next.done) {
        res.end();
        return;
      }
      if (!res.write(next.value)) {
        const drained = new Promise<'drained'>((resolve) => res.once('drain', () => resolve('drained')));
        if ((await Promise.race([drained, aborted])) === 'gone') break;
      }
    }
  } catch (error) {
    app.logger.warn({ event: 'streamFailed', path: pathname, err: error instanceof Error ? { message: error.message } : String(error) }, 'response stream failed');
    res.destroy();
  }
  // The client left (or the source failed): let the source clean up without waiting for it.
  void Promise.resolve(iterator.return?.()).catch(() => {});
}
