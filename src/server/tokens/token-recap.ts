/**
 * The previous session's recap a token request may carry (`recap`, the token the scorecard answered). A valid
 * one (this server's signature, not expired, the same scenario as the request) gives the summary the coach is
 * told; any other starts the session without it, with a warning in plain words and a `recapRejected` log line
 * (the reason only: never the token or the summary). A bad recap never fails the token request.
 */
import type { KeyObject } from 'node:crypto';
import { FREE_COACHING_ID } from '../../content/scenario-schema';
import type { Scenario } from '../coach/scenario-catalogue';
import type { Logger } from '../observability/logger';
import type { SessionRecord } from '../sessions/session-store';
import { RECAP_TTL_DAYS, verifyRecapToken, type RecapRejection } from './recap-token';

/** What the user reads in `warnings` when their previous summary was not used. */
export const RECAP_WARNINGS: Readonly<Record<RecapRejection, string>> = {
  invalid: 'The summary of your previous session could not be verified by this server, so the coach starts without it.',
  expired: `The summary of your previous session is more than ${RECAP_TTL_DAYS} days old, so the coach starts without it.`,
  scenario_mismatch: 'The summary of your previous session is from a different practice scenario, so the coach starts without it.',
};

export interface AcceptedRecap {
  /** The verified summary to bind (absent: none given, or refused). */
  summary?: string;
  /** Why a given recap was refused, for the token response's `warnings`. */
  warning?: string;
}

export interface TokenRecaps {
  /** Verifies the request's recap against the scenario being started (undefined: free coaching). */
  accept(token: string | undefined, scenario: Scenario | undefined): Promise<AcceptedRecap>;
  /**
   * The recap a live session binds: its stored summary, unless its scenario is unknown to this instance (the
   * coach then runs free coaching, and notes about another scenario would mislead it).
   */
  ofSession(record: SessionRecord, scenario: Scenario | undefined): string | undefined;
}

export function createTokenRecaps(deps: { key: KeyObject; logger: Logger; now: () => number }): TokenRecaps {
  return {
    async accept(token, scenario) {
      if (token === undefined) return {};
      const expected = scenario?.id ?? FREE_COACHING_ID;
      const verified = await verifyRecapToken(deps.key, token, expected, deps.now());
      if (verified.ok) return { summary: verified.claims.summary };
      deps.logger.warn({ event: 'recapRejected', reason: verified.reason, scenario: expected }, 'recapRejected');
      return { warning: RECAP_WARNINGS[verified.reason] };
    },
    ofSession: recapOfSession,
  };
}

/** See TokenRecaps.ofSession (also used by the fallback chat). */
export function recapOfSession(record: Pick<SessionRecord, 'recap' | 'scenarioId'>, scenario: Scenario | undefined): string | undefined {
  if (!record.recap) return undefined;
  return record.scenarioId && !scenario ? undefined : record.recap;
}
