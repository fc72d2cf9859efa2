/**
 * Which scenarios have a previous session with a recap, as a small localStorage index beside the history
 * (`RECAP_INDEX_KEY`), so /coach can decide without IndexedDB whether to offer "pick up from my last
 * session". The history store keeps it in step (put, import, clear); the recap itself stays in IndexedDB.
 * An index that is stale (site data partly cleared) only means the offer is looked up and not found.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { RECAP_CONSENT_KEY, RECAP_INDEX_KEY } from './storage-keys';

type RecapIndex = Record<string, number>;

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

function read(): RecapIndex {
  try {
    const parsed: unknown = JSON.parse(storage()?.getItem(RECAP_INDEX_KEY) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter(([, at]) => typeof at === 'number')) as RecapIndex;
  } catch {
    return {};
  }
}

/** Notes that the history holds a session with a recap for these scenarios (newest time wins). */
export function noteRecaps(entries: readonly { scenarioId: string; at: number }[]): void {
  if (entries.length === 0) return;
  const index = read();
  for (const { scenarioId, at } of entries) index[scenarioId] = Math.max(index[scenarioId] ?? 0, at);
  try {
    storage()?.setItem(RECAP_INDEX_KEY, JSON.stringify(index));
  } catch {
    /* storage full or disabled: the offer is simply not made */
  }
}

export function forgetRecaps(): void {
  try {
    storage()?.removeItem(RECAP_INDEX_KEY);
  } catch {
    /* nothing stored */
  }
}

/** Whether the history (probably) holds a recap for this scenario. */
export function hasRecapFor(scenarioId: string): boolean {
  return read()[scenarioId] !== undefined;
}

/** The user said yes to giving the coach their previous session's summary (localStorage can throw: then no). */
export function recapConsentGiven(): boolean {
  try {
    return storage()?.getItem(RECAP_CONSENT_KEY) === '1';
  } catch {
    return false;
  }
}

export function setRecapConsent(given: boolean): void {
  try {
    if (given) storage()?.setItem(RECAP_CONSENT_KEY, '1');
    else storage()?.removeItem(RECAP_CONSENT_KEY);
  } catch {
    /* the choice then lasts for this page only */
  }
}
