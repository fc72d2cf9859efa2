/**
 * The knowledge index: full-text search over the platform's articles, shared by the coach's
 * `knowledge` search provider and the /library page (one index, one ranking).
 *
 * Why MiniSearch: small and zero-dependency, fully in memory, BM25+ scoring with per-field boosts,
 * prefix and fuzzy matching out of the box, and a serialisable index (toJSON / loadJSON) should we
 * ever want to prebuild it. Orama is heavier (a database with schemas, plugins and async APIs we do
 * not need for ~25 documents); FlexSearch is fast but its API and TypeScript typings are rougher.
 *
 * Pure functions over an immutable index: build once with `createKnowledgeIndex(docs)`, then call
 * `searchKnowledge` and `answerFromKnowledge` as often as needed.
 */
import MiniSearch from 'minisearch';
import type { KnowledgeTopic } from '../../../content/knowledge-schema';
import type { KnowledgeDoc, KnowledgeSection } from './knowledge-corpus';
import { processTerm, terms, tokenize } from './text-terms';

export interface KnowledgeSearchResult {
  slug: string;
  title: string;
  summary: string;
  topic: KnowledgeTopic;
  /** Site-relative: `/library/<slug>`. */
  url: string;
  score: number;
  /** The best-matching section's first sentences, plain text, at most 300 characters. */
  snippet: string;
  /** Heading of the section the snippet comes from ('' for the introduction). */
  section: string;
}

export interface SearchKnowledgeOptions {
  /** Maximum results (default 5, at most 50). */
  limit?: number;
  /** Only articles of this topic. */
  topic?: KnowledgeTopic;
  /** Drop results scoring below this fraction of the best one (default 0.1): weak tails are noise. */
  minRelativeScore?: number;
}

export interface KnowledgeCitation {
  title: string;
  url: string;
}

export interface KnowledgeAnswer {
  answer: string;
  citations: KnowledgeCitation[];
}

interface SectionStats {
  heading: string;
  text: string;
  headingTerms: ReadonlySet<string>;
  counts: ReadonlyMap<string, number>;
  /** Number of terms (after stop words). */
  length: number;
  kind: 'body' | 'questions' | 'sources';
}

export interface KnowledgeIndex {
  readonly size: number;
  readonly docs: ReadonlyMap<string, KnowledgeDoc>;
  /** @internal */
  readonly engine: MiniSearch<KnowledgeDoc>;
  /** @internal per-document section statistics for snippet selection */
  readonly sections: ReadonlyMap<string, readonly SectionStats[]>;
  /** @internal number of sections (across the corpus) containing each term */
  readonly sectionFrequency: ReadonlyMap<string, number>;
  /** @internal */
  readonly sectionTotal: number;
}

export const MAX_QUERY_CHARS = 500;
export const SNIPPET_MAX_CHARS = 300;
export const ANSWER_MAX_WORDS = 80;
export const ANSWER_PREFIX = "From the platform's library:";
const FIELD_BOOSTS = { title: 3, summary: 2, tags: 2, headings: 1.5, body: 1 };

export function knowledgeUrl(slug: string): string {
  return `/library/${encodeURIComponent(slug)}`;
}

