/**
 * Chooses the search provider from configuration (SEARCH_PROVIDER; `auto` = openai when a key is set,
 * else searxng when SEARXNG_URL is configured, else the platform's library) and wires the service.
 */
import OpenAI from 'openai';
import type { Redis } from 'ioredis';
import type { Config } from '../config';
import type { RateLimits } from '../limits/rate-limits';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { createKnowledgeSearchProvider } from './providers/knowledge-search-provider';
import { createOpenAISearchProvider } from './providers/openai-search-provider';
import { createSearxngSearchProvider } from './providers/searxng-search-provider';
import { createMemorySearchCache, createRedisSearchCache } from './search-cache';
import { createSearchService, type SearchService } from './search-service';
import type { SearchProvider, SearchProviderName } from './search-types';

export function resolveSearchProvider(config: Pick<Config, 'searchProvider' | 'openaiApiKey' | 'searxngUrl'>): SearchProviderName {
  if (config.searchProvider !== 'auto') return config.searchProvider;
  if (config.openaiApiKey) return 'openai';
  if (config.searxngUrl) return 'searxng';
  return 'knowledge';
}

export function createConfiguredSearchService(deps: {
  config: Config;
  redis: Redis | undefined;
  limits: RateLimits;
  metrics: Metrics;
  logger: Logger;
}): SearchService {
  const { config } = deps;
  const name = resolveSearchProvider(config);
  const library = createKnowledgeSearchProvider({});
  let primary: SearchProvider = library;
  if (name === 'openai') {
    const client = new OpenAI({ apiKey: config.openaiApiKey, baseURL: config.openaiBaseUrl, maxRetries: 0, timeout: config.searchTimeoutMs });
    primary = createOpenAISearchProvider({ client, model: config.openaiSearchModel, timeoutMs: config.searchTimeoutMs });
  } else if (name === 'searxng') {
    primary = createSearxngSearchProvider({ baseUrl: config.searxngUrl!, timeoutMs: config.searchTimeoutMs });
  }
  return createSearchService({
    primary,
    fallback: primary === library ? undefined : library,
    cache: deps.redis ? createRedisSearchCache(deps.redis) : createMemorySearchCache(),
    cacheSeconds: config.searchCacheSeconds,
    timeoutMs: config.searchTimeoutMs,
    metrics: deps.metrics,
    logger: deps.logger,
    admitUpstream: name === 'openai' ? async () => (await deps.limits.upstreamCalls()).allowed : undefined,
  });
}
