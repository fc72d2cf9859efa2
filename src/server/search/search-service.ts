/**
 * One search, as the coach experiences it: a fresh cached answer if there is one; otherwise the
 * provider (identical concurrent queries share one call; one retry on timeout/5xx; a 429 is not
 * hammered but sits out a cool-down); if the provider fails, the last good answer marked stale, else
 * the platform's library, saying so. Logs carry the query length, never its text.
 */
import { createHash } from 'node:crypto';
import { maskSecrets, type Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { ApiError } from '../http/api-error';
import { normaliseSearchQuery, type SearchCache } from './search-cache';
import { SearchProviderError, type SearchProvider, type SearchResult } from './search-types';

export interface SearchOutcome extends SearchResult {
  cached: boolean;
  stale: boolean;
}

export interface SearchServiceDeps {
  primary: SearchProvider;
  /** The library, when the primary is a web provider. */
  fallback: SearchProvider | undefined;
  cache: SearchCache;
  cacheSeconds: number;
  timeoutMs: number;
  metrics: Metrics;
  logger: Logger;
  /** Spends the upstream budget before a paid call; false = treat as rate limited. */
  admitUpstream?: () => Promise<boolean>;
  now?: () => number;
}

const RATE_LIMIT_COOLDOWN_MS = 30_000;

export function createSearchService(deps: SearchServiceDeps) {
  const now = deps.now ?? Date.now;
  /** The platform's library: the fallback of a web provider, or the primary itself. */
  const library = deps.fallback ?? deps.primary;
  const inFlight = new Map<string, Promise<SearchOutcome>>();
  let coolDownUntil = 0;

  async function attempt(provider: SearchProvider, query: string): Promise<SearchResult> {
    const stop = deps.metrics.searchResponseSeconds.startTimer({ provider: provider.name });
    try {
      return await provider.search(query, AbortSignal.timeout(deps.timeoutMs));
    } finally {
      stop();
    }
  }

  async function callPrimary(query: string): Promise<SearchResult> {
    const { primary } = deps;
    if (now() < coolDownUntil) throw new SearchProviderError(primary.name, 'rate_limited', 'cooling down after a 429', false, 429);
    if (deps.admitUpstream && !(await deps.admitUpstream())) {
      throw new SearchProviderError(primary.name, 'rate_limited', 'upstream budget exhausted', false);
    }
    try {
      return await attempt(primary, query);
    } catch (error) {
      const failure = asProviderError(primary, error);
      if (failure.kind === 'rate_limited') coolDownUntil = now() + RATE_LIMIT_COOLDOWN_MS;
      if (!failure.retryable) throw failure;
      note(failure, 'retrying');
      return attempt(primary, query).catch((again: unknown) => {
        throw asProviderError(primary, again);
      });
    }
  }

  function note(failure: SearchProviderError, action: string) {
    deps.metrics.apiErrors.inc({ service: `search.${failure.provider}`, status: String(failure.status ?? 0) });
    deps.logger.warn(
      { event: 'apiError', service: `search.${failure.provider}`, error: maskSecrets(`${failure.kind}: ${failure.message}`), statusCode: failure.status ?? 0, action },
      'apiError',
    );
  }

  async function run(key: string, query: string, libraryOnly: boolean): Promise<SearchOutcome> {
    const entry = await deps.cache.get(key);
    if (entry && now() - entry.storedAt < deps.cacheSeconds * 1000) {
      deps.metrics.searchCache.inc({ result: 'hit' });
      return { ...entry.result, cached: true, stale: false };
    }
    deps.metrics.searchCache.inc({ result: 'miss' });
    try {
      const result = libraryOnly ? await attempt(library, query) : await callPrimary(query);
      await deps.cache.set(key, { result, storedAt: now() });
      return { ...result, cached: false, stale: false };
    } catch (error) {
      if (libraryOnly) throw error; // the library is local: a failure here is a bug, not an outage
      const failure = asProviderError(deps.primary, error);
      note(failure, entry ? 'served stale cache' : deps.fallback ? 'fell back to the library' : 'gave up');
      if (entry) return { ...entry.result, cached: true, stale: true };
      if (deps.fallback) {
        const library = await attempt(deps.fallback, query);
        return {
          ...library,
          answer: `The web search is unavailable right now. ${library.answer}`,
          cached: false,
          stale: false,
        };
      }
      throw new ApiError(503, 'search_unavailable', 'Search is unavailable right now. Please try again shortly.', { 'Retry-After': '30' }, { retryAfter: 30 });
    }
  }

  return {
    providerName: deps.primary.name,
    /**
     * `libraryOnly`: answer from the platform's library whatever the configured provider (demo sessions,
     * which must never cause an upstream call).
     */
    async search(query: string, { libraryOnly = false }: { libraryOnly?: boolean } = {}): Promise<SearchOutcome> {
      const started = performance.now();
      const provider = libraryOnly ? library : deps.primary;
      const key = createHash('sha256').update(`${provider.name}\n${normaliseSearchQuery(query)}`).digest('hex').slice(0, 40);
      let pending = inFlight.get(key);
      if (!pending) {
        pending = run(key, query, libraryOnly && library !== deps.primary).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      try {
        const outcome = await pending;
        deps.metrics.searchRequests.inc({ provider: outcome.provider, outcome: outcome.stale ? 'stale' : outcome.cached ? 'cached' : 'ok' });
        deps.logger.info(
          {
            event: 'searchCompleted',
            provider: outcome.provider,
            queryLength: query.length,
            cached: outcome.cached,
            stale: outcome.stale,
            citations: outcome.citations.length,
            duration: Math.round(performance.now() - started),
          },
          'searchCompleted',
        );
        return outcome;
      } catch (error) {
        deps.metrics.searchRequests.inc({ provider: provider.name, outcome: 'error' });
        throw error;
      }
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;

function asProviderError(provider: SearchProvider, error: unknown): SearchProviderError {
  if (error instanceof SearchProviderError) return error;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new SearchProviderError(provider.name, 'timeout', 'search timed out', true);
  }
  return new SearchProviderError(provider.name, 'unavailable', error instanceof Error ? error.message : String(error), true);
}
