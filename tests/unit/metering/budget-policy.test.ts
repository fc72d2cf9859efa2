/**
 * The budget rules with concrete figures: when a live session ends and why, when a new one is refused,
 * and what the user is told. The clock is 18:48 UTC, so the daily limits reset in 5 h 12 min.
 */
import { describe, expect, it } from 'vitest';
import { budgetMessage, evaluateBudget, refusalForNewSession } from '../../../src/server/metering/budget-policy';
import type { BudgetConfig, BudgetInputs } from '../../../src/server/metering/metering-types';
import { usdToNano } from '../../../src/server/metering/pricing';
import { nextUtcMidnight, utcDay } from '../../../src/server/metering/utc-day';

const NOW = Date.UTC(2026, 2, 10, 18, 48, 0);
const MIDNIGHT = Date.UTC(2026, 2, 11);
const MIN = 60_000;

const config = (overrides: Partial<BudgetConfig> = {}): BudgetConfig => ({
  sessionMaxMs: 30 * MIN,
  dailySecondsPerIp: undefined,
  dailyCostLimitNanoUsd: undefined,
  sessionCostLimitNanoUsd: undefined,
  warningMs: 60_000,
  ...overrides,
});
const inputs = (overrides: Partial<BudgetInputs> = {}): BudgetInputs => ({
  now: NOW,
  sessionStartedAt: NOW - 10 * MIN,
  ipSecondsToday: 0,
  dayCostNanoUsd: 0,
  sessionCostNanoUsd: 0,
  sessionConnectedSeconds: 0,
  ...overrides,
});

describe('utcDay / nextUtcMidnight', () => {
  it('names the UTC day and finds the next midnight strictly after now', () => {
    expect(utcDay(NOW)).toBe('2026-03-10');
    expect(utcDay(Date.UTC(2026, 0, 31, 23, 59, 59, 999))).toBe('2026-01-31');
    expect(utcDay(Date.UTC(2026, 1, 1))).toBe('2026-02-01');
    expect(nextUtcMidnight(NOW)).toBe(MIDNIGHT);
    expect(nextUtcMidnight(MIDNIGHT)).toBe(MIDNIGHT + 24 * 60 * MIN);
    expect(nextUtcMidnight(MIDNIGHT - 1)).toBe(MIDNIGHT);
    expect(nextUtcMidnight(Date.UTC(2028, 1, 28, 12))).toBe(Date.UTC(2028, 1, 29));
  });
});

