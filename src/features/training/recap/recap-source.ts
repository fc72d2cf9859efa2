/**
 * The recap of the user's previous session in a scenario: the server-signed summary kept with that session's
 * scorecard in the history. Whether it may be used is the user's consent (recap-index.ts); this module is
 * loaded only when there is consent or an offer to make and the recap index says there is something to find,
 * so the history store is not part of /coach's first paint.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { openHistoryStore } from '../../../lib/training/history/history-store';

export interface PreviousRecap {
  summary: string;
  token: string;
  /** When the previous session ended (epoch ms). */
  at: number;
}

/** The newest scored session in this scenario that carries a recap, if any. */
export async function previousRecap(scenarioId: string): Promise<PreviousRecap | undefined> {
  try {
    const latest = await openHistoryStore().latestFor(scenarioId);
    const recap = latest?.scorecard?.recap;
    return latest && recap ? { summary: recap.summary, token: recap.token, at: latest.at } : undefined;
  } catch {
    return undefined;
  }
}
