/**
 * Metered sessions in fallback mode (issue 8): a session that started in fallback, or switched to it
 * mid-session, has no call for the supervisor to watch, so its bounds are checked where it spends the
 * key — at each transcribe, chat and speech request. Past SESSION_MAX_MINUTES the session is closed
 * (first closure wins, counted and logged once) and, like a session an operator or a budget closed, it
 * gets 403 `session_ended`. Fallback spend is not priced (docs/cost-control.md).
 */
import type { Logger } from '../observability/logger';
import { shortId } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { SessionRecord } from '../sessions/session-store';
import { budgetMessage } from './budget-policy';
import type { BudgetConfig, MeterStore } from './metering-types';
import { sessionEndedError } from './session-access';

export interface FallbackGateDeps {
  meter: Pick<MeterStore, 'ledger' | 'close'>;
  budgets: BudgetConfig;
  metrics: Metrics;
  logger: Logger;
  now?: () => number;
}

export type FallbackGate = (session: SessionRecord) => Promise<void>;

export function createFallbackGate(deps: FallbackGateDeps): FallbackGate {
  const now = deps.now ?? Date.now;
  return async (session) => {
    const ledger = await deps.meter.ledger(session.id);
    if (ledger?.closed) throw sessionEndedError(ledger.closed);
    const at = now();
    if (at < session.createdAt + deps.budgets.sessionMaxMs) return;
    const message = budgetMessage('ended', 'session_minutes', deps.budgets, { now: at });
    const closure = await deps.meter.close(session.id, { reason: 'session_minutes', message, at });
    if (closure.at === at && closure.reason === 'session_minutes') {
      deps.metrics.cost.budgetDecisions.inc({ limit: 'session_minutes', decision: 'ended' });
      deps.logger.warn({ event: 'sessionLimitReached', sessionId: shortId(session.id), limit: 'session_minutes', mode: 'fallback', ip: session.ip }, 'sessionLimitReached');
    }
    throw sessionEndedError(closure);
  };
}
