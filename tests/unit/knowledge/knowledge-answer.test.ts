/** The spoken answer the coach reads aloud when it searched the platform's own library. */
import { describe, expect, it } from 'vitest';
import { loadKnowledgeCorpus } from '../../../src/server/search/knowledge/knowledge-corpus';
import {
  ANSWER_MAX_WORDS,
  answerFromKnowledge,
  createKnowledgeIndex,
  searchKnowledge,
  type KnowledgeSearchResult,
} from '../../../src/server/search/knowledge/knowledge-index';

const index = createKnowledgeIndex(loadKnowledgeCorpus());
const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

describe('answerFromKnowledge', () => {
  it('answers the EU AI Act question from the regulation article, honestly labelled, short enough to speak', () => {
    const results = searchKnowledge(index, 'what does the EU AI Act require for high-risk systems?');
    const { answer, citations } = answerFromKnowledge(results);
    expect(answer.startsWith("From the platform's library: ")).toBe(true);
    expect(answer).toContain(results[0]!.summary);
    expect(answer).toMatch(/risk management system/);
    expect(words(answer)).toBeLessThanOrEqual(ANSWER_MAX_WORDS);
    expect(citations[0]).toEqual({ title: 'The EU AI Act: what it requires for high-risk AI systems', url: '/library/eu-ai-act-high-risk-systems' });
    expect(citations.length).toBeLessThanOrEqual(3);
  });

  it('stays within ~80 words for every article and carries no Markdown', () => {
    for (const doc of loadKnowledgeCorpus()) {
      const { answer } = answerFromKnowledge(searchKnowledge(index, doc.title));
      expect(words(answer), doc.slug).toBeLessThanOrEqual(ANSWER_MAX_WORDS);
      expect(answer).not.toMatch(/\*\*|\]\(|`|#/);
    }
  });

  it('adds snippet sentences that fit, skips ones that repeat the summary, never a cut sentence', () => {
    const base: KnowledgeSearchResult = {
      slug: 's',
      title: 'T',
      summary: 'Boards need short reports on AI value and risk.',
      topic: 'governance',
      url: '/library/s',
      score: 1,
      snippet: 'Boards need short reports on AI value and risk. Keep the format stable each quarter.',
      section: 'x',
    };
    expect(answerFromKnowledge([base]).answer).toBe(
      "From the platform's library: Boards need short reports on AI value and risk. Keep the format stable each quarter.",
    );
    expect(answerFromKnowledge([{ ...base, snippet: 'A sentence cut off in the…' }]).answer).toBe(
      "From the platform's library: Boards need short reports on AI value and risk.",
    );
  });

  it('makes citation URLs absolute with a base URL, and limits them', () => {
    const results = searchKnowledge(index, 'AI governance', { limit: 5 });
    const { citations } = answerFromKnowledge(results, { baseUrl: 'https://exec.example.com/', maxCitations: 2 });
    expect(citations).toHaveLength(2);
    for (const c of citations) expect(c.url).toMatch(/^https:\/\/exec\.example\.com\/library\/[a-z0-9-]+$/);
  });

  it('says plainly when nothing matched', () => {
    expect(answerFromKnowledge([])).toEqual({ answer: "From the platform's library: nothing in the library matches that question.", citations: [] });
  });
});
