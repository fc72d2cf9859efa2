/**
 * Opens the server's own connection to OpenAI's realtime WebSocket with the minted ephemeral key. The
 * key travels only in this server-to-server handshake. Failures become an `UpstreamFailure` (what the
 * refusal explains in plain words); OpenAI's error text is never passed on.
 */
import WebSocket from 'ws';
import type { UpstreamFailure, UpstreamFailureKind } from '../openai/upstream-error';
import { MAX_MESSAGE_BYTES } from './relay-types';

export class UpstreamConnectError extends Error {
  constructor(readonly failure: UpstreamFailure) {
    super(`upstream connect failed: ${failure.kind} (${failure.status})`);
    this.name = 'UpstreamConnectError';
  }
}

export function upstreamTarget(base: string, model: string): string {
  const url = new URL(base);
  url.searchParams.set('model', model);
  return url.toString();
}

function kindOfStatus(status: number): UpstreamFailureKind {
  if (status === 401) return 'invalid_key';
  if (status === 403 || status === 404) return 'no_realtime_access';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'server_error';
  return 'bad_request';
}

/**
 * Resolves with what `adopt` made of the open socket. `adopt` runs synchronously in the `open` event:
 * OpenAI sends `session.created` at once, and a listener added one tick later could miss it. Rejects
 * with UpstreamConnectError on an HTTP refusal, a network error or the timeout, or when `signal` aborts
 * (the browser left, or the server is shutting down).
 */
export function connectUpstream<T>(url: string, key: string, timeoutMs: number, signal: AbortSignal, adopt: (ws: WebSocket) => T): Promise<T> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: { Authorization: `Bearer ${key}` },
      perMessageDeflate: false,
      maxPayload: MAX_MESSAGE_BYTES,
      handshakeTimeout: timeoutMs,
    });
    let settled = false;
    const fail = (failure: UpstreamFailure) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      ws.terminate();
      reject(new UpstreamConnectError(failure));
    };
    const onAbort = () => fail({ kind: 'network', status: 0, code: 'aborted', detail: 'the connection attempt was abandoned' });
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    ws.on('error', (error: Error) => {
      const timedOut = /handshake has timed out/i.test(error.message);
      fail({ kind: timedOut ? 'timeout' : 'network', status: 0, code: null, detail: timedOut ? 'handshake timed out' : 'connection failed' });
    });
    ws.once('unexpected-response', (_req, res) => {
      res.resume(); // drain the body unread: it may echo a masked key, and nobody needs it
      const status = res.statusCode ?? 0;
      fail({ kind: kindOfStatus(status), status, code: null, detail: `HTTP ${status} on the realtime handshake` });
    });
    ws.once('open', () => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve(adopt(ws));
    });
  });
}
