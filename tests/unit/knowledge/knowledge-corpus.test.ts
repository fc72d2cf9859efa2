/**
 * The knowledge corpus on disk: every article valid against the shared schema (the one Astro's
 * `knowledge` collection uses), substantial, uniquely named, shaped for executives; and the loader's
 * errors name the file and the field.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { KNOWLEDGE_TOPICS, SUMMARY_MAX_CHARS, knowledgeSchema } from '../../../src/content/knowledge-schema';
import {
  DEFAULT_KNOWLEDGE_DIR,
  KnowledgeCorpusError,
  clearKnowledgeCorpusCache,
  loadKnowledgeCorpus,
  parseKnowledgeArticle,
  readKnowledgeCorpus,
  splitFrontmatter,
} from '../../../src/server/search/knowledge/knowledge-corpus';
import { markdownToPlainText } from '../../../src/server/search/knowledge/markdown-text';

const files = readdirSync(DEFAULT_KNOWLEDGE_DIR).filter((f) => f.endsWith('.md')).sort();
const docs = readKnowledgeCorpus();

describe('the knowledge corpus', () => {
  it('has at least 20 articles, with unique kebab-case slugs', () => {
    expect(docs.length).toBeGreaterThanOrEqual(20);
    expect(docs.length).toBe(files.length);
    const slugs = docs.map((d) => d.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const slug of slugs) expect(slug).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it.each(files)('%s: frontmatter validates through the shared schema', (file) => {
    const raw = readFileSync(path.join(DEFAULT_KNOWLEDGE_DIR, file), 'utf8');
    const parts = splitFrontmatter(raw);
    expect(parts, 'frontmatter block').not.toBeNull();
    const result = knowledgeSchema.safeParse(parseYaml(parts!.frontmatter));
    expect(result.success, result.success ? '' : JSON.stringify(result.error.issues)).toBe(true);
    if (!result.success) return;
    expect(result.data.summary.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
    expect(result.data.sources?.length ?? 0, 'names its sources').toBeGreaterThanOrEqual(2);
  });

  it.each(docs.map((d) => [d.slug, d] as const))('%s: substantial, structured for executives', (_slug, doc) => {
    expect(doc.wordCount).toBeGreaterThanOrEqual(500);
    expect(doc.wordCount).toBeLessThanOrEqual(1150);
    const headings = doc.sections.map((s) => s.heading);
    expect(headings).toContain('Questions to ask your team');
    expect(headings).toContain('Sources and further reading');
    expect(doc.sections.length).toBeGreaterThanOrEqual(5);
    // plain text: no Markdown syntax left
    expect(doc.body).not.toMatch(/\*\*|^#|\]\(|`/m);
  });

  it('covers every topic', () => {
    expect(new Set(docs.map((d) => d.topic))).toEqual(new Set(KNOWLEDGE_TOPICS));
  });

  it('reads once and caches per directory', () => {
    clearKnowledgeCorpusCache();
    const first = loadKnowledgeCorpus();
    expect(loadKnowledgeCorpus()).toBe(first);
    clearKnowledgeCorpusCache();
    expect(loadKnowledgeCorpus()).not.toBe(first);
  });

  it('accepts the Date objects Astro (js-yaml) produces as well as the strings yaml 1.2 produces', () => {
    const base = { title: 'A title here', summary: 'A summary that is long enough to pass the minimum length.', topic: 'strategy', tags: ['x'], audience: ['CEO'] };
    expect(knowledgeSchema.parse({ ...base, updated: new Date('2026-01-02') }).updated).toBeInstanceOf(Date);
    expect(knowledgeSchema.parse({ ...base, updated: '2026-01-02' }).updated.toISOString()).toBe('2026-01-02T00:00:00.000Z');
  });
});

describe('loader errors name the file and the field', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
    clearKnowledgeCorpusCache();
  });

  const good = `---
title: "A good article"
summary: "One sentence that is long enough to be a summary of the article."
topic: strategy
tags: ["strategy"]
audience: ["CEO"]
updated: 2026-01-02
---

Intro paragraph.

## First section

Some **bold** text with a [link](https://example.com).
`;

  function fixture(files: Record<string, string>): string {
    dir = mkdtempSync(path.join(tmpdir(), 'knowledge-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    return dir;
  }

  function errorOf(fn: () => unknown): KnowledgeCorpusError {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(KnowledgeCorpusError);
      return error as KnowledgeCorpusError;
    }
    throw new Error('expected a KnowledgeCorpusError');
  }

  it('loads a valid directory', () => {
    const loaded = loadKnowledgeCorpus(fixture({ 'good-one.md': good }));
    expect(loaded.map((d) => d.slug)).toEqual(['good-one']);
    expect(loaded[0]!.sections.map((s) => s.heading)).toEqual(['', 'First section']);
    expect(loaded[0]!.sections[1]!.text).toBe('Some bold text with a link.');
  });

  it('an invalid topic', () => {
    const err = errorOf(() => readKnowledgeCorpus(fixture({ 'good-one.md': good, 'bad-topic.md': good.replace('topic: strategy', 'topic: astrology') })));
    expect(err.file).toBe('bad-topic.md');
    expect(err.field).toBe('topic');
    expect(err.message).toMatch(/bad-topic\.md.*"topic"/);
  });

  it('a missing field', () => {
    const err = errorOf(() => readKnowledgeCorpus(fixture({ 'no-summary.md': good.replace(/^summary:.*\n/m, '') })));
    expect(err.message).toContain('no-summary.md');
    expect(err.field).toBe('summary');
  });

  it('a summary over 280 characters', () => {
    const err = errorOf(() => readKnowledgeCorpus(fixture({ 'long.md': good.replace(/^summary:.*$/m, `summary: "${'word '.repeat(70).trim()}."`) })));
    expect(err.field).toBe('summary');
    expect(err.message).toMatch(/long\.md/);
  });

  it('a bad source URL, with the nested path', () => {
    const text = good.replace('updated: 2026-01-02', 'updated: 2026-01-02\nsources:\n  - title: "Some source"\n    url: "not a url"');
    const err = errorOf(() => readKnowledgeCorpus(fixture({ 'bad-url.md': text })));
    expect(err.field).toBe('sources.0.url');
  });

  it('an unknown field (typo)', () => {
    const err = errorOf(() => readKnowledgeCorpus(fixture({ 'typo.md': good.replace('tags:', 'tagz: ["x"]\ntags:') })));
    expect(err.message).toMatch(/typo\.md/);
    expect(err.message).toMatch(/tagz/);
  });

  it('broken YAML, and no frontmatter at all', () => {
    expect(errorOf(() => readKnowledgeCorpus(fixture({ 'broken.md': good.replace('topic: strategy', 'topic: [strategy') }))).message).toMatch(
      /broken\.md: frontmatter is not valid YAML/,
    );
    rmSync(dir!, { recursive: true, force: true });
    expect(errorOf(() => readKnowledgeCorpus(fixture({ 'bare.md': '# Just markdown\n' }))).message).toMatch(/bare\.md: missing YAML frontmatter/);
  });

  it('a file name that is not a slug, and a missing directory', () => {
    expect(errorOf(() => parseKnowledgeArticle('Bad Name.md', good)).message).toMatch(/Bad Name\.md/);
    expect(errorOf(() => readKnowledgeCorpus('/no/such/knowledge/dir')).message).toMatch(/\/no\/such\/knowledge\/dir/);
  });
});

describe('markdownToPlainText', () => {
  it('strips syntax, keeps text, folds wrapped list items, terminates items', () => {
    const md = [
      '# Title',
      '',
      'A *very* _short_ intro with `code` and ![an image](x.png).',
      '',
      '- **First**: wraps',
      '  onto a second line',
      '- Second item',
      '1. Numbered',
      '',
      '> A quote',
      '',
      '| a | b |',
      '|---|---|',
      '| 1 | 2 |',
      '',
      'snake_case_word stays &amp; entities decode',
    ].join('\n');
    expect(markdownToPlainText(md)).toBe(
      'Title. A very short intro with code and an image. First: wraps onto a second line. Second item. Numbered. A quote a, b. 1, 2. snake_case_word stays & entities decode',
    );
  });
});
