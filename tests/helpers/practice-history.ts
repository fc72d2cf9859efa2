/**
 * Practice history for browser tests: a known `PracticeRecord` (`sampleRecord`) and `seedHistory`, which
 * writes records into the page's IndexedDB exactly as the app's store lays them out, so the report page,
 * /progress and the learning paths can be tested on real data in a real browser.
 *
 * The layout is written out here on purpose, not imported from src/lib/training/storage-keys.ts: it is the
 * on-disk contract with every browser that already holds a history, so a change to it in the app must fail
 * these tests rather than silently follow. Database `eatp-history` version 1, object store `sessions` keyed
 * by `id`, indexes `scenarioId` and `at`, and each value carries a top-level `scenarioId` copy.
 */
import type { Page } from 'playwright-core';
import type { PracticeRecord } from '../../src/lib/training/history/history-types';

export const HISTORY_LAYOUT = {
  db: 'eatp-history',
  version: 1,
  store: 'sessions',
  keyPath: 'id',
  indexes: ['scenarioId', 'at'],
} as const;

/** 20 May 2025, 09:30 UTC. */
export const SAMPLE_AT = Date.UTC(2025, 4, 20, 9, 30);

/**
 * A demo session on "Defend your AI budget to the CFO", graded by the heuristic grader: two criteria, each
 * with evidence quoted from the user's turns, three strengths and improvements, a next scenario, signals and
 * a four-turn transcript whose third turn was interrupted. Override any field.
 */
export function sampleRecord(overrides: Partial<PracticeRecord> = {}): PracticeRecord {
  return {
    id: 'sample-record-0001',
    version: 1,
    at: SAMPLE_AT,
    scenario: { id: 'defend-ai-budget-to-the-cfo', title: 'Defend your AI budget to the CFO' },
    mode: 'demo',
    durationSeconds: 312,
    scorecard: {
      scenario: { id: 'defend-ai-budget-to-the-cfo', title: 'Defend your AI budget to the CFO' },
      overall: 63,
      criteria: [
        {
          id: 'payback-case',
          criterion: 'Payback and unit economics',
          weight: 60,
          score: 4,
          evidence: ['The pilot pays back in 14 months at 40% adoption.'],
          comment: 'Heuristic: 2 sentences with a figure.',
        },
        {
          id: 'phasing',
          criterion: 'Phasing and stop conditions',
          weight: 40,
          score: 2,
          evidence: [],
          comment: 'Heuristic: no next-step phrases.',
        },
      ],
      strengths: ['You led with the payback figure.', 'You named the adoption assumption.', 'Your answers were short.'],
      improvements: ['Offer tranches with gates.', 'Say what you would cut.', 'Ask the CFO for a decision.'],
      next: { articles: ['building-the-ai-business-case'], scenario: 'negotiate-enterprise-ai-contract' },
      grader: 'heuristic',
      notes: [
        'Demo mode: this scorecard comes from a simple heuristic (counts of figures, questions, hedging words, answer length and next steps in what you said), not from an AI grader. Treat it as a rough guide.',
      ],
    },
    signals: {
      userWords: 31,
      userTurns: 2,
      paceWpm: 138,
      talkRatio: 0.55,
      talkRatioBasis: 'words',
      fillerCount: 1,
      fillersPer100Words: 3.2,
      topFillers: [{ word: 'um', count: 1 }],
      longestMonologueWords: 19,
      questionsAsked: 1,
    },
    transcript: [
      { role: 'assistant', text: 'You want 2.4 million. Why should finance believe the savings this time?', status: 'done' },
      { role: 'user', text: 'Um, the pilot pays back in 14 months at 40% adoption. The contact centre saves the most.', status: 'done' },
      { role: 'assistant', text: 'And if adoption stalls at twenty percent, then', status: 'interrupted' },
      { role: 'user', text: 'Then we stop after tranche one. Can we agree the gates today?', status: 'done' },
    ],
    ...overrides,
  };
}

/**
 * Writes `records` into the history of the page's origin (add or replace by id). The page must already be on
 * the site (IndexedDB belongs to an origin): open any page of it first.
 */
export async function seedHistory(page: Page, records: readonly PracticeRecord[]): Promise<void> {
  if (!/^https?:/.test(page.url())) throw new Error(`seedHistory: open a page of the site first (the page is at ${page.url()})`);
  await page.evaluate(
    async ({ layout, records }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(layout.db, layout.version);
        request.onupgradeneeded = () => {
          const database = request.result;
          if (!database.objectStoreNames.contains(layout.store)) {
            const store = database.createObjectStore(layout.store, { keyPath: layout.keyPath });
            for (const index of layout.indexes) store.createIndex(index, index);
          }
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
        request.onblocked = () => reject(new Error('IndexedDB open blocked'));
      });
      try {
        await new Promise<void>((resolve, reject) => {
          const tx = db.transaction(layout.store, 'readwrite');
          for (const record of records) tx.objectStore(layout.store).put({ ...record, scenarioId: record.scenario.id });
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
          tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
        });
      } finally {
        db.close();
      }
    },
    { layout: { ...HISTORY_LAYOUT, indexes: [...HISTORY_LAYOUT.indexes] }, records: records.map((r) => structuredClone(r)) },
  );
}
