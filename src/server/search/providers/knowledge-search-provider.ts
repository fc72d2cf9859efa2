/**
 * The platform's own library as a search provider: the embedded default (no key, no SearXNG) and
 * the fallback when a web provider fails. Local and synchronous, so it cannot time out or be
 * rate-limited; the answer always says it came from the library, so the coach never passes library
 * content off as a web search. Citations stay site-relative (`/library/<slug>`): the browser
 * resolves them against whichever origin serves the page.
 */
import { answerFromKnowledge, getKnowledgeIndex, searchKnowledge, type KnowledgeIndex } from '../knowledge';
import { SearchProviderError, type SearchProvider } from '../search-types';

export interface KnowledgeSearchProviderOptions {
  /** Defaults to `getKnowledgeIndex()` (built once, on the first search). */
  index?: KnowledgeIndex;
  /** At most this many citations (default 3). */
  maxCitations?: number;
}

export const LIBRARY_EMPTY_ANSWER = "The platform's library has nothing on that yet.";

export function createKnowledgeSearchProvider(options: KnowledgeSearchProviderOptions = {}): SearchProvider {
  let index = options.index;
  return {
    name: 'knowledge',
    async search(query, signal) {
      if (signal.aborted) throw new SearchProviderError('knowledge', 'timeout', 'search cancelled before it started', false);
      try {
        // Lazily: building the index reads ~25 files; a server whose primary provider is a web
        // search may never need it.
        index ??= getKnowledgeIndex();
      } catch (error) {
        // A broken article is a deployment problem, not something a retry fixes.
        throw new SearchProviderError('knowledge', 'unavailable', `library index unavailable: ${(error as Error).message}`, false);
      }
      const results = searchKnowledge(index, query, { limit: 5 });
      if (results.length === 0) return { answer: LIBRARY_EMPTY_ANSWER, citations: [], provider: 'knowledge' };
      const { answer, citations } = answerFromKnowledge(results, { maxCitations: options.maxCitations ?? 3 });
      return { answer, citations, provider: 'knowledge' };
    },
  };
}
