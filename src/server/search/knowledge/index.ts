/**
 * The knowledge provider's public surface. `getKnowledgeIndex()` reads the corpus from disk once and
 * builds the index once per directory (the standalone search server and the built-in route share it).
 */
import { DEFAULT_KNOWLEDGE_DIR, loadKnowledgeCorpus } from './knowledge-corpus';
import { createKnowledgeIndex, type KnowledgeIndex } from './knowledge-index';

export * from './knowledge-corpus';
export * from './knowledge-index';

const indexes = new Map<string, KnowledgeIndex>();

/** The index over `dir` (default `src/content/knowledge` under the working directory), built on first use. */
export function getKnowledgeIndex(dir: string = DEFAULT_KNOWLEDGE_DIR): KnowledgeIndex {
  let index = indexes.get(dir);
  if (!index) {
    index = createKnowledgeIndex(loadKnowledgeCorpus(dir));
    indexes.set(dir, index);
  }
  return index;
}
