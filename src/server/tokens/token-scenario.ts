/**
 * The practice scenario of a token request or a live session, looked up in the catalogue. The browser names
 * an id only; the server composes the instructions (scenario-instructions.ts) and answers with id and title.
 */
import type { Scenario, ScenarioCatalogue } from '../coach/scenario-catalogue';
import { ApiError } from '../http/api-error';
import type { Logger } from '../observability/logger';
import { shortId } from '../observability/logger';
import type { SessionRecord } from '../sessions/session-store';

export interface TokenScenarios {
  /** The scenario a token request names (undefined: free coaching); 400 `unknown_scenario` when there is none. */
  requested(scenarioId: string | undefined): Scenario | undefined;
  /** A live session's scenario. One this instance does not know (removed by a deploy) means free coaching, not a failure. */
  ofSession(record: SessionRecord): Scenario | undefined;
  /** What a token response says about the scenario: id and title, never its instructions. */
  summary(scenario: Scenario | undefined): { scenario?: { id: string; title: string } };
}

export function createTokenScenarios(catalogue: Pick<ScenarioCatalogue, 'get'> | undefined, logger: Logger): TokenScenarios {
  return {
    requested(scenarioId) {
      if (scenarioId === undefined) return undefined;
      const scenario = catalogue?.get(scenarioId);
      if (!scenario) {
        throw new ApiError(400, 'unknown_scenario', `There is no practice scenario "${scenarioId}". Choose one from the scenario library.`);
      }
      return scenario;
    },
    ofSession(record) {
      if (!record.scenarioId) return undefined;
      const scenario = catalogue?.get(record.scenarioId);
      if (!scenario) {
        logger.warn(
          { event: 'scenarioUnavailable', scenario: record.scenarioId, sessionId: shortId(record.id) },
          "the session's scenario is not in this instance's catalogue: free coaching",
        );
      }
      return scenario;
    },
    summary: (scenario) => (scenario ? { scenario: { id: scenario.id, title: scenario.title } } : {}),
  };
}
