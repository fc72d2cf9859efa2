/**
 * The practice history in this browser's IndexedDB (no accounts; nothing leaves the browser unless the user
 * exports it). `idb` wraps the callback API in promises; the schema is one object store keyed by record id
 * with indexes on scenario and time. Import validation (zod) is loaded only when a file is imported, so
 * /coach does not carry it.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { forgetRecaps, noteRecaps } from '../recap-index';
import { HISTORY_DB_NAME, HISTORY_DB_VERSION, HISTORY_STORE } from '../storage-keys';
import type { HistoryExport, HistoryStore, PracticeRecord } from './history-types';

interface HistoryDb extends DBSchema {
  [HISTORY_STORE]: {
    key: string;
    value: PracticeRecord & { scenarioId: string };
    indexes: { scenarioId: string; at: number };
  };
}

function openHistoryDb(): Promise<IDBPDatabase<HistoryDb>> {
  return openDB<HistoryDb>(HISTORY_DB_NAME, HISTORY_DB_VERSION, {
    upgrade(db) {
      if (!db.objectStoreNames.contains(HISTORY_STORE)) {
        const store = db.createObjectStore(HISTORY_STORE, { keyPath: 'id' });
        store.createIndex('scenarioId', 'scenarioId');
        store.createIndex('at', 'at');
      }
    },
  });
}

/** The scenario id is copied to the top level so it can be indexed (IndexedDB indexes need a key path). */
const stored = (record: PracticeRecord) => ({ ...record, scenarioId: record.scenario.id });
const plain = ({ scenarioId: _scenarioId, ...record }: PracticeRecord & { scenarioId: string }): PracticeRecord => record;
/** The recap index entries for records that carry a recap (recap-index.ts). */
const recapEntries = (records: readonly PracticeRecord[]) => records.filter((r) => r.scorecard?.recap).map((r) => ({ scenarioId: r.scenario.id, at: r.at }));

export function openHistoryStore(): HistoryStore {
  let db: Promise<IDBPDatabase<HistoryDb>> | undefined;
  const conn = () => (db ??= openHistoryDb());

  const list = async () => (await (await conn()).getAllFromIndex(HISTORY_STORE, 'at')).map(plain);

  return {
    async put(record) {
      await (await conn()).put(HISTORY_STORE, stored(record));
      noteRecaps(recapEntries([record]));
    },
    async get(id) {
      const found = await (await conn()).get(HISTORY_STORE, id);
      return found ? plain(found) : undefined;
    },
    list,
    async latestFor(scenarioId) {
      const all = await (await conn()).getAllFromIndex(HISTORY_STORE, 'scenarioId', scenarioId);
      const newest = all.sort((a, b) => b.at - a.at)[0];
      return newest ? plain(newest) : undefined;
    },
    async exportAll(): Promise<HistoryExport> {
      return { format: 'eatp-history', version: 1, exportedAt: new Date().toISOString(), sessions: await list() };
    },
    async importAll(data) {
      const { parseHistoryExport } = await import('./history-schema');
      const file = parseHistoryExport(data);
      const database = await conn();
      const tx = database.transaction(HISTORY_STORE, 'readwrite');
      const added: PracticeRecord[] = [];
      let skipped = 0;
      for (const record of file.sessions) {
        if (await tx.store.getKey(record.id)) skipped++;
        else {
          await tx.store.add(stored(record));
          added.push(record);
        }
      }
      await tx.done;
      noteRecaps(recapEntries(added));
      return { added: added.length, skipped };
    },
    async clear() {
      await (await conn()).clear(HISTORY_STORE);
      forgetRecaps();
    },
  };
}
