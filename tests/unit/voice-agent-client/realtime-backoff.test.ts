import { describe, expect, it } from 'vitest';
import { backoffCap, createRetryPolicy, nextDelay } from '../../../src/lib/voice-agent/realtime/backoff';

const opts = { baseMs: 100, maxMs: 1000 } as const;

describe('nextDelay', () => {
  it('doubles the cap per attempt up to maxMs', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map((a) => backoffCap(a, opts))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
    expect(backoffCap(10_000, opts)).toBe(1000); // 2^10000 overflows; still capped
  });

  it('full jitter spans [0, cap]', () => {
    expect(nextDelay(3, { ...opts, jitter: 'full' }, () => 0)).toBe(0);
    expect(nextDelay(3, { ...opts, jitter: 'full' }, () => 0.5)).toBe(400);
    expect(nextDelay(3, { ...opts, jitter: 'full' }, () => 0.999999)).toBe(799);
  });

  it('equal jitter spans [cap/2, cap]', () => {
    expect(nextDelay(3, { ...opts, jitter: 'equal' }, () => 0)).toBe(400);
    expect(nextDelay(3, { ...opts, jitter: 'equal' }, () => 0.5)).toBe(600);
    expect(nextDelay(3, { ...opts, jitter: 'equal' }, () => 1)).toBe(800);
  });

  it('stays within bounds and actually varies with the real random source', () => {
    for (const jitter of ['full', 'equal'] as const) {
      const seen = new Set<number>();
      for (let i = 0; i < 500; i++) {
        const d = nextDelay(2, { ...opts, jitter });
        expect(d).toBeGreaterThanOrEqual(jitter === 'equal' ? 200 : 0);
        expect(d).toBeLessThanOrEqual(400);
        expect(Number.isInteger(d)).toBe(true);
        seen.add(d);
      }
      expect(seen.size).toBeGreaterThan(50);
    }
  });

  it('tolerates bad input: negative or NaN attempts, a random source out of range', () => {
    const full = { ...opts, jitter: 'full' } as const;
    expect(nextDelay(-3, full, () => 1)).toBe(100);
    expect(nextDelay(Number.NaN, full, () => 1)).toBe(100);
    expect(nextDelay(2, full, () => 7)).toBe(400);
    expect(nextDelay(2, full, () => -1)).toBe(0);
    expect(nextDelay(2, full, () => Number.NaN)).toBe(0);
    expect(nextDelay(2, { baseMs: 0, maxMs: 1000, jitter: 'full' }, () => 1)).toBe(0);
  });
});

describe('createRetryPolicy', () => {
  it('hands out maxAttempts growing delays, then null, and starts over after reset', () => {
    const policy = createRetryPolicy({ maxAttempts: 3, baseMs: 250, maxMs: 800, jitter: 'full', random: () => 1 });
    expect([policy.next(), policy.next(), policy.next(), policy.next()]).toEqual([
      { attempt: 0, delayMs: 250 },
      { attempt: 1, delayMs: 500 },
      { attempt: 2, delayMs: 800 },
      null,
    ]);
    expect(policy.attempts).toBe(3);
    policy.reset();
    expect(policy.attempts).toBe(0);
    expect(policy.next()).toEqual({ attempt: 0, delayMs: 250 });
  });

  it('allows no retry with maxAttempts 0 and uses defaults otherwise', () => {
    expect(createRetryPolicy({ maxAttempts: 0 }).next()).toBeNull();
    const first = createRetryPolicy({ maxAttempts: 1, random: () => 1 }).next();
    expect(first).toEqual({ attempt: 0, delayMs: 500 });
  });
});
