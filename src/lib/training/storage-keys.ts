/**
 * Everything the platform keeps in this browser, in one place, so "delete my data" can remove all of it.
 * No accounts: nothing here ever leaves the browser except what the user exports, and (with consent) the
 * server-signed recap of their previous session in a scenario.
 *
 * Browser-only module: never import from `src/server/**` here.
 */

/** IndexedDB database holding the practice history (`history/history-store.ts`). */
export const HISTORY_DB_NAME = 'eatp-history';
export const HISTORY_DB_VERSION = 1;
/** Object store of `PracticeRecord`s, keyed by `id`, indexed by `scenarioId` and `at`. */
export const HISTORY_STORE = 'sessions';

/** localStorage: completed learning-path steps (article slugs the user marked done). */
export const PATH_PROGRESS_KEY = 'eatp.paths.v1';
/** localStorage: "let the coach pick up from my last session in this scenario" ("1" = yes). */
export const RECAP_CONSENT_KEY = 'eatp.recap-consent.v1';

/**
 * localStorage: the scenarios whose latest session in the history carries a recap (`{scenarioId: at}`), kept
 * by the history store. Lets /coach know without opening IndexedDB (and loading its code) at first paint
 * whether there is a previous session to offer; the recap itself is then read from the history.
 */
export const RECAP_INDEX_KEY = 'eatp.recap-index.v1';

/** Every localStorage key above (the delete control clears them all). */
export const LOCAL_STORAGE_KEYS = [PATH_PROGRESS_KEY, RECAP_CONSENT_KEY, RECAP_INDEX_KEY] as const;
