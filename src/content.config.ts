/**
 * Content collections (Astro 5 content layer). `knowledge`: the platform's library of executive
 * briefings, published at /library/<slug> and searched by the coach's `knowledge` provider, which reads
 * the same files from disk with the same schema (src/server/search/knowledge/knowledge-corpus.ts).
 */
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { knowledgeSchema } from './content/knowledge-schema';

const knowledge = defineCollection({
  loader: glob({ pattern: '*.md', base: './src/content/knowledge' }),
  schema: knowledgeSchema,
});

export const collections = { knowledge };
