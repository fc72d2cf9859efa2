/**
 * The typed frontmatter of a knowledge article (`src/content/knowledge/<slug>.md`). One schema, two
 * readers: Astro's `knowledge` content collection (src/content.config.ts) and the plain-Node corpus
 * loader behind the coach's `knowledge` search provider (src/server/search/knowledge/). Keep this file
 * free of `astro:*` virtual modules so it runs under `tsx` and vitest.
 *
 * `astro/zod` (zod 3.25 in Astro 5) rather than the project's zod 4: Astro 5's content layer validates
 * collection schemas with its own zod, and a zod 4 schema would not type-check in `defineCollection`.
 */
import { z } from 'astro/zod';

/** Topics, in the order the library lists them. */
export const KNOWLEDGE_TOPICS = [
  'strategy',
  'value',
  'governance',
  'risk',
  'regulation',
  'data',
  'sourcing',
  'security',
  'responsible-ai',
  'people',
  'operations',
  'functions',
] as const;

export type KnowledgeTopic = (typeof KNOWLEDGE_TOPICS)[number];

export const KNOWLEDGE_TOPIC_LABELS: Readonly<Record<KnowledgeTopic, string>> = {
  strategy: 'Strategy',
  value: 'Value and measurement',
  governance: 'Governance and the board',
  risk: 'Risk and incidents',
  regulation: 'Regulation and law',
  data: 'Data and privacy',
  sourcing: 'Sourcing and vendors',
  security: 'Security',
  'responsible-ai': 'Responsible AI',
  people: 'People and change',
  operations: 'Scaling and operations',
  functions: 'AI in the functions',
};

export function isKnowledgeTopic(value: unknown): value is KnowledgeTopic {
  return typeof value === 'string' && (KNOWLEDGE_TOPICS as readonly string[]).includes(value);
}

/** The summary is the basis of the coach's spoken answer: one or two sentences, at most 280 characters. */
export const SUMMARY_MAX_CHARS = 280;

function sentenceCount(text: string): number {
  return text
    .trim()
    .split(/(?<=[.!?])\s+/)
    .filter((s) => s.trim().length > 0).length;
}

export const knowledgeSourceSchema = z
  .object({
    title: z.string().trim().min(3, 'a source needs a title'),
    url: z.string().url('must be an absolute URL').optional(),
  })
  .strict();

export const knowledgeSchema = z
  .object({
    title: z.string().trim().min(5).max(120),
    summary: z
      .string()
      .trim()
      .min(40)
      .max(SUMMARY_MAX_CHARS)
      .refine((s) => sentenceCount(s) <= 2, 'must be one or two sentences'),
    topic: z.enum(KNOWLEDGE_TOPICS),
    tags: z.array(z.string().trim().min(1)).min(1).max(16),
    audience: z.array(z.string().trim().min(1)).min(1),
    /** YAML dates arrive as Date (js-yaml, Astro) or string (yaml 1.2 core schema): accept both. */
    updated: z.coerce.date(),
    sources: z.array(knowledgeSourceSchema).optional(),
  })
  .strict();

export type KnowledgeFrontmatter = z.infer<typeof knowledgeSchema>;
export type KnowledgeSource = z.infer<typeof knowledgeSourceSchema>;
