/**
 * The recap of the user's previous session in a scenario, and their consent to give it to the coach.
 * Consent is a remembered choice in localStorage (off until the user turns it on); the recap itself is the
 * server-signed summary kept with the previous session's scorecard in the history. Nothing is sent unless
 * both hold. Loaded on demand, only when the recap index says there is something to find (recap-index.ts),
 * so the history store is not part of /coach's first paint.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { openHistoryStore } from '../../../lib/training/history/history-store';
import { recapConsentGiven } from '../../../lib/training/recap-index';

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

/** What a new session's token request carries: the previous recap's token, only with consent. */
export async function consentedRecapToken(scenarioId: string): Promise<string | undefined> {
  if (!recapConsentGiven()) return undefined;
  return (await previousRecap(scenarioId))?.token;
}
