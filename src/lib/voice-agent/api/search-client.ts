/**
 * Browser client for the coach's fact searches. Results are `ApiResult` values; nothing throws.
 *
 * The endpoint is chosen once per client by `resolveSearchEndpoint` (dev server, configured URL or the
 * built-in route) and memoised. If the dev server was chosen and a search cannot reach it (it was
 * stopped), the client falls back to the production rule for good and retries that search once there;
 * a page reload probes the dev server again.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import {
  SEARCH_PROVIDERS,
  type ApiResult,
  type Citation,
  type SearchProvider,
  type SearchResponse,
} from '../types/api';
import { isSafeHttpUrlOrPath, resolveSearchEndpoint, type SearchEndpoint, type SearchRouting } from './search-endpoint';
import { call, type RequestOptions } from './voice-agent-api';

/** Server-side search may take ~16 s (one retry included); leave room for the network. */
export const SEARCH_TIMEOUT_MS = 20_000;

/** The server accepts 1–500 characters after trimming. */
export const MAX_SEARCH_QUERY_LENGTH = 500;

export interface SearchClientDeps {
  /** The fetch to use for the probe and the searches (tests inject one). Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Dev-server health probe limit. Default 800 ms. */
  probeTimeoutMs?: number;
  /** Per-search limit. Default 20 s. */
  timeoutMs?: number;
}

export interface SearchClient {
  /** Search on behalf of `sessionId`. The query is trimmed before it is sent. */
  search(query: string, sessionId: string, options?: RequestOptions): Promise<ApiResult<SearchResponse>>;
  /** The endpoint searches currently go to (resolved on first use, then memoised). */
  endpoint(): Promise<SearchEndpoint>;
}

export function createSearchClient(routing: SearchRouting, deps: SearchClientDeps = {}): SearchClient {
  const resolveOptions = { fetch: deps.fetch, probeTimeoutMs: deps.probeTimeoutMs };
  let current: Promise<SearchEndpoint> | undefined;

  const endpoint = (): Promise<SearchEndpoint> => (current ??= resolveSearchEndpoint(routing, resolveOptions));

  /** The dev server behind `from` went away: switch (once, for every caller) to the production rule. */
  const fallBackFrom = (from: Promise<SearchEndpoint>): Promise<SearchEndpoint> => {
    if (current === from || current === undefined) current = resolveSearchEndpoint({ configuredUrl: routing.configuredUrl }, resolveOptions);
    return current;
  };

  const post = (url: string, query: string, sessionId: string, options: RequestOptions) =>
    call(url, { method: 'POST', body: { query, sessionId }, fetch: deps.fetch }, parseSearchResponse, {
      signal: options.signal,
      timeoutMs: options.timeoutMs ?? deps.timeoutMs ?? SEARCH_TIMEOUT_MS,
    });

  return {
    endpoint,
    async search(query, sessionId, options = {}) {
      const trimmed = query.trim();
      const chosen = endpoint();
      const first = await chosen;
      const result = await post(first.url, trimmed, sessionId, options);
      if (result.ok || result.error.kind !== 'network' || first.source !== 'dev-server' || options.signal?.aborted) {
        return result;
      }
      const fallback = await fallBackFrom(chosen);
      return post(fallback.url, trimmed, sessionId, options);
    },
  };
}

/**
 * Check a search body. Wrong shape → `null` (the caller reports `invalid-response`). Citations whose
 * url is not http(s) or a same-origin path are dropped: they are rendered as links.
 */
export function parseSearchResponse(body: unknown): SearchResponse | null {
  if (!isRecord(body)) return null;
  const { answer, citations, provider, cached, stale } = body;
  if (typeof answer !== 'string') return null;
  if (!isSearchProvider(provider)) return null;
  if (typeof cached !== 'boolean' || typeof stale !== 'boolean') return null;
  if (!Array.isArray(citations)) return null;
  const clean: Citation[] = [];
  for (const item of citations) {
    if (!isRecord(item) || typeof item.title !== 'string' || typeof item.url !== 'string') return null;
    const url = item.url.trim();
    if (isSafeHttpUrlOrPath(url)) clean.push({ title: item.title, url });
  }
  return { answer, citations: clean, provider, cached, stale };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSearchProvider(value: unknown): value is SearchProvider {
  return typeof value === 'string' && (SEARCH_PROVIDERS as readonly string[]).includes(value);
}
