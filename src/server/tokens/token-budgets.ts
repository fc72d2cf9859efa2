/**
 * The budgets' side of the token endpoints (issue 8): a new session is refused once its IP's daily
 * voice minutes or the day's spend are used up (429 / 403, naming the limit and when it resets); a
 * session whose voice the server closed gets no fresh token; an ended session's usage and cost are
 * observed for the metrics. Only does anything when sessions are metered.
 */
import type { Config } from '../config';
import { ApiError } from '../http/api-error';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { budgetMessage, refusalForNewSession } from '../metering/budget-policy';
import type { MeterStore } from '../metering/metering-types';
import { nanoToUsd } from '../metering/pricing';
import { sessionEndedError } from '../metering/session-access';
import { utcDay } from '../metering/utc-day';
import type { SessionMode, SessionRecord } from '../sessions/session-store';

export interface TokenBudgetsDeps {
  config: Pick<Config, 'metered' | 'budgets'>;
  meter: MeterStore | undefined;
  metrics: Metrics;
  logger: Logger;
  now: () => number;
}

/** Where a metered realtime session connects: the app's own endpoints, never OpenAI directly. */
export const METERED_TARGET = { url: '/api/voice-agent', websocketUrl: '/api/voice-agent/realtime', metered: true } as const;

export function createTokenBudgets(deps: TokenBudgetsDeps) {
  const { config, meter, metrics, logger, now } = deps;
  const active = config.metered && meter !== undefined;

  return {
    /** Realtime sessions go through the server (signed token, app endpoints) instead of an ephemeral key. */
    metersRealtime: active,

    /** Throws the refusal when a daily budget is used up; demo sessions spend nothing and always pass. */
    async checkNewSession(ip: string, mode: SessionMode): Promise<void> {
      if (!active || mode === 'demo') return;
      const at = now();
      const day = utcDay(at);
      const [ipSecondsToday, dayCostNanoUsd] = await Promise.all([meter!.ipSeconds(ip, day), meter!.dayCost(day)]);
      const refusal = refusalForNewSession(config.budgets, { now: at, ipSecondsToday, dayCostNanoUsd });
      if (!refusal) return;
      metrics.cost.budgetDecisions.inc({ limit: refusal.limit, decision: 'refused' });
      const retryAfter = Math.max(1, Math.ceil((refusal.resetsAt - at) / 1000));
      logger.warn({ event: 'budgetRefused', limit: refusal.limit, ip, resetsAt: new Date(refusal.resetsAt).toISOString() }, 'budgetRefused');
      const message = budgetMessage('refused', refusal.limit, config.budgets, { now: at, resetsAt: refusal.resetsAt });
      const details = { limit: refusal.limit, resetsAt: refusal.resetsAt, retryAfter };
      if (refusal.limit === 'daily_minutes') {
        throw new ApiError(429, 'daily_minutes_exhausted', message, { 'Retry-After': String(retryAfter) }, details);
      }
      throw new ApiError(403, 'daily_budget_exhausted', message, {}, details);
    },

    /** A session the server closed (budget or operator) gets no fresh token. */
    async checkRefresh(sessionId: string): Promise<void> {
      if (!active) return;
      const closed = (await meter!.ledger(sessionId))?.closed;
      if (closed) throw sessionEndedError(closed);
    },

    /** Observes a metered session's totals when it ends. */
    async observeEnded(record: SessionRecord): Promise<void> {
      if (!active) return;
      const ledger = await meter!.ledger(record.id);
      if (!ledger?.link) return;
      const transport = ledger.link.transport;
      const u = ledger.usage;
      const tokens = u.inputTextTokens + u.inputAudioTokens + u.inputImageTokens + u.outputTextTokens + u.outputAudioTokens;
      metrics.cost.sessionCostUsd.observe({ transport }, nanoToUsd(ledger.costNanoUsd));
      metrics.cost.sessionConnectedMinutes.observe({ transport }, ledger.connectedSeconds / 60);
      metrics.cost.sessionTokens.observe({ transport }, tokens);
    },
  };
}

export type TokenBudgets = ReturnType<typeof createTokenBudgets>;
