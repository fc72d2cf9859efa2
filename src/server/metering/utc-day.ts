/**
 * The calendar the daily budgets run on: UTC days, the same for every instance whatever its time zone,
 * so a daily total resets at one moment across the fleet.
 */
import type { UtcDay } from './metering-types';

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of the UTC day holding `now` (epoch ms). */
export function utcDay(now: number): UtcDay {
  return new Date(now).toISOString().slice(0, 10);
}

/** The next 00:00 UTC strictly after `now` (epoch ms): when today's daily budgets reset. */
export function nextUtcMidnight(now: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
}
