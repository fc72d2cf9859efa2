/** The platform's library as a search provider, over the real articles in src/content/knowledge. */
import { describe, expect, it } from 'vitest';
import { getKnowledgeIndex } from '../../../src/server/search/knowledge';
import { LIBRARY_EMPTY_ANSWER, createKnowledgeSearchProvider } from '../../../src/server/search/providers/knowledge-search-provider';
import { SearchProviderError } from '../../../src/server/search/search-types';

const provider = createKnowledgeSearchProvider();
const signal = () => new AbortController().signal;

describe('knowledge search provider', () => {
  it('answers the EU AI Act question from the regulation article, saying it searched the library', async () => {
    const result = await provider.search('what does the EU AI Act require for high-risk systems?', signal());
    expect(result.provider).toBe('knowledge');
    expect(result.citations[0]).toEqual({ title: 'The EU AI Act: what it requires for high-risk AI systems', url: '/library/eu-ai-act-high-risk-systems' });
    expect(result.citations.length).toBeLessThanOrEqual(3);
    for (const c of result.citations) expect(c.url).toMatch(/^\/library\/[a-z0-9-]+$/);
    expect(result.answer.startsWith("From the platform's library: ")).toBe(true);
    expect(result.answer).not.toMatch(/\]\(|http|\*\*|#/);
  });

  it('says plainly that the library has nothing on a nonsense question', async () => {
    expect(await provider.search('zxqv plorbnix wumpfle', signal())).toEqual({ answer: LIBRARY_EMPTY_ANSWER, citations: [], provider: 'knowledge' });
    expect(LIBRARY_EMPTY_ANSWER).toBe("The platform's library has nothing on that yet.");
  });

  it('accepts an explicit index and honours an already-aborted signal', async () => {
    const withIndex = createKnowledgeSearchProvider({ index: getKnowledgeIndex(), maxCitations: 1 });
    expect((await withIndex.search('board reporting on AI', signal())).citations).toHaveLength(1);
    const controller = new AbortController();
    controller.abort();
    await expect(withIndex.search('board reporting', controller.signal)).rejects.toBeInstanceOf(SearchProviderError);
  });
});
