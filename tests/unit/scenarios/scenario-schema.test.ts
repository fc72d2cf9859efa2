/**
 * The scenario schema's refusals are clear: rubric weights that do not add up to 100, duplicate
 * criterion ids, unknown (mistyped) fields, bad ids and out-of-range values each fail with a message
 * that says what is wrong and a path that says where.
 */
import { describe, expect, it } from 'vitest';
import { scenarioSchema, type ScenarioFrontmatter } from '../../../src/content/scenario-schema';

function valid(): ScenarioFrontmatter {
  return {
    title: 'Explain the AI roadmap to the executive committee',
    summary: 'Ten minutes to win support for the next two quarters of the roadmap.',
    kind: 'roleplay',
    difficulty: 'foundation',
    order: 1,
    durationMinutes: 10,
    counterpart: { role: 'Chief operating officer', persona: 'Busy, practical and short of patience for jargon.' },
    setting: 'The weekly executive committee, ten minutes on the agenda.',
    objective: 'Agree the two priorities and who owns them.',
    openingLine: 'You have ten minutes. What do you need from us?',
    pushbacks: ['Why these two priorities?', 'Who owns them?', 'What stops if we do this?'],
    rubric: [
      { id: 'clarity', criterion: 'Clarity', weight: 40, good: 'States the ask in one sentence.', poor: 'Never states the ask.' },
      { id: 'evidence', criterion: 'Evidence', weight: 30, good: 'Quotes a measured result.', poor: 'Quotes a vendor claim.' },
      { id: 'next-step', criterion: 'Next step', weight: 30, good: 'Ends with an owner and a date.', poor: 'Ends without one.' },
    ],
    relatedArticles: ['ai-strategy-for-the-enterprise'],
    tags: [],
    audience: ['COO'],
  };
}

function issues(input: unknown) {
  const result = scenarioSchema.safeParse(input);
  expect(result.success).toBe(false);
  return result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
}

describe('scenarioSchema', () => {
  it('accepts a well-formed scenario and defaults tags', () => {
    const { tags: _tags, ...withoutTags } = valid();
    const result = scenarioSchema.safeParse(withoutTags);
    expect(result.success).toBe(true);
    expect(result.success && result.data.tags).toEqual([]);
  });

  it('refuses rubric weights that do not add up to 100, saying so on the rubric', () => {
    const s = valid();
    s.rubric[0]!.weight = 30; // 30 + 30 + 30 = 90
    expect(issues(s)).toContainEqual(expect.objectContaining({ path: 'rubric', message: 'rubric weights must add up to 100' }));
  });

  it('refuses duplicate criterion ids', () => {
    const s = valid();
    s.rubric[2]!.id = 'clarity';
    expect(issues(s)).toContainEqual(expect.objectContaining({ path: 'rubric', message: 'rubric criterion ids must be unique' }));
  });

  it('refuses an unknown field (a typo), naming it', () => {
    const found = issues({ ...valid(), openingLines: 'Hello' });
    expect(found).toHaveLength(1);
    expect(found[0]!.code).toBe('unrecognized_keys');
    expect(found[0]!.message).toContain('openingLines');
  });

  it('refuses an unknown field inside a rubric criterion, with its path', () => {
    const s = valid() as unknown as { rubric: Array<Record<string, unknown>> };
    s.rubric[1]!.score = 3;
    const found = issues(s);
    expect(found[0]).toMatchObject({ path: 'rubric.1', code: 'unrecognized_keys' });
    expect(found[0]!.message).toContain('score');
  });

  it('refuses a criterion id that is not lower-case words joined by hyphens', () => {
    const s = valid();
    s.rubric[0]!.id = 'Clarity Of Ask';
    expect(issues(s)).toContainEqual(expect.objectContaining({ path: 'rubric.0.id', message: 'must be lower-case words joined by hyphens' }));
  });

  it('refuses an unknown kind or difficulty, a fractional weight and too few pushbacks', () => {
    const paths = (input: unknown) => issues(input).map((i) => i.path);
    expect(paths({ ...valid(), kind: 'debate' })).toEqual(['kind']);
    expect(paths({ ...valid(), difficulty: 'expert' })).toEqual(['difficulty']);
    expect(paths({ ...valid(), pushbacks: ['Only one'] })).toEqual(['pushbacks']);
    const s = valid();
    s.rubric[0]!.weight = 39.5;
    s.rubric[1]!.weight = 30.5;
    expect(paths(s)).toEqual(['rubric.0.weight', 'rubric.1.weight']);
  });

  it('refuses a missing required field and a related article that is not a slug', () => {
    const { objective: _objective, ...noObjective } = valid();
    expect(issues(noObjective)).toContainEqual(expect.objectContaining({ path: 'objective', message: 'Required' }));
    expect(issues({ ...valid(), relatedArticles: ['/library/AI Strategy'] })[0]!.path).toBe('relatedArticles.0');
  });
});
