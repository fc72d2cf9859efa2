/**
 * The real scenarios on disk (src/content/scenarios/*.md): each one's frontmatter parses with the shared
 * schema (the one Astro's `scenarios` collection and the server's catalogue use), read with the `yaml`
 * package as the server reads it; the seven launch scenarios exist; rubric weights add up to 100; every
 * related article exists in the knowledge library; and each brief is a real brief.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { FREE_COACHING_ID, SCENARIO_ID, scenarioSchema, type ScenarioFrontmatter } from '../../../src/content/scenario-schema';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SCENARIOS_DIR = path.join(ROOT, 'src/content/scenarios');
const KNOWLEDGE_DIR = path.join(ROOT, 'src/content/knowledge');
const FRONTMATTER = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

const LAUNCH_IDS = [
  'pitch-ai-strategy-to-the-board',
  'defend-ai-budget-to-the-cfo',
  'negotiate-enterprise-ai-contract',
  'press-interview-after-ai-incident',
  'town-hall-on-ai-and-jobs',
  'auditor-questions-on-ai-act-compliance',
  FREE_COACHING_ID,
];

const files = readdirSync(SCENARIOS_DIR).filter((f) => f.endsWith('.md')).sort();
const knowledgeSlugs = new Set(readdirSync(KNOWLEDGE_DIR).filter((f) => f.endsWith('.md')).map((f) => f.replace(/\.md$/, '')));

interface Loaded {
  id: string;
  data: ScenarioFrontmatter;
  body: string;
}

function load(file: string): Loaded {
  const raw = readFileSync(path.join(SCENARIOS_DIR, file), 'utf8');
  const match = FRONTMATTER.exec(raw);
  if (!match) throw new Error(`${file}: no YAML frontmatter`);
  const result = scenarioSchema.safeParse(parseYaml(match[1] ?? ''));
  if (!result.success) throw new Error(`${file}: ${JSON.stringify(result.error.issues)}`);
  return { id: file.replace(/\.md$/, ''), data: result.data, body: raw.slice(match[0].length) };
}

const wordCount = (markdown: string) => markdown.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;

describe('the scenario files', () => {
  it('include the seven launch scenarios, with ids that are valid slugs', () => {
    const ids = files.map((f) => f.replace(/\.md$/, ''));
    for (const id of LAUNCH_IDS) expect(ids).toContain(id);
    for (const id of ids) expect(id).toMatch(SCENARIO_ID);
  });

  it.each(files)('%s: frontmatter parses with the shared schema', (file) => {
    const raw = readFileSync(path.join(SCENARIOS_DIR, file), 'utf8');
    const match = FRONTMATTER.exec(raw);
    expect(match, 'frontmatter block').not.toBeNull();
    const result = scenarioSchema.safeParse(parseYaml(match![1] ?? ''));
    expect(result.success, result.success ? '' : JSON.stringify(result.error.issues, null, 2)).toBe(true);
  });

  it.each(files)('%s: rubric weights add up to 100, criterion ids are unique', (file) => {
    const { data } = load(file);
    expect(data.rubric.reduce((sum, c) => sum + c.weight, 0)).toBe(100);
    const ids = data.rubric.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(files)('%s: every related article exists in src/content/knowledge', (file) => {
    const { data } = load(file);
    const missing = data.relatedArticles.filter((slug) => !knowledgeSlugs.has(slug));
    expect(missing, `unknown knowledge slugs in ${file}`).toEqual([]);
    expect(new Set(data.relatedArticles).size).toBe(data.relatedArticles.length);
  });

  it.each(files)('%s: the brief has the three sections and 250–500 words', (file) => {
    const { body } = load(file);
    const headings = [...body.matchAll(/^## (.+)$/gm)].map((m) => m[1]!.trim());
    expect(headings).toEqual(['What to prepare', 'What good looks like', 'Watch out for']);
    const words = wordCount(body);
    expect(words).toBeGreaterThanOrEqual(250);
    expect(words).toBeLessThanOrEqual(500);
  });

  it('free coaching is the coaching kind; every other launch scenario is a role-play', () => {
    for (const id of LAUNCH_IDS) expect(load(`${id}.md`).data.kind, id).toBe(id === FREE_COACHING_ID ? 'coaching' : 'roleplay');
  });

  it('have unique titles and library orders', () => {
    const all = files.map(load);
    expect(new Set(all.map((s) => s.data.title)).size).toBe(all.length);
    expect(new Set(all.map((s) => s.data.order)).size).toBe(all.length);
  });

  it('cover more than one difficulty, so the library filter narrows the list', () => {
    const difficulties = new Set(files.map((f) => load(f).data.difficulty));
    expect(difficulties.size).toBeGreaterThan(1);
  });
});
