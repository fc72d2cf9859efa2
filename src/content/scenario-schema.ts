/**
 * The typed frontmatter of a practice scenario (`src/content/scenarios/<slug>.md`; the Markdown body is the
 * brief: what to prepare). One schema, two readers: Astro's `scenarios` content collection (pages: the scenario
 * library and each brief) and the plain-Node catalogue the server reads at startup to bind a scenario's
 * instructions when it mints a session (the browser never supplies instruction text). Keep this file free of
 * `astro:*` virtual modules so it runs under `tsx` and vitest.
 *
 * `astro/zod` (zod 3.25 in Astro 5), as in knowledge-schema.ts: Astro 5's content layer validates collection
 * schemas with its own zod.
 */
import { z } from 'astro/zod';

export const SCENARIO_KINDS = ['roleplay', 'coaching'] as const;
export type ScenarioKind = (typeof SCENARIO_KINDS)[number];

export const SCENARIO_DIFFICULTIES = ['foundation', 'intermediate', 'advanced'] as const;
export type ScenarioDifficulty = (typeof SCENARIO_DIFFICULTIES)[number];

export const SCENARIO_DIFFICULTY_LABELS: Readonly<Record<ScenarioDifficulty, string>> = {
  foundation: 'Foundation',
  intermediate: 'Intermediate',
  advanced: 'Advanced',
};

/** The id a token request names (`scenarioId`) and the page slug: lower-case words joined by hyphens. */
export const SCENARIO_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** The free-coaching scenario: no role-play, the coach's own instructions only. */
export const FREE_COACHING_ID = 'free-coaching';

const text = (max: number) => z.string().trim().min(1).max(max);

export const rubricCriterionSchema = z
  .object({
    /** Stable id for scores and history (lower-case, hyphens). */
    id: z.string().regex(SCENARIO_ID, 'must be lower-case words joined by hyphens'),
    criterion: text(80),
    /** Whole-number weight; a scenario's weights add up to 100. */
    weight: z.number().int().min(5).max(60),
    good: text(400),
    poor: text(400),
  })
  .strict();

export const scenarioSchema = z
  .object({
    title: text(90),
    /** One sentence for the library card. */
    summary: text(240),
    kind: z.enum(SCENARIO_KINDS),
    difficulty: z.enum(SCENARIO_DIFFICULTIES),
    /** Library order (ascending). */
    order: z.number().int().min(0),
    durationMinutes: z.number().int().min(3).max(45),
    /** Who the coach plays (role-play) or how it coaches (coaching). */
    counterpart: z.object({ role: text(120), persona: text(800) }).strict(),
    setting: text(600),
    /** What the user is trying to achieve in the conversation. */
    objective: text(400),
    /** The counterpart's first words (spoken by the coach to open the session). */
    openingLine: text(400),
    /** What the counterpart pushes back on, in roughly the order it comes up. */
    pushbacks: z.array(text(300)).min(3).max(10),
    rubric: z
      .array(rubricCriterionSchema)
      .min(3)
      .max(7)
      .refine((criteria) => criteria.reduce((sum, c) => sum + c.weight, 0) === 100, { message: 'rubric weights must add up to 100' })
      .refine((criteria) => new Set(criteria.map((c) => c.id)).size === criteria.length, { message: 'rubric criterion ids must be unique' }),
    /** Knowledge-base article slugs to read before the session (each must exist in src/content/knowledge). */
    relatedArticles: z.array(z.string().regex(SCENARIO_ID)).min(1).max(6),
    tags: z.array(text(40)).max(10).default([]),
    /** Who the scenario is written for (e.g. "CEO", "Board"). */
    audience: z.array(text(60)).min(1).max(8),
  })
  .strict();

export type ScenarioFrontmatter = z.infer<typeof scenarioSchema>;
export type RubricCriterion = z.infer<typeof rubricCriterionSchema>;
