/**
 * What an executive reads about a metered session: the usage line and its tooltip, the notice shortly
 * before the server's end (for each limit), and the console's words when a daily budget refuses a session.
 */
import { describe, expect, it } from 'vitest';
import { formatCost, usageLine, usageTitle, warningNotice } from '../../../src/lib/voice-agent/metering/meter-copy';
import { toMeterView, type MeterView } from '../../../src/lib/voice-agent/metering/meter-view';
import { parseSessionStatus } from '../../../src/lib/voice-agent/metering/session-status-client';
import { describeFailure } from '../../../src/features/voice-agent/utils/describe-failure';
import { startLabel, statusText } from '../../../src/features/voice-agent/utils/console-copy';

const view = (patch: Partial<MeterView> = {}): MeterView => ({
  costUsd: 0.4213,
  connectedSeconds: 372,
  inputTokens: 12_345,
  outputTokens: 6_789,
  endsAtLocal: 1_000_000,
  limit: 'session_minutes',
  limitMs: 30 * 60_000,
  warningSeconds: 60,
  ...patch,
});

describe('the usage line', () => {
  it('reads "≈ $0.42 · 6 min", and says in its tooltip that the cost is an estimate', () => {
    expect(usageLine(view())).toBe('≈ $0.42 · 6 min');
    expect(usageTitle(view())).toMatch(/^Estimated cost .* 12,345 tokens in and 6,789 out\. An estimate: the actual invoice may differ\. Voice connected for 6 min\.$/);
  });

  it('starts small and honest', () => {
    expect(usageLine(view({ costUsd: 0, connectedSeconds: 12 }))).toBe('$0.00 · < 1 min');
    expect(formatCost(0.003)).toBe('< $0.01');
    expect(usageLine(view({ costUsd: undefined }))).toBe('6 min');
    expect(usageLine(view({ costUsd: undefined, connectedSeconds: undefined }))).toBeUndefined();
  });
});

describe('a fallback session (metered by time only: its spend is not priced)', () => {
  // The server's answer for a metered fallback session: no usage, no cost, no connected seconds.
  const status = parseSessionStatus({ success: true, metered: true, serverTime: 1_800_000, startedAt: 60_000, endsAt: 1_860_000, limit: 'session_minutes', warningSeconds: 60 })!;
  const fallback = toMeterView(status, 1_800_000, 1_800_000);

  it('shows no usage line at all (never "$0.00")', () => {
    expect(usageLine(fallback)).toBeUndefined();
  });

  it('still warns a minute ahead, naming its time limit', () => {
    expect(warningNotice(fallback, 60_000)).toBe('One minute left — this session ends at its 30-minute limit. Your transcript will be kept.');
  });
});

describe('the notice before the end', () => {
  it('says nothing until the warning time', () => {
    expect(warningNotice(view(), 61_000)).toBeUndefined();
    expect(warningNotice(view({ endsAtLocal: undefined }), 10_000)).toBeUndefined();
  });

  it('names the time left and the limit, calmly', () => {
    expect(warningNotice(view(), 60_000)).toBe('One minute left — this session ends at its 30-minute limit. Your transcript will be kept.');
    // A poll or a tick late is still "one minute".
    expect(warningNotice(view(), 58_400)).toMatch(/^One minute left/);
    expect(warningNotice(view({ warningSeconds: 120 }), 120_000)).toMatch(/^2 minutes left/);
    expect(warningNotice(view({ limit: 'daily_minutes' }), 60_000)).toBe("One minute left — this session ends when today's voice-time allowance runs out. Your transcript will be kept.");
    expect(warningNotice(view({ limit: 'daily_cost' }), 60_000)).toContain("today's coaching budget is used up");
    expect(warningNotice(view({ limit: 'session_cost' }), 60_000)).toContain('this session ends at its spending limit');
  });

  it('never promises more time than is left (a limit shorter than the warning)', () => {
    expect(warningNotice(view({ limitMs: 8_000, warningSeconds: 60 }), 5_200)).toBe('6 seconds left — this session ends at its 8-second limit. Your transcript will be kept.');
  });
});

describe('a daily budget refusing a new session', () => {
  const refusal = { kind: 'http' as const, status: 403, code: 'daily_budget_exhausted', message: "Today's voice budget is used up. It resets at 00:00 UTC, in 5 h 12 min." };

  it('is told in the server\'s own words (which name the limit and the reset), not as a wrong-site error', () => {
    const copy = describeFailure(refusal);
    expect(copy.title).toBe(refusal.message);
    expect(copy.serverMessage).toBeUndefined();
    expect(describeFailure({ ...refusal, status: 429, code: 'daily_minutes_exhausted' }).title).toBe(refusal.message);
    expect(statusText({ phase: 'error', failure: refusal })).toBe('Could not start a session.');
  });

  it('locks the start button without counting hours in seconds', () => {
    expect(startLabel('error', 5 * 3600_000)).toBe('Try again later');
    expect(startLabel('error', 9_500)).toBe('Try again in 10 s');
    expect(startLabel('error', 0)).toBe('Try again');
    expect(startLabel('ended', undefined)).toBe('Start a new session');
  });
});
