/**
 * The "Check a fact" log: what was searched during this session and what came back, newest first.
 *
 * The log is a plain array of entries. The user's own searches go through `search`; any other caller
 * (e.g. the voice coach's web_search tool calls) can add or update entries with `record`.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SearchClient } from '../../../lib/voice-agent/api/search-client';
import type { ApiFailure, SearchResponse } from '../../../lib/voice-agent/types/api';

/** How many entries the log keeps. */
export const MAX_SEARCH_LOG_ENTRIES = 5;

/** Who asked: the user through the panel, or the coach through a tool call. */
export type SearchAsker = 'you' | 'coach';

interface SearchLogEntryBase {
  /** Unique within the log; recording an entry with an existing id replaces it. */
  id: string;
  query: string;
  by: SearchAsker;
}

export type SearchLogEntry =
  | (SearchLogEntryBase & { status: 'pending' })
  | (SearchLogEntryBase & { status: 'done'; response: SearchResponse })
  | (SearchLogEntryBase & { status: 'failed'; failure: ApiFailure });

/** Add `entry` (newest first) or replace the entry with the same id where it stands; keep at most 5. */
export function recordEntry(entries: readonly SearchLogEntry[], entry: SearchLogEntry): SearchLogEntry[] {
  const index = entries.findIndex((e) => e.id === entry.id);
  if (index >= 0) return entries.map((e, i) => (i === index ? entry : e));
  return [entry, ...entries].slice(0, MAX_SEARCH_LOG_ENTRIES);
}

export interface SearchLog {
  entries: SearchLogEntry[];
  /** True while the user's own search is in flight (one at a time). */
  busy: boolean;
  /** Search on behalf of the user. Returns false when it was not started (no session, empty, busy). */
  search: (query: string) => boolean;
  /** Add or update an entry from another caller. */
  record: (entry: SearchLogEntry) => void;
}

/** The log belongs to one session: it starts empty for each new `sessionId` and is cleared without one. */
export function useSearch(client: SearchClient, sessionId: string | undefined): SearchLog {
  const [entries, setEntries] = useState<SearchLogEntry[]>([]);
  const [busy, setBusy] = useState(false);
  const inFlightRef = useRef<AbortController | null>(null);
  const nextIdRef = useRef(0);

  const record = useCallback((entry: SearchLogEntry) => setEntries((prev) => recordEntry(prev, entry)), []);

  // New session (or none): empty log, cancel a search still running for the previous one.
  useEffect(() => {
    setEntries([]);
    setBusy(false);
    // Decide the endpoint now (dev-server probe) rather than on the first search.
    if (sessionId) void client.endpoint();
    return () => {
      inFlightRef.current?.abort();
      inFlightRef.current = null;
    };
  }, [client, sessionId]);

  const search = useCallback(
    (query: string): boolean => {
      const trimmed = query.trim();
      if (!sessionId || trimmed === '' || inFlightRef.current) return false;
      const controller = new AbortController();
      inFlightRef.current = controller;
      nextIdRef.current += 1;
      const base = { id: `you-${nextIdRef.current}`, query: trimmed, by: 'you' as const };
      record({ ...base, status: 'pending' });
      setBusy(true);
      void client.search(trimmed, sessionId, { signal: controller.signal }).then((result) => {
        if (controller.signal.aborted) return;
        inFlightRef.current = null;
        setBusy(false);
        record(
          result.ok
            ? { ...base, status: 'done', response: result.data }
            : { ...base, status: 'failed', failure: result.error },
        );
      });
      return true;
    },
    [client, sessionId, record],
  );

  return { entries, busy, search, record };
}
