/**
 * The units both meter stores count in, so memory and Redis report identical figures: money and tokens
 * as non-negative whole numbers (Redis HINCRBY/INCRBY take integers only), connected time as whole
 * milliseconds. Anything that is not a positive finite number adds nothing rather than failing a write.
 */
import { USAGE_FIELDS, type TokenUsage } from './metering-types';

/** A non-negative whole amount (tokens, nano-dollars); NaN, negatives and infinities become 0. */
export function wholeAmount(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.round(value) : 0;
}

/** Seconds (possibly fractional) to whole milliseconds. */
export function secondsToMs(seconds: number): number {
  return wholeAmount(seconds * 1000);
}

export function wholeUsage(usage: Readonly<TokenUsage>): TokenUsage {
  const clean = {} as TokenUsage;
  for (const field of USAGE_FIELDS) clean[field] = wholeAmount(usage[field]);
  return clean;
}
