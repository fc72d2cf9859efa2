/**
 * The behaviour every MeterStore must have, run against each implementation (memory, Redis, the
 * resilient wrapper with Redis up) so they cannot drift apart: the same sums, the same rounding of
 * connected time, the same first-closure-wins. Expiry is tested per implementation (memory by its clock,
 * Redis by its TTLs).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZERO_USAGE, type MeterStore, type SessionClosure, type TokenUsage } from '../../../src/server/metering/metering-types';
import { utcDay } from '../../../src/server/metering/utc-day';

export interface MeterStoreUnderTest {
  store: MeterStore;
  cleanup(): Promise<void>;
}

const usage = (overrides: Partial<TokenUsage>): TokenUsage => ({ ...ZERO_USAGE, ...overrides });

export function meterStoreContract(name: string, factory: () => Promise<MeterStoreUnderTest>): void {
  describe(`MeterStore contract: ${name}`, () => {
    let subject: MeterStoreUnderTest;
    let store: MeterStore;
    let t0: number;
    let day: string;
    // Fresh ids and a fresh day per test: stores sharing one Redis never see each other's totals.
    const sid = () => `sess-${randomUUID()}`;
    const ip = () => `198.51.100.${Math.floor(Math.random() * 250)}-${randomUUID().slice(0, 8)}`;

    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
      t0 = Date.now();
      day = `${utcDay(t0)}-${randomUUID().slice(0, 8)}`;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('adds usage and cost to the session and the day, and reports both totals', async () => {
      const a = sid();
      const b = sid();
      expect(await store.addUsage(a, usage({ inputAudioTokens: 500, cachedAudioTokens: 100, outputAudioTokens: 300 }), 35_040_000, day, t0)).toEqual({
        sessionCostNanoUsd: 35_040_000,
        dayCostNanoUsd: 35_040_000,
      });
      expect(await store.addUsage(b, usage({ outputTextTokens: 10 }), 160_000, day, t0 + 1)).toEqual({ sessionCostNanoUsd: 160_000, dayCostNanoUsd: 35_200_000 });
      expect(await store.addUsage(a, usage({ inputTextTokens: 20, cachedTextTokens: 20, outputAudioTokens: 1_000 }), 64_008_000, day, t0 + 2)).toEqual({
        sessionCostNanoUsd: 99_048_000,
        dayCostNanoUsd: 99_208_000,
      });
      const ledger = await store.ledger(a);
      expect(ledger).toEqual({
        sessionId: a,
        usage: usage({ inputTextTokens: 20, cachedTextTokens: 20, inputAudioTokens: 500, cachedAudioTokens: 100, outputAudioTokens: 1_300 }),
        costNanoUsd: 99_048_000,
        connectedSeconds: 0,
        updatedAt: t0 + 2,
      });
      expect(await store.dayCost(day)).toBe(99_208_000);
      expect(await store.dayCost(`${day}-other`)).toBe(0);
    });

    it('adds connected seconds (to the millisecond) to the session and to the IP\'s day', async () => {
      const a = sid();
      const b = sid();
      const who = ip();
      expect(await store.addSeconds(a, who, 0.25, day, t0)).toEqual({ sessionSeconds: 0.25, ipSecondsToday: 0.25 });
      expect(await store.addSeconds(a, who, 1.75, day, t0)).toEqual({ sessionSeconds: 2, ipSecondsToday: 2 });
      expect(await store.addSeconds(b, who, 10.0004, day, t0)).toEqual({ sessionSeconds: 10, ipSecondsToday: 12 });
      // Nonsense adds nothing rather than failing the write.
      expect(await store.addSeconds(b, who, -5, day, t0)).toEqual({ sessionSeconds: 10, ipSecondsToday: 12 });
      expect(await store.addSeconds(b, who, Number.NaN, day, t0)).toEqual({ sessionSeconds: 10, ipSecondsToday: 12 });
      expect(await store.ipSeconds(who, day)).toBe(12);
      expect(await store.ipSeconds(ip(), day)).toBe(0);
      expect((await store.ledger(a))?.connectedSeconds).toBe(2);
    });

    it('keeps the link (a reconnect replaces it) and the latest verdict', async () => {
      const a = sid();
      await store.link(a, { transport: 'webrtc', callId: 'rtc_one', instanceId: 'inst-a', model: 'gpt-realtime-2.1' }, t0);
      await store.setVerdict(a, { endsAt: t0 + 1_800_000, limit: 'session_minutes' }, t0 + 1);
      await store.link(a, { transport: 'websocket', instanceId: 'inst-b', model: 'gpt-realtime-2.1-mini' }, t0 + 2);
      await store.setVerdict(a, { endsAt: t0 + 90_000, limit: 'daily_cost' }, t0 + 3);
      expect(await store.ledger(a)).toEqual({
        sessionId: a,
        usage: ZERO_USAGE,
        costNanoUsd: 0,
        connectedSeconds: 0,
        endsAt: t0 + 90_000,
        limit: 'daily_cost',
        link: { transport: 'websocket', instanceId: 'inst-b', model: 'gpt-realtime-2.1-mini' },
        updatedAt: t0 + 3,
      });
    });

    it('keeps the first closure; later closes get it back', async () => {
      const a = sid();
      await store.addUsage(a, usage({ outputAudioTokens: 1 }), 64_000, day, t0);
      const first: SessionClosure = { reason: 'session_minutes', message: 'This session reached its 30-minute limit.', at: t0 + 10 };
      expect(await store.close(a, first)).toEqual(first);
      expect(await store.close(a, { reason: 'operator', message: 'This session has ended: an operator ended it.', at: t0 + 20 })).toEqual(first);
      const ledger = await store.ledger(a);
      expect(ledger?.closed).toEqual(first);
      expect(ledger?.costNanoUsd).toBe(64_000);
    });

    it('records an operator\'s closure for a session that was never metered', async () => {
      const a = sid();
      const closure: SessionClosure = { reason: 'operator', message: 'This session has ended: an operator ended it.', at: t0 };
      expect(await store.close(a, closure)).toEqual(closure);
      expect(await store.ledger(a)).toMatchObject({ sessionId: a, usage: ZERO_USAGE, costNanoUsd: 0, closed: closure });
    });

    it('has no ledger for a session never metered; ledgers() leaves such ids out', async () => {
      const a = sid();
      const b = sid();
      const never = sid();
      await store.addUsage(a, usage({ inputTextTokens: 1 }), 4_000, day, t0);
      await store.addSeconds(b, ip(), 3, day, t0);
      expect(await store.ledger(never)).toBeNull();
      const found = await store.ledgers([a, never, b]);
      expect([...found.keys()].sort()).toEqual([a, b].sort());
      expect(found.get(a)?.costNanoUsd).toBe(4_000);
      expect(found.get(b)?.connectedSeconds).toBe(3);
      expect((await store.ledgers([])).size).toBe(0);
    });

    it('is not degraded', () => {
      expect(store.isDegraded()).toBe(false);
    });
  });
}
