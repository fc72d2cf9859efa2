/**
 * What the user is told about a budget, in plain words: that the session ends soon, that it ended, or
 * that a new one is refused — always naming the limit, and for daily limits when they reset. Costs stay
 * out of it: the global budget is "today's voice budget", never a dollar figure.
 */
import type { BudgetConfig, BudgetLimit } from './metering-types';
import { nextUtcMidnight } from './utc-day';

export type BudgetMoment = 'warning' | 'ended' | 'refused';

/** When the message is said, and the times it refers to (all epoch ms). */
export interface BudgetMessageTimes {
  now?: number;
  /** warning: when the session will end (without it, the warning is taken to be `warningMs` ahead). */
  endsAt?: number;
  /** refused: when the limit resets (default: the next 00:00 UTC after `now`). */
  resetsAt?: number;
}

/**
 * - `warning`: the session ends soon ("One minute left: this session ends at its 30-minute limit.");
 * - `ended`: the server closed the session's voice ("This session reached its 30-minute limit.");
 * - `refused`: a new session is refused ("Today's voice budget is used up. It resets at 00:00 UTC, in 5 h 12 min.").
 * Without `now`, a daily limit's reset is named without the time left until it.
 */
export function budgetMessage(moment: BudgetMoment, limit: BudgetLimit, config: BudgetConfig, times: BudgetMessageTimes = {}): string {
  const { now } = times;
  switch (moment) {
    case 'warning': {
      const left = times.endsAt !== undefined && now !== undefined ? times.endsAt - now : config.warningMs;
      return `${timeLeft(left)}: ${endingReason(limit, config)}.`;
    }
    case 'ended':
      return endedMessage(limit, config, now);
    case 'refused': {
      const resetsAt = times.resetsAt ?? (now === undefined ? undefined : nextUtcMidnight(now));
      return `${capitalize(exhausted(limit, config))}. ${resetSentence(resetsAt, now)}`;
    }
  }
}

function endingReason(limit: BudgetLimit, config: BudgetConfig): string {
  switch (limit) {
    case 'session_minutes':
      return `this session ends at its ${limitLength(config.sessionMaxMs)} limit`;
    case 'daily_minutes':
      return `this session ends when ${allowance(config)} is used up`;
    case 'session_cost':
      return 'this session ends when it reaches its voice budget';
    case 'daily_cost':
      return "this session ends when today's voice budget is used up";
    case 'operator':
      return 'an operator is ending this session';
  }
}

function endedMessage(limit: BudgetLimit, config: BudgetConfig, now: number | undefined): string {
  switch (limit) {
    case 'session_minutes':
      return `This session reached its ${limitLength(config.sessionMaxMs)} limit.`;
    case 'session_cost':
      return 'This session reached its voice budget.';
    case 'operator':
      return 'This session has ended: an operator ended it.';
    case 'daily_minutes':
    case 'daily_cost':
      return `This session has ended: ${exhausted(limit, config)}. ${resetSentence(now === undefined ? undefined : nextUtcMidnight(now), now)}`;
  }
}

/** The exhausted limit, as a clause ("today's voice budget is used up"). */
function exhausted(limit: BudgetLimit, config: BudgetConfig): string {
  switch (limit) {
    case 'daily_minutes':
      return `${allowance(config)} is used up`;
    case 'daily_cost':
      return "today's voice budget is used up";
    case 'session_minutes':
      return `this session's ${limitLength(config.sessionMaxMs)} limit is reached`;
    case 'session_cost':
      return "this session's voice budget is reached";
    case 'operator':
      return 'an operator ended this session';
  }
}

function allowance(config: BudgetConfig): string {
  const amount = config.dailySecondsPerIp === undefined ? '' : ` of ${amountOfTime(config.dailySecondsPerIp)}`;
  return `your network's daily voice allowance${amount}`;
}

/** "It resets at 00:00 UTC, in 5 h 12 min." (daily limits reset at midnight UTC, so the clock is known without `now`). */
function resetSentence(resetsAt: number | undefined, now: number | undefined): string {
  const clock = resetsAt === undefined ? '00:00' : new Date(resetsAt).toISOString().slice(11, 16);
  const wait = resetsAt !== undefined && now !== undefined ? `, in ${timeUntil(resetsAt - now)}` : '';
  return `It resets at ${clock} UTC${wait}.`;
}

/** "5 h 12 min", "12 min", "less than a minute": minutes rounded up, so it never says "0 min". */
function timeUntil(ms: number): string {
  if (ms < 60_000) return 'less than a minute';
  const minutes = Math.ceil(ms / 60_000);
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** "One minute left", "3 minutes left", "20 seconds left" (the warning is usually a minute ahead). */
function timeLeft(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds >= 45 && seconds < 90) return 'One minute left';
  if (seconds >= 90) return `${Math.round(seconds / 60)} minutes left`;
  if (seconds === 0) return 'Less than a second left';
  return seconds === 1 ? 'One second left' : `${seconds} seconds left`;
}

/** A limit's length as an adjective: "30-minute", "2-hour", "3-second", "1.5-minute". */
function limitLength(ms: number): string {
  if (ms < 60_000) return `${Math.max(1, Math.round(ms / 1000))}-second`;
  const minutes = Math.round(ms / 6_000) / 10;
  if (minutes % 60 === 0) return `${minutes / 60}-hour`;
  return `${minutes}-minute`;
}

/** An amount of time as a noun phrase: "20 minutes", "1 minute", "2 hours", "30 seconds". */
function amountOfTime(seconds: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds < 60) return plural(Math.round(seconds), 'second');
  const minutes = Math.round(seconds / 6) / 10;
  if (minutes % 60 === 0) return plural(minutes / 60, 'hour');
  return plural(minutes, 'minute');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
