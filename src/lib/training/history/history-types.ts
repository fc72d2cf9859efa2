/**
 * One practice session as the browser keeps it (IndexedDB, `history-store.ts`), and the history store's
 * seam. Written when a session ends on /coach; read by the report page (/report?id=…), the progress page
 * (/progress: charts per criterion, export/import, delete) and the learning paths (a scenario practised).
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { CoachMode, Scorecard } from '../../voice-agent/types/api';
import type { DeliverySignals } from '../delivery-signal-types';

export const PRACTICE_RECORD_VERSION = 1;

export interface PracticeTurn {
  role: 'user' | 'assistant';
  text: string;
  /** The transcript turn's status when the session ended ("done", "interrupted", …). */
  status?: string;
  durationMs?: number;
}

export interface PracticeRecord {
  /** Random id (crypto.randomUUID()); the report page's `?id=`. */
  id: string;
  version: typeof PRACTICE_RECORD_VERSION;
  /** When the session ended, epoch ms. */
  at: number;
  /** The scenario practised (free coaching included: `free-coaching`). */
  scenario: { id: string; title: string };
  /** The mode the session ended in. */
  mode: CoachMode;
  /** From the first connection to hang-up, whole seconds. */
  durationSeconds: number;
  /** The server's scorecard (absent when it could not be graded: nothing said, offline, server error). */
  scorecard?: Scorecard;
  /** Why there is no scorecard, in plain words (when `scorecard` is absent). */
  scorecardMissing?: string;
  signals: DeliverySignals;
  transcript: PracticeTurn[];
}

/** The JSON file "Export my history" writes and "Import" reads. */
export interface HistoryExport {
  format: 'eatp-history';
  version: 1;
  exportedAt: string;
  sessions: PracticeRecord[];
}

export interface ImportResult {
  /** Records added (ids not yet in the history). */
  added: number;
  /** Records already present (same id), left as they were. */
  skipped: number;
}

export interface HistoryStore {
  /** Adds or replaces the record with this id. */
  put(record: PracticeRecord): Promise<void>;
  get(id: string): Promise<PracticeRecord | undefined>;
  /** Every record, oldest first. */
  list(): Promise<PracticeRecord[]>;
  /** The newest record for a scenario (for the recap and "practised" marks), if any. */
  latestFor(scenarioId: string): Promise<PracticeRecord | undefined>;
  exportAll(): Promise<HistoryExport>;
  /** Validates the file first (nothing is written when any record is invalid). */
  importAll(data: unknown): Promise<ImportResult>;
  /** Deletes the whole history. */
  clear(): Promise<void>;
}
