/**
 * The knowledge corpus: the platform's Markdown articles (src/content/knowledge/*.md) read from disk,
 * frontmatter validated with the same schema as Astro's `knowledge` collection, bodies turned into
 * plain text and split into `##` sections for snippet selection.
 *
 * Plain Node only (the standalone search server runs this under `tsx`): no `astro:*` imports. The
 * Astro side can build the same documents from collection entries with `toKnowledgeDoc`, so the
 * library page and the coach rank with one index.
 *
 * YAML: the `yaml` package (YAML 1.2, ships its own types). Astro parses frontmatter with js-yaml,
 * which turns unquoted dates into Date objects where `yaml` keeps strings; the schema's
 * `z.coerce.date()` accepts both, so both readers produce the same data.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { knowledgeSchema, type KnowledgeFrontmatter, type KnowledgeSource, type KnowledgeTopic } from '../../../content/knowledge-schema';
import { markdownToPlainText } from './markdown-text';

export const DEFAULT_KNOWLEDGE_DIR = path.resolve(process.cwd(), 'src/content/knowledge');

export interface KnowledgeSection {
  /** The `##` heading; '' for the introduction before the first heading. */
  heading: string;
  /** Plain text of the section (including any `###` sub-headings). */
  text: string;
}

export interface KnowledgeDoc {
  slug: string;
  title: string;
  summary: string;
  topic: KnowledgeTopic;
  tags: string[];
  audience: string[];
  updated: Date;
  sources: KnowledgeSource[];
  /** `##` and `###` headings, in order. */
  headings: string[];
  /** The whole body as plain text. */
  body: string;
  sections: KnowledgeSection[];
  wordCount: number;
}

/** A file that cannot be loaded: the message names the file and, for schema errors, the field. */
export class KnowledgeCorpusError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'KnowledgeCorpusError';
  }
}

const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const FRONTMATTER = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Splits a Markdown file into its YAML frontmatter (unparsed) and its body. */
export function splitFrontmatter(raw: string): { frontmatter: string; body: string } | null {
  const match = FRONTMATTER.exec(raw);
  if (!match) return null;
  return { frontmatter: match[1] ?? '', body: raw.slice(match[0].length) };
}

/** Parses and validates one article. `fileName` is used for the slug and in error messages. */
export function parseKnowledgeArticle(fileName: string, raw: string): KnowledgeDoc {
  const base = path.basename(fileName);
  const slug = base.replace(/\.md$/i, '');
  if (!SLUG_PATTERN.test(slug)) {
    throw new KnowledgeCorpusError(`Knowledge article ${base}: the file name must be a lowercase kebab-case slug`, base);
  }
  const parts = splitFrontmatter(raw);
  if (!parts) {
    throw new KnowledgeCorpusError(`Knowledge article ${base}: missing YAML frontmatter (--- … --- at the top of the file)`, base);
  }
  let data: unknown;
  try {
    data = parseYaml(parts.frontmatter);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new KnowledgeCorpusError(`Knowledge article ${base}: frontmatter is not valid YAML: ${reason}`, base);
  }
  const result = knowledgeSchema.safeParse(data ?? {});
  if (!result.success) {
    const [first, ...rest] = result.error.issues.map((i) => ({ field: i.path.join('.') || '(frontmatter)', message: i.message }));
    const field = first?.field ?? '(frontmatter)';
    const more = rest.map((i) => `; also "${i.field}": ${i.message}`).join('');
    throw new KnowledgeCorpusError(`Knowledge article ${base}: invalid frontmatter field "${field}": ${first?.message ?? 'invalid'}${more}`, base, field);
  }
  return toKnowledgeDoc(slug, result.data, parts.body);
}

/** Builds a document from validated frontmatter and the Markdown body (also used with Astro collection entries). */
export function toKnowledgeDoc(slug: string, data: KnowledgeFrontmatter, markdownBody: string): KnowledgeDoc {
  const sections = splitSections(markdownBody);
  const body = sections
    .map((s) => (s.heading ? `${s.heading}. ${s.text}` : s.text))
    .join('\n\n')
    .trim();
  return {
    slug,
    title: data.title,
    summary: data.summary,
    topic: data.topic,
    tags: [...data.tags],
    audience: [...data.audience],
    updated: data.updated,
    sources: data.sources ? data.sources.map((s) => ({ ...s })) : [],
    headings: extractHeadings(markdownBody),
    body,
    sections,
    wordCount: countWords(body),
  };
}

/** Splits a Markdown body at `##` headings (outside code fences). */
export function splitSections(markdownBody: string): KnowledgeSection[] {
  const sections: Array<{ heading: string; lines: string[] }> = [{ heading: '', lines: [] }];
  let inFence = false;
  for (const line of markdownBody.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = !inFence ? /^##\s+(.+?)\s*#*\s*$/.exec(line) : null;
    if (heading) sections.push({ heading: markdownToPlainText(heading[1] ?? ''), lines: [] });
    else sections[sections.length - 1]!.lines.push(line);
  }
  return sections
    .map((s) => ({ heading: s.heading, text: markdownToPlainText(s.lines.join('\n')) }))
    .filter((s) => s.heading !== '' || s.text !== '');
}

function extractHeadings(markdownBody: string): string[] {
  const headings: string[] = [];
  let inFence = false;
  for (const line of markdownBody.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const match = !inFence ? /^#{2,3}\s+(.+?)\s*#*\s*$/.exec(line) : null;
    if (match) headings.push(markdownToPlainText(match[1] ?? ''));
  }
  return headings;
}

export function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** Reads and validates every `*.md` file in `dir`, sorted by slug. Throws KnowledgeCorpusError on the first bad file. */
export function readKnowledgeCorpus(dir: string = DEFAULT_KNOWLEDGE_DIR): KnowledgeDoc[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.md'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new KnowledgeCorpusError(`Knowledge directory ${dir} cannot be read: ${reason}`, dir);
  }
  names.sort();
  const docs = names.map((name) => parseKnowledgeArticle(name, readFileSync(path.join(dir, name), 'utf8')));
  const seen = new Set<string>();
  for (const doc of docs) {
    if (seen.has(doc.slug)) throw new KnowledgeCorpusError(`Knowledge article ${doc.slug}.md: duplicate slug`, `${doc.slug}.md`);
    seen.add(doc.slug);
  }
  return docs;
}

const cache = new Map<string, readonly KnowledgeDoc[]>();

/** `readKnowledgeCorpus`, read once per directory and kept in memory. */
export function loadKnowledgeCorpus(dir: string = DEFAULT_KNOWLEDGE_DIR): readonly KnowledgeDoc[] {
  const key = path.resolve(dir);
  let docs = cache.get(key);
  if (!docs) {
    docs = Object.freeze(readKnowledgeCorpus(key));
    cache.set(key, docs);
  }
  return docs;
}

/** Forgets cached corpora (tests; a content reload). */
export function clearKnowledgeCorpusCache(): void {
  cache.clear();
}
