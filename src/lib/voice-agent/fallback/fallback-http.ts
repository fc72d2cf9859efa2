/**
 * The HTTP plumbing the three fallback endpoints share: a request with a time limit that a streamed
 * body keeps alive (each chunk resets it, so a long reply is fine and a stalled one is not), the caller's
 * abort, and the API's error → `ApiFailure` (mapped by `api/voice-agent-api.ts`, as for every endpoint).
 *
 * Same conventions as `api/voice-agent-api.ts` (`call`), which handles JSON only: nothing throws; the
 * failure messages are the same words.
 * Browser-only module: never import from `src/server/**` here.
 */
import { httpFailure, readJson } from '../api/voice-agent-api';
import type { ApiFailure } from '../types/api';

export type FetchLike = typeof fetch;

/** An abort signal that fires on the caller's abort or when the (resettable) time limit runs out. */
export interface Deadline {
  readonly signal: AbortSignal;
  /** Start the time limit again (a chunk arrived), with a new length if given. */
  reset(ms?: number): void;
  readonly timedOut: boolean;
  /** The caller cancelled. */
  readonly cancelled: boolean;
  /** Limit in ms (for the message). */
  readonly ms: number;
  dispose(): void;
}

export function createDeadline(ms: number, caller?: AbortSignal): Deadline {
  const controller = new AbortController();
  let limit = ms;
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, limit);
  };
  const onAbort = () => controller.abort();
  // An already-aborted signal never fires 'abort': cancel right away.
  if (caller?.aborted) controller.abort();
  else {
    caller?.addEventListener('abort', onAbort, { once: true });
    arm();
  }
  return {
    signal: controller.signal,
    reset(next) {
      if (next !== undefined) limit = next;
      if (!controller.signal.aborted) arm();
    },
    get timedOut() {
      return timedOut;
    },
    get cancelled() {
      return caller?.aborted === true;
    },
    get ms() {
      return limit;
    },
    dispose() {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    },
  };
}

/** Why a request or body read stopped without an answer: cancelled, timed out, or the network. */
export function transportFailure(deadline: Deadline): ApiFailure {
  if (deadline.cancelled) return { kind: 'network', message: 'Request cancelled' };
  if (deadline.timedOut) return { kind: 'timeout', message: `No response within ${Math.round(deadline.ms / 1000)} s` };
  return { kind: 'network', message: 'The server could not be reached' };
}

/** `fetch` that resolves to the response or to the failure (never throws). */
export async function fetchOrFailure(
  doFetch: FetchLike,
  url: string,
  init: RequestInit,
  deadline: Deadline,
): Promise<{ ok: true; response: Response } | { ok: false; error: ApiFailure }> {
  try {
    const response = await doFetch(url, { ...init, credentials: 'same-origin', cache: 'no-store', signal: deadline.signal });
    return { ok: true, response };
  } catch {
    return { ok: false, error: transportFailure(deadline) };
  }
}

/**
 * A non-2xx answer → the API's error: the body read here, then mapped as for every API call (`httpFailure`).
 * A metered session the server has closed (403 `session_ended`) also says why (`reason`): it is kept for the
 * notice that stays on screen (fallback-metering.ts).
 */
export async function readHttpFailure(response: Response): Promise<ApiFailure & { reason?: string }> {
  const body = await readJson(response);
  const failure = httpFailure(response, body);
  const reason = typeof body === 'object' && body !== null ? (body as { reason?: unknown }).reason : undefined;
  return failure.code === 'session_ended' && typeof reason === 'string' ? { ...failure, reason } : failure;
}

/**
 * The body's chunks; each one resets the deadline to `idleMs`. Ends quietly on abort, timeout or a
 * network error: `failure()` says which (undefined when the body simply ended).
 */
export function readChunks(response: Response, deadline: Deadline, idleMs: number): { chunks: AsyncIterable<Uint8Array>; failure(): ApiFailure | undefined } {
  let failure: ApiFailure | undefined;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const body = response.body;
    if (!body) return;
    const reader = body.getReader();
    // The body read ignores the fetch signal in some engines once headers are in: cancel it ourselves.
    const onAbort = () => void reader.cancel().catch(() => undefined);
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    deadline.reset(idleMs);
    try {
      for (;;) {
        if (deadline.signal.aborted) {
          failure = transportFailure(deadline);
          return;
        }
        let step: ReadableStreamReadResult<Uint8Array>;
        try {
          step = await reader.read();
        } catch {
          failure = transportFailure(deadline);
          return;
        }
        if (deadline.signal.aborted) {
          failure = transportFailure(deadline);
          return;
        }
        if (step.done) return;
        deadline.reset();
        if (step.value.length > 0) yield step.value;
      }
    } finally {
      deadline.signal.removeEventListener('abort', onAbort);
      // Stopped early (the consumer broke out, or done/error arrived): let the server know we went away.
      void reader.cancel().catch(() => undefined);
    }
  }
  return { chunks: chunks(), failure: () => failure };
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}
