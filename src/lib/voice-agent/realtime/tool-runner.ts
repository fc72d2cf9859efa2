/**
 * Runs the coach's function calls (protocol brief §5) and hands the results back to the model.
 *
 * A call is recognised from `response.function_call_arguments.done`, a completed `function_call` item in
 * `response.output_item.done`, or the `response.done` summary, whichever comes first; each `call_id`
 * runs once. `web_search` goes to the injected search (the browser search client's shape); any
 * failure, bad arguments or unknown tool becomes an `{error}` output in plain words, so the model can
 * tell the user instead of waiting in silence. Nothing here throws.
 *
 * The follow-up `response.create` is requested through the sequencer, once per calling response and
 * only after that response is done and all its calls have their outputs (several calls, one reply). If
 * the calling response was cancelled or failed (the user barged in), the outputs are still sent, to
 * keep the conversation consistent, but no reply is requested: the user has moved on.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { MAX_SEARCH_QUERY_LENGTH } from '../api/search-client';
import type { ApiFailure, ApiResult, SearchResponse } from '../types/api';
import { functionCallOutputItem, isKnownServerEvent, type ClientEvent, type RealtimeInput } from './realtime-events';
import type { RealtimeItem } from './server-event-types';

export const WEB_SEARCH_TOOL_NAME = 'web_search';

/** Sources passed back to the model; the UI gets them all through the notice. */
const MAX_SOURCES_FOR_MODEL = 5;

export type ToolNotice =
  | { kind: 'search-started'; callId: string; query: string }
  | { kind: 'search-finished'; callId: string; query: string; result: SearchResponse }
  | { kind: 'search-finished'; callId: string; query: string; failure: ApiFailure }
  | { kind: 'tool-failed'; callId: string; name: string; message: string };

export interface ToolRunnerDeps {
  send(event: ClientEvent): void;
  search(query: string): Promise<ApiResult<SearchResponse>>;
  /** The response sequencer's `requestResponse`. */
  requestResponse(): void;
  notify?(notice: ToolNotice): void;
}

export interface ToolRunner {
  handle(event: RealtimeInput): void;
  /** Resolves when every call started so far has sent its output (tests, orderly shutdown). */
  idle(): Promise<void>;
  /** Stop: results arriving later are dropped, nothing more is sent. */
  dispose(): void;
}

interface CallingResponse {
  pending: number;
  done: boolean;
  status?: string;
  requested: boolean;
}

export function createToolRunner(deps: ToolRunnerDeps): ToolRunner {
  const seen = new Set<string>();
  const responses = new Map<string, CallingResponse>();
  const running = new Set<Promise<void>>();
  let disposed = false;

  const responseFor = (id: string): CallingResponse => {
    let r = responses.get(id);
    if (!r) responses.set(id, (r = { pending: 0, done: false, requested: false }));
    return r;
  };

  const maybeRequest = (r: CallingResponse) => {
    if (disposed || !r.done || r.pending > 0 || r.requested) return;
    r.requested = true;
    if (r.status === 'cancelled' || r.status === 'failed') return;
    try {
      deps.requestResponse();
    } catch {
      /* same: never let a send failure escape into the event loop */
    }
  };

  const notify = (notice: ToolNotice) => {
    try {
      deps.notify?.(notice);
    } catch {
      /* a UI callback must not break the conversation */
    }
  };

  const start = (callId: string, name: string, args: string, responseId: string | undefined) => {
    if (disposed || seen.has(callId)) return;
    seen.add(callId);
    // A call with no response id cannot wait for its response: treat that response as done.
    const r = responseId ? responseFor(responseId) : { pending: 0, done: true, requested: false };
    r.pending += 1;
    const task = runTool(callId, name, args).then((output) => {
      if (disposed) return;
      try {
        deps.send(functionCallOutputItem(callId, output));
      } catch {
        /* the transport reports its own failures; the reply is still owed */
      }
      r.pending -= 1;
      maybeRequest(r);
    });
    running.add(task);
    void task.finally(() => running.delete(task));
  };

  const runTool = async (callId: string, name: string, args: string): Promise<string> => {
    if (name !== WEB_SEARCH_TOOL_NAME) {
      notify({ kind: 'tool-failed', callId, name, message: 'unknown tool' });
      return JSON.stringify({ error: 'unknown tool' });
    }
    const query = readQuery(args);
    if (query === null) {
      const message = 'The search request was malformed: it needs a non-empty "query" text.';
      notify({ kind: 'tool-failed', callId, name, message });
      return JSON.stringify({ error: message });
    }
    notify({ kind: 'search-started', callId, query });
    let result: ApiResult<SearchResponse>;
    try {
      result = await deps.search(query);
    } catch (err) {
      result = { ok: false, error: { kind: 'network', message: err instanceof Error ? err.message : String(err) } };
    }
    if (disposed) return '';
    if (result.ok) {
      notify({ kind: 'search-finished', callId, query, result: result.data });
      return searchOutput(result.data);
    }
    notify({ kind: 'search-finished', callId, query, failure: result.error });
    return JSON.stringify({ error: describeSearchFailure(result.error) });
  };

  const fromItem = (item: RealtimeItem, responseId: string | undefined) => {
    if (item.type !== 'function_call' || item.status !== 'completed') return;
    if (typeof item.call_id !== 'string' || typeof item.name !== 'string') return;
    start(item.call_id, item.name, typeof item.arguments === 'string' ? item.arguments : '', responseId);
  };

  return {
    handle(event) {
      if (disposed || !isKnownServerEvent(event)) return;
      if (event.type === 'response.function_call_arguments.done') {
        start(event.call_id, event.name, event.arguments, event.response_id);
      } else if (event.type === 'response.output_item.done') {
        fromItem(event.item, event.response_id);
      } else if (event.type === 'response.done') {
        for (const item of event.response.output ?? []) fromItem(item, event.response.id);
        const r = responses.get(event.response.id);
        if (!r) return;
        r.done = true;
        r.status = event.response.status;
        maybeRequest(r);
      }
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
    dispose() {
      disposed = true;
    },
  };
}

/** `{"query": "…"}` → the trimmed query (capped at the search API's limit), or null. */
export function readQuery(args: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const query = (parsed as { query?: unknown }).query;
  if (typeof query !== 'string' || query.trim() === '') return null;
  return query.trim().slice(0, MAX_SEARCH_QUERY_LENGTH);
}

/** The compact JSON the model gets: the answer, where it came from, and whether it may be dated. */
export function searchOutput(data: SearchResponse): string {
  const sources = data.citations.slice(0, MAX_SOURCES_FOR_MODEL).map(({ title, url }) => ({ title, url }));
  return JSON.stringify({ answer: data.answer, sources, ...(data.stale ? { stale: true } : {}), provider: data.provider });
}

/** Plain words the model can pass on to the user. */
export function describeSearchFailure(failure: ApiFailure): string {
  switch (failure.kind) {
    case 'timeout':
      return 'The search took too long and was stopped.';
    case 'network':
      return 'The search service could not be reached.';
    case 'invalid-response':
      return 'The search service gave an answer that could not be read.';
    case 'http':
      if (failure.status === 429) return 'Too many searches just now; try again in a minute.';
      if (failure.status === 401 || failure.status === 403) return 'Search is not available for this session.';
      if (failure.status !== undefined && failure.status < 500) return 'The search request was not accepted.';
      return 'The search service is unavailable right now.';
  }
}
