/**
 * The library's data for the /library pages: the `knowledge` collection (validated by Astro with the
 * shared schema, bundled into the build, so no files are read at request time) turned into the same
 * documents and the same MiniSearch index the coach's `knowledge` search provider uses.
 *
 * Underscore-prefixed: Astro does not route this file.
 */
import { getCollection, type CollectionEntry } from 'astro:content';
import { KNOWLEDGE_TOPICS, type KnowledgeTopic } from '../../content/knowledge-schema';
import { toKnowledgeDoc, type KnowledgeDoc } from '../../server/search/knowledge/knowledge-corpus';
import { createKnowledgeIndex, type KnowledgeIndex } from '../../server/search/knowledge/knowledge-index';

export type KnowledgeEntry = CollectionEntry<'knowledge'>;

export interface Library {
  entries: readonly KnowledgeEntry[];
  docs: ReadonlyMap<string, KnowledgeDoc>;
  index: KnowledgeIndex;
  byTopic: ReadonlyMap<KnowledgeTopic, readonly KnowledgeEntry[]>;
}

let cached: Promise<Library> | undefined;

async function build(): Promise<Library> {
  const entries = (await getCollection('knowledge')).sort((a, b) => a.data.title.localeCompare(b.data.title, 'en'));
  const docs = entries.map((e) => toKnowledgeDoc(e.id, e.data, e.body ?? ''));
  const byTopic = new Map<KnowledgeTopic, KnowledgeEntry[]>();
  for (const topic of KNOWLEDGE_TOPICS) byTopic.set(topic, []);
  for (const entry of entries) byTopic.get(entry.data.topic)!.push(entry);
  return { entries, docs: new Map(docs.map((d) => [d.slug, d])), index: createKnowledgeIndex(docs), byTopic };
}

/** Built once per server process (rebuilt on every request in `astro dev`, so edits show up). */
export function getLibrary(): Promise<Library> {
  if (import.meta.env.DEV) return build();
  cached ??= build().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

/** Reading time at ~220 words a minute, at least one minute. */
export function readingMinutes(wordCount: number): number {
  return Math.max(1, Math.round(wordCount / 220));
}

export function formatDate(date: Date): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(date);
}
