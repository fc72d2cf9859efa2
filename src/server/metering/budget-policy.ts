/**
 * The budget rules, as pure functions of configuration and the meters' current figures: when a live
 * session ends and why (the earliest limit wins), and whether a new session may start at all. No clocks,
 * no I/O: the supervisor and the token service pass `now` and the figures they read from the MeterStore.
 */
import type { BudgetConfig, BudgetInputs, BudgetRefusal, BudgetVerdict } from './metering-types';
import { nextUtcMidnight } from './utc-day';

export { budgetMessage, type BudgetMessageTimes, type BudgetMoment } from './budget-messages';

/**
 * A session's spend rate is only projected once it has been connected this long: over the first seconds
 * one large response would make the rate (and so the projected end) swing wildly.
 */
export const MIN_SECONDS_FOR_SPEND_RATE = 5;

type Candidate = Pick<BudgetVerdict, 'endsAt' | 'limit'>;

/**
 * When `remainingNano` more nano-dollars will have been spent at the session's average rate so far;
 * `now` when nothing remains, undefined while the rate is not known yet.
 */
function projectedSpendEnd(now: number, remainingNano: number, inputs: BudgetInputs): number | undefined {
  if (remainingNano <= 0) return now;
  if (inputs.sessionCostNanoUsd <= 0 || inputs.sessionConnectedSeconds < MIN_SECONDS_FOR_SPEND_RATE) return undefined;
  const nanoPerSecond = inputs.sessionCostNanoUsd / inputs.sessionConnectedSeconds;
  return now + Math.round((remainingNano / nanoPerSecond) * 1000);
}

/**
 * The earliest end among the configured limits. Candidates are listed in tie priority
 * (session_minutes, daily_minutes, session_cost, daily_cost): a later one wins only when strictly earlier.
 */
export function evaluateBudget(config: BudgetConfig, inputs: BudgetInputs): BudgetVerdict {
  const { now } = inputs;
  const candidates: Candidate[] = [{ endsAt: inputs.sessionStartedAt + config.sessionMaxMs, limit: 'session_minutes' }];

  if (config.dailySecondsPerIp !== undefined) {
    const secondsLeft = Math.max(0, config.dailySecondsPerIp - inputs.ipSecondsToday);
    candidates.push({ endsAt: now + Math.round(secondsLeft * 1000), limit: 'daily_minutes' });
  }
  if (config.sessionCostLimitNanoUsd !== undefined) {
    const endsAt = projectedSpendEnd(now, config.sessionCostLimitNanoUsd - inputs.sessionCostNanoUsd, inputs);
    if (endsAt !== undefined) candidates.push({ endsAt, limit: 'session_cost' });
  }
  if (config.dailyCostLimitNanoUsd !== undefined) {
    const endsAt = projectedSpendEnd(now, config.dailyCostLimitNanoUsd - inputs.dayCostNanoUsd, inputs);
    if (endsAt !== undefined) candidates.push({ endsAt, limit: 'daily_cost' });
  }

  let earliest = candidates[0]!;
  for (const candidate of candidates) if (candidate.endsAt < earliest.endsAt) earliest = candidate;

  const phase: BudgetVerdict['phase'] =
    now >= earliest.endsAt ? 'over' : now >= earliest.endsAt - config.warningMs ? 'warning' : 'running';
  return { endsAt: earliest.endsAt, limit: earliest.limit, phase };
}

export interface NewSessionFigures {
  now: number;
  /** Connected seconds the requesting IP has used today. */
  ipSecondsToday: number;
  /** Estimated spend today across all sessions. */
  dayCostNanoUsd: number;
}

/**
 * Whether a new session must be refused because a daily limit is exhausted: the global daily budget
 * first (it concerns everyone), then the IP's daily minutes. Both reset at the next 00:00 UTC.
 */
export function refusalForNewSession(config: BudgetConfig, figures: NewSessionFigures): BudgetRefusal | null {
  const resetsAt = nextUtcMidnight(figures.now);
  if (config.dailyCostLimitNanoUsd !== undefined && figures.dayCostNanoUsd >= config.dailyCostLimitNanoUsd) {
    return { limit: 'daily_cost', resetsAt };
  }
  if (config.dailySecondsPerIp !== undefined && figures.ipSecondsToday >= config.dailySecondsPerIp) {
    return { limit: 'daily_minutes', resetsAt };
  }
  return null;
}
