/**
 * The learning paths on disk (src/content/paths/*.md) and their schema (src/content/path-schema.ts): each
 * parses, the launch paths exist, every step names an article or scenario that exists, the estimated time
 * matches the steps, and `withKnownSteps` (the check the content collection runs at build time) refuses a
 * step naming a slug that does not exist, pointing at that step.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { PATH_SLUG, pathSchema, slugsIn, unknownSteps, withKnownSteps, type PathFrontmatter } from '../../../src/content/path-schema';
import { scenarioSchema } from '../../../src/content/scenario-schema';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const PATHS_DIR = path.join(ROOT, 'src/content/paths');
const KNOWLEDGE_DIR = path.join(ROOT, 'src/content/knowledge');
const SCENARIOS_DIR = path.join(ROOT, 'src/content/scenarios');
const FRONTMATTER = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

const files = readdirSync(PATHS_DIR)
  .filter((f) => f.endsWith('.md'))
  .sort();
const known = { article: slugsIn(KNOWLEDGE_DIR), scenario: slugsIn(SCENARIOS_DIR) };

function frontmatter(file: string): { data: unknown; body: string } {
  const raw = readFileSync(file, 'utf8');
  const match = FRONTMATTER.exec(raw);
  if (!match) throw new Error(`${file}: no YAML frontmatter`);
  return { data: parseYaml(match[1] ?? ''), body: raw.slice(match[0].length) };
}

function load(file: string): { id: string; data: PathFrontmatter; body: string } {
  const { data, body } = frontmatter(path.join(PATHS_DIR, file));
  return { id: file.replace(/\.md$/, ''), data: pathSchema.parse(data), body };
}

/** Reading minutes as the library shows them (~220 words a minute, at least one). */
function readingMinutes(slug: string): number {
  const { body } = frontmatter(path.join(KNOWLEDGE_DIR, `${slug}.md`));
  return Math.max(1, Math.round(body.split(/\s+/).filter(Boolean).length / 220));
}

function scenarioMinutes(slug: string): number {
  return scenarioSchema.parse(frontmatter(path.join(SCENARIOS_DIR, `${slug}.md`)).data).durationMinutes;
}

describe('the learning-path files', () => {
  it('include the launch paths for senior leaders, with valid slugs', () => {
    const titles = files.map((f) => load(f).data.title);
    expect(titles).toEqual(expect.arrayContaining(['AI strategy for CEOs', 'AI risk for board members']));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) expect(f.replace(/\.md$/, '')).toMatch(PATH_SLUG);
  });

  it.each(files)('%s: frontmatter parses with the schema', (file) => {
    const result = pathSchema.safeParse(frontmatter(path.join(PATHS_DIR, file)).data);
    expect(result.success, result.success ? '' : JSON.stringify(result.error.issues, null, 2)).toBe(true);
  });

  it.each(files)('%s: every step names an article or scenario that exists', (file) => {
    expect(unknownSteps(load(file).data.steps, known)).toEqual([]);
  });

  it.each(files)('%s: mixes reading and practice, and the estimate covers the steps without padding them', (file) => {
    const { data } = load(file);
    expect(data.steps.filter((s) => s.kind === 'article').length).toBeGreaterThanOrEqual(2);
    const minutes = data.steps.reduce((sum, s) => sum + (s.kind === 'article' ? readingMinutes(s.slug) : scenarioMinutes(s.slug)), 0);
    expect(data.estimatedMinutes).toBeGreaterThanOrEqual(minutes);
    expect(data.estimatedMinutes).toBeLessThanOrEqual(Math.ceil(minutes * 1.6));
  });

  it.each(files)('%s: the introduction says what the reader will be able to do', (file) => {
    const { body } = load(file);
    expect(body).toMatch(/^## What you will be able to do$/m);
    expect(body.split(/\s+/).filter(Boolean).length).toBeGreaterThanOrEqual(80);
  });

  it('have unique titles and orders', () => {
    const all = files.map(load);
    expect(new Set(all.map((p) => p.data.title)).size).toBe(all.length);
    expect(new Set(all.map((p) => p.data.order)).size).toBe(all.length);
  });
});

describe('the path schema', () => {
  const valid = () => ({
    title: 'A path',
    summary: 'A short summary.',
    audience: ['CEO'],
    order: 9,
    estimatedMinutes: 40,
    steps: [
      { kind: 'article', slug: 'board-reporting-on-ai', why: 'Start here.' },
      { kind: 'article', slug: 'ai-incident-response', why: 'Then this.' },
      { kind: 'scenario', slug: 'press-interview-after-ai-incident', why: 'Then say it.' },
    ],
  });
  const issues = (data: unknown) => (pathSchema.safeParse(data).error?.issues ?? []).map((i) => [i.path.join('.'), i.message]);

  it('accepts a valid path and refuses unknown fields, bad kinds, repeats and paths without practice', () => {
    expect(issues(valid())).toEqual([]);
    expect(issues({ ...valid(), colour: 'blue' })[0]![1]).toMatch(/Unrecognized key/);
    expect(issues({ ...valid(), steps: [...valid().steps.slice(0, 2), { kind: 'video', slug: 'x', why: 'y' }] })[0]![0]).toBe('steps.2.kind');
    expect(issues({ ...valid(), steps: [...valid().steps, valid().steps[0]] })).toEqual([['steps', 'a path lists each article and scenario once']]);
    expect(issues({ ...valid(), steps: valid().steps.map((s) => ({ ...s, kind: 'article' })) })).toEqual([
      ['steps', 'a path must include at least one scenario to practise'],
    ]);
  });

  it('with known steps, refuses a slug that does not exist, naming the step, the slug and where it was looked for', () => {
    const schema = withKnownSteps(() => known);
    expect(schema.safeParse(valid()).success).toBe(true);
    const data = valid();
    data.steps[1] = { kind: 'article', slug: 'ai-strategy-for-ceos', why: 'A path is not an article.' };
    data.steps[2] = { kind: 'scenario', slug: 'ai-incident-response', why: 'An article is not a scenario.' };
    expect((schema.safeParse(data).error?.issues ?? []).map((i) => [i.path.join('.'), i.message])).toEqual([
      ['steps.1.slug', 'there is no knowledge article in src/content/knowledge called "ai-strategy-for-ceos" (ai-strategy-for-ceos.md)'],
      ['steps.2.slug', 'there is no scenario in src/content/scenarios called "ai-incident-response" (ai-incident-response.md)'],
    ]);
  });

  it('reads the content folders once, on first use', () => {
    let reads = 0;
    const schema = withKnownSteps(() => {
      reads++;
      return known;
    });
    expect(reads).toBe(0);
    schema.safeParse(valid());
    schema.safeParse(valid());
    expect(reads).toBe(1);
  });
});
