/**
 * Content collections (Astro 5 content layer).
 * - `knowledge`: the platform's library of executive briefings, published at /library/<slug> and searched
 *   by the coach's `knowledge` provider, which reads the same files from disk with the same schema
 *   (src/server/search/knowledge/knowledge-corpus.ts).
 * - `scenarios`: the practice scenarios, published at /scenarios and /scenarios/<slug> (the brief is the
 *   Markdown body); the server binds a scenario's instructions at mint time from the same files and the
 *   same schema (src/server/coach/scenario-catalogue.ts). A broken scenario fails `astro sync` / `astro
 *   build` with a message naming the file and the field.
 * - `paths`: the learning paths, published at /paths and /paths/<slug>: ordered knowledge articles and
 *   scenarios. A step naming an article or scenario that does not exist fails `astro sync` / `astro build`
 *   with a message naming the file, the step and the missing slug (the folders below are read when the
 *   collection is validated).
 */
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { knowledgeSchema } from './content/knowledge-schema';
import { scenarioSchema } from './content/scenario-schema';
import { slugsIn, withKnownSteps } from './content/path-schema';

const knowledge = defineCollection({
  loader: glob({ pattern: '*.md', base: './src/content/knowledge' }),
  schema: knowledgeSchema,
});

const scenarios = defineCollection({
  loader: glob({ pattern: '*.md', base: './src/content/scenarios' }),
  schema: scenarioSchema,
});

const paths = defineCollection({
  loader: glob({ pattern: '*.md', base: './src/content/paths' }),
  schema: withKnownSteps(() => ({
    article: slugsIn(new URL('./content/knowledge/', import.meta.url)),
    scenario: slugsIn(new URL('./content/scenarios/', import.meta.url)),
  })),
});

export const collections = { knowledge, scenarios, paths };
