/**
 * "Delete my data": removes everything the platform keeps in this browser, in one call any page can use.
 * The practice history (IndexedDB) is emptied and every localStorage key in `LOCAL_STORAGE_KEYS` is
 * removed, so adding a key there is all it takes for the delete control to cover it.
 *
 * The history store is emptied rather than the database deleted: `deleteDatabase` waits ("blocked")
 * while any other tab of the site holds a connection, and the user would be left wondering.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { openHistoryStore } from './history/history-store';
import type { HistoryStore } from './history/history-types';
import { LOCAL_STORAGE_KEYS } from './storage-keys';

export interface DeletedData {
  /** Practice sessions that were in the history. */
  sessions: number;
  /** localStorage keys that held something and were removed. */
  keys: string[];
}

/** Removes the listed keys from `storage`, returning the ones that held a value. Storage errors are ignored (nothing to delete). */
export function clearLocalKeys(storage: Pick<Storage, 'getItem' | 'removeItem'> | undefined, keys: readonly string[] = LOCAL_STORAGE_KEYS): string[] {
  if (!storage) return [];
  const removed: string[] = [];
  for (const key of keys) {
    try {
      if (storage.getItem(key) !== null) removed.push(key);
      storage.removeItem(key);
    } catch {
      // Storage disabled (privacy settings): there is nothing stored under this key.
    }
  }
  return removed;
}

function browserStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * Empties the practice history and every platform key in localStorage. The localStorage keys are cleared
 * even when the history cannot be opened; the history error is then rethrown, so the page can say that
 * part failed.
 */
export async function deleteAllLocalData(store: HistoryStore = openHistoryStore()): Promise<DeletedData> {
  const keys = clearLocalKeys(browserStorage());
  const sessions = (await store.list()).length;
  await store.clear();
  return { sessions, keys };
}