describe('evaluateBudget', () => {
  it('ends a session SESSION_MAX_MINUTES after it started', () => {
    expect(evaluateBudget(config(), inputs())).toEqual({ endsAt: NOW + 20 * MIN, limit: 'session_minutes', phase: 'running' });
  });

  it('warns warningMs ahead of the end and is over at it', () => {
    const startedAt = NOW - 29 * MIN; // ends at NOW + 1 min
    expect(evaluateBudget(config(), inputs({ sessionStartedAt: startedAt, now: NOW - 1 })).phase).toBe('running');
    expect(evaluateBudget(config(), inputs({ sessionStartedAt: startedAt })).phase).toBe('warning');
    expect(evaluateBudget(config(), inputs({ sessionStartedAt: startedAt, now: NOW + MIN - 1 })).phase).toBe('warning');
    expect(evaluateBudget(config(), inputs({ sessionStartedAt: startedAt, now: NOW + MIN }))).toEqual({
      endsAt: NOW + MIN,
      limit: 'session_minutes',
      phase: 'over',
    });
    expect(evaluateBudget(config({ warningMs: 5_000 }), inputs({ sessionStartedAt: startedAt })).phase).toBe('running');
  });

  it('ends when the IP\'s daily minutes run out, counting what is left from now', () => {
    const twentyMinutes = config({ dailySecondsPerIp: 1_200 });
    expect(evaluateBudget(twentyMinutes, inputs({ ipSecondsToday: 1_100 }))).toEqual({ endsAt: NOW + 100_000, limit: 'daily_minutes', phase: 'running' });
    expect(evaluateBudget(twentyMinutes, inputs({ ipSecondsToday: 1_150.5 }))).toEqual({ endsAt: NOW + 49_500, limit: 'daily_minutes', phase: 'warning' });
    expect(evaluateBudget(twentyMinutes, inputs({ ipSecondsToday: 1_500 }))).toEqual({ endsAt: NOW, limit: 'daily_minutes', phase: 'over' });
    // Plenty left: the session limit comes first.
    expect(evaluateBudget(twentyMinutes, inputs({ ipSecondsToday: 0 })).limit).toBe('session_minutes');
  });

  it('projects the session\'s spend limit from its average rate so far', () => {
    const fiftyCents = config({ sessionCostLimitNanoUsd: usdToNano(0.5) });
    // $0.10 over 60 s: $0.40 left at ~$0.00167/s → 240 s.
    expect(evaluateBudget(fiftyCents, inputs({ sessionCostNanoUsd: 100_000_000, sessionConnectedSeconds: 60 }))).toEqual({
      endsAt: NOW + 240_000,
      limit: 'session_cost',
      phase: 'running',
    });
    // Already spent: over now, whatever the rate.
    expect(evaluateBudget(fiftyCents, inputs({ sessionCostNanoUsd: 500_000_000, sessionConnectedSeconds: 1 }))).toEqual({
      endsAt: NOW,
      limit: 'session_cost',
      phase: 'over',
    });
  });

  it('does not project a spend rate from nothing or from under 5 connected seconds', () => {
    const fiftyCents = config({ sessionCostLimitNanoUsd: usdToNano(0.5) });
    expect(evaluateBudget(fiftyCents, inputs({ sessionCostNanoUsd: 400_000_000, sessionConnectedSeconds: 4.9 })).limit).toBe('session_minutes');
    expect(evaluateBudget(fiftyCents, inputs({ sessionCostNanoUsd: 0, sessionConnectedSeconds: 600 })).limit).toBe('session_minutes');
    expect(evaluateBudget(fiftyCents, inputs({ sessionCostNanoUsd: 400_000_000, sessionConnectedSeconds: 5 }))).toEqual({
      endsAt: NOW + 1_250,
      limit: 'session_cost',
      phase: 'warning',
    });
  });

  it('projects the day\'s spend limit with this session\'s rate, and is over once the day is spent', () => {
    const tenDollars = config({ dailyCostLimitNanoUsd: usdToNano(10) });
    // $9.90 spent today; this session spends $0.05 per 100 s → the $0.10 left lasts 200 s.
    const verdict = evaluateBudget(tenDollars, inputs({ dayCostNanoUsd: 9_900_000_000, sessionCostNanoUsd: 50_000_000, sessionConnectedSeconds: 100 }));
    expect(verdict).toEqual({ endsAt: NOW + 200_000, limit: 'daily_cost', phase: 'running' });
    // Spent by other sessions: this one (which spent nothing yet) is over too.
    expect(evaluateBudget(tenDollars, inputs({ dayCostNanoUsd: 10_000_000_000 }))).toEqual({ endsAt: NOW, limit: 'daily_cost', phase: 'over' });
  });

  it('picks the earliest end among all limits', () => {
    const all = config({ dailySecondsPerIp: 1_200, sessionCostLimitNanoUsd: usdToNano(0.5), dailyCostLimitNanoUsd: usdToNano(10) });
    const figures = { sessionCostNanoUsd: 100_000_000, sessionConnectedSeconds: 60 }; // 240 s to the session budget
    expect(evaluateBudget(all, inputs({ ...figures, ipSecondsToday: 1_100, dayCostNanoUsd: 9_800_000_000 })).limit).toBe('daily_minutes'); // 100 s
    expect(evaluateBudget(all, inputs({ ...figures, ipSecondsToday: 0, dayCostNanoUsd: 9_800_000_000 }))).toMatchObject({ endsAt: NOW + 120_000, limit: 'daily_cost' });
    expect(evaluateBudget(all, inputs({ ...figures, ipSecondsToday: 0, dayCostNanoUsd: 0 }))).toMatchObject({ endsAt: NOW + 240_000, limit: 'session_cost' });
  });

  it('breaks ties in the order session_minutes, daily_minutes, session_cost, daily_cost', () => {
    const all = config({ dailySecondsPerIp: 1_200, sessionCostLimitNanoUsd: usdToNano(0.5), dailyCostLimitNanoUsd: usdToNano(10) });
    // Everything ends at NOW + 240 s.
    const tie = { sessionStartedAt: NOW + 240_000 - 30 * MIN, ipSecondsToday: 960, sessionCostNanoUsd: 100_000_000, sessionConnectedSeconds: 60, dayCostNanoUsd: 9_600_000_000 };
    expect(evaluateBudget(all, inputs(tie)).limit).toBe('session_minutes');
    expect(evaluateBudget(all, inputs({ ...tie, sessionStartedAt: NOW })).limit).toBe('daily_minutes');
    expect(evaluateBudget(all, inputs({ ...tie, sessionStartedAt: NOW, ipSecondsToday: 0 })).limit).toBe('session_cost');
    // All spent at once: over now, and the ties resolve the same way.
    const spent = { sessionCostNanoUsd: 600_000_000, dayCostNanoUsd: 11_000_000_000, sessionConnectedSeconds: 60 };
    expect(evaluateBudget(all, inputs({ ...spent, ipSecondsToday: 2_000 }))).toEqual({ endsAt: NOW, limit: 'daily_minutes', phase: 'over' });
    expect(evaluateBudget(all, inputs(spent))).toEqual({ endsAt: NOW, limit: 'session_cost', phase: 'over' });
    expect(evaluateBudget(config({ dailyCostLimitNanoUsd: usdToNano(10) }), inputs(spent)).limit).toBe('daily_cost');
  });
});