export function createKnowledgeIndex(docs: readonly KnowledgeDoc[]): KnowledgeIndex {
  const engine = new MiniSearch<KnowledgeDoc>({
    idField: 'slug',
    fields: ['title', 'summary', 'tags', 'headings', 'body'],
    storeFields: [],
    tokenize,
    processTerm,
    extractField: (doc, field) => {
      const value = (doc as unknown as Record<string, unknown>)[field];
      return Array.isArray(value) ? value.join(' \n ') : String(value ?? '');
    },
    searchOptions: {
      boost: FIELD_BOOSTS,
      combineWith: 'OR',
      // Prefix only for the last term (the one a person may still be typing or the speech
      // recogniser may have cut), fuzzy (20 % of the term length) for words of four letters or more.
      prefix: (_term, i, all) => i === all.length - 1,
      fuzzy: (term) => (term.length >= 4 ? 0.2 : false),
      maxFuzzy: 3,
    },
  });
  const byslug = new Map<string, KnowledgeDoc>();
  for (const doc of docs) {
    if (byslug.has(doc.slug)) throw new Error(`duplicate knowledge slug: ${doc.slug}`);
    byslug.set(doc.slug, doc);
  }
  engine.addAll([...byslug.values()]);

  const sections = new Map<string, SectionStats[]>();
  const sectionFrequency = new Map<string, number>();
  let sectionTotal = 0;
  for (const doc of byslug.values()) {
    const stats = doc.sections.map((s) => sectionStats(s));
    for (const s of stats) {
      sectionTotal += 1;
      for (const term of new Set([...s.counts.keys(), ...s.headingTerms])) {
        sectionFrequency.set(term, (sectionFrequency.get(term) ?? 0) + 1);
      }
    }
    sections.set(doc.slug, stats);
  }
  return { size: byslug.size, docs: byslug, engine, sections, sectionFrequency, sectionTotal };
}

function sectionStats(section: KnowledgeSection): SectionStats {
  const counts = new Map<string, number>();
  const sectionTerms = terms(section.text);
  for (const t of sectionTerms) counts.set(t, (counts.get(t) ?? 0) + 1);
  const kind = /^sources\b/i.test(section.heading) ? 'sources' : /^questions\b/i.test(section.heading) ? 'questions' : 'body';
  return { heading: section.heading, text: section.text, headingTerms: new Set(terms(section.heading)), counts, length: sectionTerms.length, kind };
}

/** Trims, strips control characters, caps the length. */
export function normaliseQuery(query: string): string {
  return query
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_QUERY_CHARS);
}

export function searchKnowledge(index: KnowledgeIndex, query: string, options: SearchKnowledgeOptions = {}): KnowledgeSearchResult[] {
  const limit = Math.max(1, Math.min(50, Math.floor(options.limit ?? 5)));
  const text = normaliseQuery(query);
  const queryTerms = terms(text);
  if (queryTerms.length === 0) return [];
  const { topic } = options;
  const hits = index.engine.search(text, topic ? { filter: (r) => index.docs.get(String(r.id))?.topic === topic } : {});
  const ranked = hits
    .map((hit) => {
      // Reward covering more of the question: BM25 sums per-term scores, which lets one very
      // frequent term outweigh a document that answers every part of the question.
      const coverage = new Set(hit.queryTerms).size / new Set(queryTerms).size;
      return { hit, score: hit.score * (0.5 + coverage) };
    })
    .sort((a, b) => b.score - a.score);
  const floor = (ranked[0]?.score ?? 0) * Math.max(0, Math.min(1, options.minRelativeScore ?? 0.1));
  const kept = ranked.filter((r) => r.score >= floor).slice(0, limit);
  const results: KnowledgeSearchResult[] = [];
  for (const { hit, score } of kept) {
    const doc = index.docs.get(String(hit.id));
    if (!doc) continue;
    const best = bestSection(index, doc.slug, hit.terms);
    results.push({
      slug: doc.slug,
      title: doc.title,
      summary: doc.summary,
      topic: doc.topic,
      url: knowledgeUrl(doc.slug),
      score: Math.round(score * 1000) / 1000,
      snippet: best ? firstSentences(best.text, SNIPPET_MAX_CHARS) : firstSentences(doc.summary, SNIPPET_MAX_CHARS),
      section: best?.heading ?? '',
    });
  }
  return results;
}

/**
 * The section where the matched document terms weigh most: BM25 over the article's sections (rare
 * terms count more, long sections do not win by length alone), a heading match counting like a
 * strong occurrence; the introduction (which the summary already covers) and the questions list
 * are discounted.
 */
