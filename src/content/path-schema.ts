/**
 * The typed frontmatter of a learning path (`src/content/paths/<slug>.md`; the Markdown body is the
 * introduction: who the path is for and what they will be able to do). A path sequences knowledge-base
 * articles and practice scenarios, each with a sentence on why it comes at that point. Published at /paths
 * and /paths/<slug>; completion is kept in the browser (src/lib/training/path-progress.ts).
 *
 * Every step must name an article or scenario that exists: `withKnownSteps` adds that check, reading the
 * slugs from the content folders when the collection is validated, so a path naming a missing slug stops
 * `astro sync` / `astro build` with a message naming the file, the step and the slug
 * (src/content.config.ts; tests/integration/path-build.test.ts).
 *
 * Keep this file free of `astro:*` virtual modules so it runs under vitest. `astro/zod` (zod 3.25 in
 * Astro 5), as in scenario-schema.ts: Astro 5's content layer validates collection schemas with its own zod.
 */
import { readdirSync } from 'node:fs';
import { z } from 'astro/zod';

export const PATH_STEP_KINDS = ['article', 'scenario'] as const;
export type PathStepKind = (typeof PATH_STEP_KINDS)[number];

/** Article and scenario slugs (the file names in src/content/knowledge and src/content/scenarios). */
export const PATH_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const text = (max: number) => z.string().trim().min(1).max(max);

export const pathStepSchema = z
  .object({
    kind: z.enum(PATH_STEP_KINDS),
    /** `article`: a knowledge article (`/library/<slug>`); `scenario`: a practice scenario (`/scenarios/<slug>`). */
    slug: z.string().regex(PATH_SLUG, 'must be lower-case words joined by hyphens'),
    /** Why this step comes here, in a sentence or two, addressed to the reader. */
    why: text(320),
  })
  .strict();

export const pathSchema = z
  .object({
    title: text(80),
    /** One or two sentences for the /paths card. */
    summary: text(280),
    /** Who the path is written for (e.g. "CEO", "Board director"). */
    audience: z.array(text(60)).min(1).max(6),
    /** Order on /paths (ascending). */
    order: z.number().int().min(0),
    /** Reading plus practice time, in minutes (the tests check it against the steps). */
    estimatedMinutes: z.number().int().min(15).max(600),
    steps: z
      .array(pathStepSchema)
      .min(3)
      .max(12)
      .refine((steps) => new Set(steps.map((s) => `${s.kind}:${s.slug}`)).size === steps.length, {
        message: 'a path lists each article and scenario once',
      })
      .refine((steps) => steps.some((s) => s.kind === 'scenario'), { message: 'a path must include at least one scenario to practise' }),
  })
  .strict();

export type PathFrontmatter = z.infer<typeof pathSchema>;
export type PathStep = z.infer<typeof pathStepSchema>;

/** The article and scenario slugs that exist. */
export interface KnownSteps {
  article: ReadonlySet<string>;
  scenario: ReadonlySet<string>;
}

const WHERE: Record<PathStepKind, string> = {
  article: 'knowledge article in src/content/knowledge',
  scenario: 'scenario in src/content/scenarios',
};

/** Steps naming an article or scenario that does not exist, with the message for each. */
export function unknownSteps(steps: readonly Pick<PathStep, 'kind' | 'slug'>[], known: KnownSteps): Array<{ index: number; message: string }> {
  return steps.flatMap((step, index) =>
    known[step.kind].has(step.slug) ? [] : [{ index, message: `there is no ${WHERE[step.kind]} called "${step.slug}" (${step.slug}.md)` }],
  );
}

/**
 * `pathSchema` plus the check that every step exists. `known` is called once, on the first path validated
 * (the content folders are read then, not when this module loads: the server bundle never validates).
 */
export function withKnownSteps(known: () => KnownSteps) {
  let cached: KnownSteps | undefined;
  return pathSchema.superRefine((path, ctx) => {
    cached ??= known();
    for (const { index, message } of unknownSteps(path.steps, cached)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['steps', index, 'slug'], message });
    }
  });
}

/** The slugs of the Markdown files in a content folder (`ai-and-the-workforce.md` → `ai-and-the-workforce`). */
export function slugsIn(dir: string | URL): Set<string> {
  return new Set(
    readdirSync(dir)
      .filter((f) => f.endsWith('.md'))
      .map((f) => f.slice(0, -'.md'.length)),
  );
}