describe('refusalForNewSession', () => {
  const daily = config({ dailySecondsPerIp: 1_200, dailyCostLimitNanoUsd: usdToNano(10) });

  it('admits a session while both daily limits have room, and always without daily limits', () => {
    expect(refusalForNewSession(daily, { now: NOW, ipSecondsToday: 1_199, dayCostNanoUsd: 9_999_999_999 })).toBeNull();
    expect(refusalForNewSession(config(), { now: NOW, ipSecondsToday: 1e9, dayCostNanoUsd: 1e15 })).toBeNull();
  });

  it('refuses once a daily limit is reached, global budget first, until the next 00:00 UTC', () => {
    expect(refusalForNewSession(daily, { now: NOW, ipSecondsToday: 1_200, dayCostNanoUsd: 0 })).toEqual({ limit: 'daily_minutes', resetsAt: MIDNIGHT });
    expect(refusalForNewSession(daily, { now: NOW, ipSecondsToday: 0, dayCostNanoUsd: 10_000_000_000 })).toEqual({ limit: 'daily_cost', resetsAt: MIDNIGHT });
    expect(refusalForNewSession(daily, { now: NOW, ipSecondsToday: 5_000, dayCostNanoUsd: 20_000_000_000 })).toEqual({ limit: 'daily_cost', resetsAt: MIDNIGHT });
  });
});