function bestSection(index: KnowledgeIndex, slug: string, matchedTerms: readonly string[]): SectionStats | undefined {
  const sections = (index.sections.get(slug) ?? []).filter((s) => s.kind !== 'sources' && s.text.length > 0);
  const avgLength = sections.reduce((n, s) => n + s.length, 0) / Math.max(1, sections.length);
  const k1 = 1.2;
  const b = 0.4;
  let best: SectionStats | undefined;
  let bestScore = 0;
  for (const s of sections) {
    let score = 0;
    for (const term of new Set(matchedTerms)) {
      const count = s.counts.get(term) ?? 0;
      const inHeading = s.headingTerms.has(term);
      if (count === 0 && !inHeading) continue;
      const idf = Math.log(1 + index.sectionTotal / (index.sectionFrequency.get(term) ?? 1));
      const tf = (count * (k1 + 1)) / (count + k1 * (1 - b + (b * s.length) / avgLength));
      score += idf * (tf + (inHeading ? 1.5 : 0));
    }
    if (s.kind === 'questions') score *= 0.5;
    if (s.heading === '') score *= 0.7; // the summary already gives the overview
    if (score > bestScore) {
      best = s;
      bestScore = score;
    }
  }
  return best ?? sections[0];
}

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Splits plain text into sentences. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?…])(?<!\b(?:Art|Arts|No|Nos|e\.g|i\.e|cf|Mr|Mrs|Ms|Dr|St|vs|v|Rev|Sec|Inc|Ltd|Co|Corp|approx)\.)(?<!(?:^|\s)\d{1,2}\.)["”’)]?\s+(?=["“(]?[\p{Lu}\p{N}])/u)
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Up to two whole sentences within `maxChars`; a first sentence longer than that is cut at a word.
 * Fragments of fewer than four words (sub-headings such as "1. System quality.") are skipped.
 */
export function firstSentences(text: string, maxChars: number, maxSentences = 2): string {
  const all = sentences(text);
  const full = all.filter((s) => wordCount(s) >= 4);
  const parts = full.length > 0 ? full : all;
  let out = '';
  for (const sentence of parts.slice(0, maxSentences)) {
    const next = out ? `${out} ${sentence}` : sentence;
    if (next.length > maxChars) break;
    out = next;
  }
  if (out) return out;
  const first = parts[0] ?? text.trim();
  if (first.length <= maxChars) return first;
  const cut = first.slice(0, maxChars - 1);
  const atWord = cut.slice(0, Math.max(cut.lastIndexOf(' '), Math.floor(maxChars / 2))).replace(/[\s,;:.–—-]+$/, '');
  return `${atWord}…`;
}

/**
 * A short spoken answer from the top result (summary, then as much of the snippet as fits in
 * ~80 words), honestly labelled as coming from the platform's library, with citations for the screen.
 */
export function answerFromKnowledge(
  results: readonly KnowledgeSearchResult[],
  options: { baseUrl?: string; maxCitations?: number } = {},
): KnowledgeAnswer {
  const top = results[0];
  if (!top) {
    return { answer: `${ANSWER_PREFIX} nothing in the library matches that question.`, citations: [] };
  }
  const base = options.baseUrl?.replace(/\/+$/, '') ?? '';
  const citations = results.slice(0, Math.max(1, options.maxCitations ?? 3)).map((r) => ({ title: r.title, url: `${base}${r.url}` }));
  let answer = `${ANSWER_PREFIX} ${top.summary}`;
  const summaryTerms = new Set(terms(top.summary));
  for (const sentence of sentences(top.snippet)) {
    if (sentence.endsWith('…')) break;
    const sentenceTerms = terms(sentence);
    const overlap = sentenceTerms.filter((t) => summaryTerms.has(t)).length / Math.max(1, sentenceTerms.length);
    if (overlap > 0.7) continue; // says what the summary already said
    if (wordCount(answer) + wordCount(sentence) > ANSWER_MAX_WORDS) break;
    answer += ` ${sentence}`;
  }
  return { answer, citations };
}
