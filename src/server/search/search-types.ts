/**
 * The search seam: one interface, three providers (openai | searxng | knowledge), chosen in one place.
 * Providers never throw raw upstream errors: every failure is a `SearchProviderError`, whose `kind`
 * and `retryable` let the search service decide (retry once, cool down, serve stale, fall back).
 */
export type SearchProviderName = 'openai' | 'searxng' | 'knowledge';

export interface Citation {
  title: string;
  url: string;
}

export interface SearchResult {
  /** Short and speakable: plain sentences, no Markdown, no URLs, no "[1]" markers, about 90 words at most. */
  answer: string;
  /** The links, for the screen. */
  citations: Citation[];
  provider: SearchProviderName;
}

export interface SearchProvider {
  readonly name: SearchProviderName;
  /** `query` is already validated (1–500 chars, trimmed, no control characters). */
  search(query: string, signal: AbortSignal): Promise<SearchResult>;
}

export type SearchFailureKind = 'timeout' | 'rate_limited' | 'unavailable' | 'bad_response' | 'auth';

export class SearchProviderError extends Error {
  constructor(
    readonly provider: SearchProviderName,
    readonly kind: SearchFailureKind,
    message: string,
    /** True when the same request may succeed if tried again soon (5xx, timeout, network). */
    readonly retryable: boolean,
    /** Upstream HTTP status, when there was one. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SearchProviderError';
  }
}