describe('budgetMessage', () => {
  const budgets = config({ dailySecondsPerIp: 1_200, dailyCostLimitNanoUsd: usdToNano(25), sessionCostLimitNanoUsd: usdToNano(2) });

  it('says how long is left and which limit ends the session', () => {
    expect(budgetMessage('warning', 'session_minutes', budgets, { now: NOW, endsAt: NOW + 60_000 })).toBe('One minute left: this session ends at its 30-minute limit.');
    expect(budgetMessage('warning', 'session_minutes', budgets, { now: NOW, endsAt: NOW + 58_600 })).toBe('One minute left: this session ends at its 30-minute limit.');
    expect(budgetMessage('warning', 'daily_minutes', budgets, { now: NOW, endsAt: NOW + 30_000 })).toBe(
      "30 seconds left: this session ends when your network's daily voice allowance of 20 minutes is used up.",
    );
    expect(budgetMessage('warning', 'daily_cost', budgets, { now: NOW, endsAt: NOW + 3 * MIN })).toBe("3 minutes left: this session ends when today's voice budget is used up.");
    expect(budgetMessage('warning', 'session_cost', budgets, { now: NOW, endsAt: NOW + 1_000 })).toBe('One second left: this session ends when it reaches its voice budget.');
    // Without times, the warning is taken to be warningMs ahead.
    expect(budgetMessage('warning', 'session_minutes', budgets)).toBe('One minute left: this session ends at its 30-minute limit.');
  });

  it('says why the session ended, and for daily limits when they reset', () => {
    expect(budgetMessage('ended', 'session_minutes', budgets, { now: NOW })).toBe('This session reached its 30-minute limit.');
    expect(budgetMessage('ended', 'session_minutes', config({ sessionMaxMs: 3_000 }), { now: NOW })).toBe('This session reached its 3-second limit.');
    expect(budgetMessage('ended', 'session_minutes', config({ sessionMaxMs: 120 * MIN }), { now: NOW })).toBe('This session reached its 2-hour limit.');
    expect(budgetMessage('ended', 'session_minutes', config({ sessionMaxMs: 90_000 }), { now: NOW })).toBe('This session reached its 1.5-minute limit.');
    expect(budgetMessage('ended', 'session_cost', budgets, { now: NOW })).toBe('This session reached its voice budget.');
    expect(budgetMessage('ended', 'operator', budgets, { now: NOW })).toBe('This session has ended: an operator ended it.');
    expect(budgetMessage('ended', 'daily_minutes', budgets, { now: NOW })).toBe(
      "This session has ended: your network's daily voice allowance of 20 minutes is used up. It resets at 00:00 UTC, in 5 h 12 min.",
    );
    expect(budgetMessage('ended', 'daily_cost', budgets, { now: NOW })).toBe(
      "This session has ended: today's voice budget is used up. It resets at 00:00 UTC, in 5 h 12 min.",
    );
    expect(budgetMessage('ended', 'daily_cost', budgets)).toBe("This session has ended: today's voice budget is used up. It resets at 00:00 UTC.");
  });

  it('refuses a new session naming the limit and when it resets', () => {
    expect(budgetMessage('refused', 'daily_cost', budgets, { now: NOW, resetsAt: MIDNIGHT })).toBe("Today's voice budget is used up. It resets at 00:00 UTC, in 5 h 12 min.");
    expect(budgetMessage('refused', 'daily_minutes', budgets, { now: NOW, resetsAt: MIDNIGHT })).toBe(
      "Your network's daily voice allowance of 20 minutes is used up. It resets at 00:00 UTC, in 5 h 12 min.",
    );
    expect(budgetMessage('refused', 'daily_minutes', config({ dailySecondsPerIp: 7_200 }), { now: Date.UTC(2026, 2, 10, 23) })).toBe(
      "Your network's daily voice allowance of 2 hours is used up. It resets at 00:00 UTC, in 1 h.",
    );
    expect(budgetMessage('refused', 'daily_cost', budgets, { now: MIDNIGHT - 30_000 })).toBe("Today's voice budget is used up. It resets at 00:00 UTC, in less than a minute.");
    expect(budgetMessage('refused', 'daily_cost', budgets, { now: MIDNIGHT - 41 * MIN - 10_000 })).toBe("Today's voice budget is used up. It resets at 00:00 UTC, in 42 min.");
  });

  it('never shows users what the budgets cost', () => {
    const all = [
      budgetMessage('warning', 'daily_cost', budgets, { now: NOW, endsAt: NOW + MIN }),
      budgetMessage('warning', 'session_cost', budgets, { now: NOW, endsAt: NOW + MIN }),
      budgetMessage('ended', 'daily_cost', budgets, { now: NOW }),
      budgetMessage('ended', 'session_cost', budgets, { now: NOW }),
      budgetMessage('refused', 'daily_cost', budgets, { now: NOW, resetsAt: MIDNIGHT }),
    ];
    for (const message of all) {
      expect(message).not.toMatch(/\$|USD|25|nano/);
    }
  });
});
