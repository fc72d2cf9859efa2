/**
 * Ranking on real questions an executive (or the voice coach on their behalf) would ask. The same
 * index serves the coach's `knowledge` provider and the /library search.
 */
import { describe, expect, it } from 'vitest';
import { KNOWLEDGE_TOPICS } from '../../../src/content/knowledge-schema';
import { loadKnowledgeCorpus } from '../../../src/server/search/knowledge/knowledge-corpus';
import { createKnowledgeIndex, firstSentences, normaliseQuery, searchKnowledge, sentences } from '../../../src/server/search/knowledge/knowledge-index';

const index = createKnowledgeIndex(loadKnowledgeCorpus());
const top = (query: string) => searchKnowledge(index, query, { limit: 5 })[0]?.slug;

describe('ranking on real questions', () => {
  const cases: Array<[string, string]> = [
    ['what does the EU AI Act require for high-risk systems?', 'eu-ai-act-high-risk-systems'],
    ['high-risk EU AI Act', 'eu-ai-act-high-risk-systems'],
    ['What are deployer obligations for high risk AI?', 'eu-ai-act-high-risk-systems'],
    ['how do I build a business case for AI', 'building-the-ai-business-case'],
    ['ROI of AI', 'building-the-ai-business-case'],
    ['prompt injection risk', 'generative-ai-security'],
    ['how should I report AI to the board', 'board-reporting-on-ai'],
    ['which AI practices are banned in Europe', 'eu-ai-act-prohibited-practices-and-gpai'],
    ['general purpose AI model obligations', 'eu-ai-act-prohibited-practices-and-gpai'],
    ['NIST risk framework', 'ai-risk-management-nist-ai-rmf'],
    ['how do we measure whether our AI programme works', 'measuring-ai-programmes'],
    ['KPIs for AI', 'measuring-ai-programmes'],
    ['what does generative AI really cost us', 'total-cost-of-ownership-generative-ai'],
    ['should we build or buy', 'build-buy-or-partner'],
    ['contract terms with AI suppliers', 'ai-vendor-selection-and-contracts'],
    ['UK approach to AI regulation', 'ai-regulation-beyond-the-eu'],
    ['China generative AI rules', 'ai-regulation-beyond-the-eu'],
    ['data quality for AI', 'data-readiness-for-ai'],
    ['why do AI pilots fail', 'pilot-to-production'],
    ['controls for autonomous agents', 'ai-agents-in-the-enterprise'],
    ['who owns AI generated content', 'ip-and-copyright-in-generative-ai'],
    ['GDPR automated decisions', 'privacy-and-personal-data-in-ai'],
    ['bias in hiring algorithms', 'responsible-ai-and-bias'],
    ['upskilling staff', 'ai-talent-and-upskilling'],
    ['what should I tell employees about jobs', 'ai-and-the-workforce'],
    ['our chatbot gave customers wrong answers what do we do', 'ai-incident-response'],
    ['AI forecasting in finance', 'ai-in-the-finance-function'],
    ['driving adoption of AI tools', 'change-management-for-ai-adoption'],
    ['enterprise AI strategy', 'ai-strategy-for-the-enterprise'],
  ];
  it.each(cases)('%s → %s first', (query, slug) => {
    expect(top(query)).toBe(slug);
  });

  it('tolerates typos', () => {
    expect(top('goverance operating model')).toBe('ai-governance-operating-model');
    expect(top('promt injecton')).toBe('generative-ai-security');
    expect(top('EU AI Act high-risk requirments')).toBe('eu-ai-act-high-risk-systems');
  });

  it('matches the last word as a prefix (speech cut short, typing in progress)', () => {
    expect(top('prompt inj')).toBe('generative-ai-security');
  });

  it('returns [] for nonsense, stop words only and empty queries', () => {
    expect(searchKnowledge(index, 'zxqv blorptangle')).toEqual([]);
    expect(searchKnowledge(index, 'qwxz vvbnm plokij')).toEqual([]);
    expect(searchKnowledge(index, 'the and of what is')).toEqual([]);
    expect(searchKnowledge(index, '   ')).toEqual([]);
    expect(searchKnowledge(index, '\u0000\u0007')).toEqual([]);
  });
});

describe('result shape', () => {
  const results = searchKnowledge(index, 'what does the EU AI Act require for high-risk systems?', { limit: 5 });

  it('carries slug, title, summary, topic, url, score and a plain-text snippet ≤ 300 chars', () => {
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThanOrEqual(5);
    for (const r of results) {
      expect(r.url).toBe(`/library/${r.slug}`);
      expect(KNOWLEDGE_TOPICS).toContain(r.topic);
      expect(r.title.length).toBeGreaterThan(0);
      expect(r.summary.length).toBeGreaterThan(0);
      expect(r.score).toBeGreaterThan(0);
      expect(r.snippet.length).toBeGreaterThan(20);
      expect(r.snippet.length).toBeLessThanOrEqual(300);
      expect(r.snippet).not.toMatch(/\*\*|\]\(|^#|`/);
    }
    const scores = results.map((r) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('takes the snippet from the best-matching section, not the sources list', () => {
    expect(results[0]!.section).toBe('The requirements for the system itself');
    expect(results[0]!.snippet).toMatch(/^Providers must ensure a high-risk system meets Articles 9 to 15/);
    for (const q of ['NIST AI 100-1', 'OWASP Top 10 for LLM Applications', 'ISO/IEC 42001']) {
      for (const r of searchKnowledge(index, q)) expect(r.section).not.toMatch(/^Sources/);
    }
  });

  it('respects limit and topic', () => {
    expect(searchKnowledge(index, 'AI', { limit: 2 })).toHaveLength(2);
    expect(searchKnowledge(index, 'AI', { limit: 500 }).length).toBeLessThanOrEqual(50);
    const regulation = searchKnowledge(index, 'risk', { topic: 'regulation', limit: 50 });
    expect(regulation.length).toBeGreaterThan(0);
    expect(regulation.every((r) => r.topic === 'regulation')).toBe(true);
  });

  it('drops weak tails (below 10 % of the best score) unless asked not to', () => {
    const all = searchKnowledge(index, 'prompt injection risk', { limit: 50, minRelativeScore: 0 });
    const kept = searchKnowledge(index, 'prompt injection risk', { limit: 50 });
    expect(kept.length).toBeLessThan(all.length);
    expect(kept.every((r) => r.score >= kept[0]!.score * 0.1)).toBe(true);
  });
});

describe('text helpers', () => {
  it('normaliseQuery strips control characters and caps the length', () => {
    expect(normaliseQuery('  a\u0000b\n\tc  ')).toBe('a b c');
    expect(normaliseQuery('x'.repeat(900))).toHaveLength(500);
  });

  it('sentences do not split on abbreviations or list numbers', () => {
    expect(sentences('See Art. 9 of the Act. Then read e.g. Annex III. In Moffatt v. Air Canada it failed.')).toEqual([
      'See Art. 9 of the Act.',
      'Then read e.g. Annex III.',
      'In Moffatt v. Air Canada it failed.',
    ]);
  });

  it('firstSentences keeps whole sentences within the limit and cuts an over-long first one at a word', () => {
    expect(firstSentences('One two three four. Five six seven eight. Nine ten eleven twelve.', 300)).toBe('One two three four. Five six seven eight.');
    const cut = firstSentences(`${'word '.repeat(100)}end.`, 50);
    expect(cut.length).toBeLessThanOrEqual(50);
    expect(cut.endsWith('…')).toBe(true);
    expect(firstSentences('Short heading. This sentence has enough words.', 300)).toBe('This sentence has enough words.');
  });
});
