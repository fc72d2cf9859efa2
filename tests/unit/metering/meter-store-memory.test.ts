/**
 * The memory meter store: the shared contract, then what only memory does by itself — forgetting
 * ledgers 24 h after their last write and daily totals once the day is older than yesterday (UTC), by
 * a wall clock the test drives.
 */
import { describe, expect, it } from 'vitest';
import { createMeterStore } from '../../../src/server/metering/create-meter-store';
import { MemoryMeterStore } from '../../../src/server/metering/memory-meter-store';
import { ZERO_USAGE } from '../../../src/server/metering/metering-types';
import { createLogger } from '../../../src/server/observability/logger';
import { meterStoreContract } from './meter-store-contract';

const HOUR = 3_600_000;

meterStoreContract('memory', async () => ({ store: new MemoryMeterStore(), cleanup: async () => {} }));
meterStoreContract('createMeterStore without Redis', async () => {
  const store = createMeterStore({ logger: createLogger('silent') });
  return { store, cleanup: () => store.dispose() };
});

function clocked(start = Date.UTC(2026, 2, 10, 12)) {
  const clock = { now: start };
  return { clock, store: new MemoryMeterStore({ clock: () => clock.now }) };
}

describe('MemoryMeterStore expiry', () => {
  it('forgets a ledger 24 h after its last write; each write pushes that back', async () => {
    const { clock, store } = clocked();
    await store.addUsage('s1', { ...ZERO_USAGE, outputAudioTokens: 1_000 }, 64_000_000, '2026-03-10', clock.now);
    clock.now += 23 * HOUR;
    await store.addSeconds('s1', '203.0.113.1', 30, '2026-03-11', clock.now);
    clock.now += 23 * HOUR; // 46 h after the first write, 23 h after the last
    expect(await store.ledger('s1')).toMatchObject({ costNanoUsd: 64_000_000, connectedSeconds: 30 });
    clock.now += HOUR;
    expect(await store.ledger('s1')).toBeNull();
    expect((await store.ledgers(['s1'])).size).toBe(0);
    // A write after expiry starts a new ledger from zero.
    await store.addSeconds('s1', '203.0.113.1', 5, '2026-03-12', clock.now);
    expect(await store.ledger('s1')).toMatchObject({ costNanoUsd: 0, connectedSeconds: 5 });
  });

  it('keeps today\'s and yesterday\'s totals and drops older days', async () => {
    const { clock, store } = clocked(Date.UTC(2026, 2, 10, 23, 59));
    await store.addUsage('s1', ZERO_USAGE, 1_000, '2026-03-10', clock.now);
    await store.addSeconds('s1', '203.0.113.1', 60, '2026-03-10', clock.now);
    clock.now = Date.UTC(2026, 2, 11, 23, 59); // 2026-03-10 is yesterday
    expect(await store.dayCost('2026-03-10')).toBe(1_000);
    expect(await store.ipSeconds('203.0.113.1', '2026-03-10')).toBe(60);
    clock.now = Date.UTC(2026, 2, 12, 0, 1); // now it is two days old
    expect(await store.dayCost('2026-03-10')).toBe(0);
    expect(await store.ipSeconds('203.0.113.1', '2026-03-10')).toBe(0);
    // …and a new day starts from zero.
    expect((await store.addUsage('s2', ZERO_USAGE, 500, '2026-03-12', clock.now)).dayCostNanoUsd).toBe(500);
  });

  it('drops expired entries from memory, not only from answers', async () => {
    const { clock, store } = clocked();
    for (let i = 0; i < 50; i++) await store.addUsage(`s${i}`, ZERO_USAGE, 1_000, '2026-03-10', clock.now);
    await store.addSeconds('s0', '203.0.113.1', 1, '2026-03-10', clock.now);
    expect(store.isEmpty()).toBe(false);
    clock.now += 49 * HOUR; // every ledger and the day are past their time
    await store.dayCost('2026-03-12'); // any call sweeps (at most once a minute)
    expect(store.isEmpty()).toBe(true);
  });

  it('hands out copies: changing a returned ledger does not change the store', async () => {
    const { clock, store } = clocked();
    await store.link('s1', { transport: 'webrtc', callId: 'rtc_1', instanceId: 'a', model: 'gpt-realtime-2.1' }, clock.now);
    const closure = await store.close('s1', { reason: 'operator', message: 'ended', at: clock.now });
    const ledger = (await store.ledger('s1'))!;
    ledger.usage.outputAudioTokens = 999;
    ledger.link!.callId = 'rtc_evil';
    ledger.closed!.reason = 'daily_cost';
    closure.message = 'changed';
    expect(await store.ledger('s1')).toMatchObject({
      usage: ZERO_USAGE,
      link: { callId: 'rtc_1' },
      closed: { reason: 'operator', message: 'ended' },
    });
  });

  it('counts whole tokens and nano-dollars only', async () => {
    const { clock, store } = clocked();
    const totals = await store.addUsage('s1', { ...ZERO_USAGE, inputTextTokens: 2.6, outputTextTokens: -3 }, 10.4, '2026-03-10', clock.now);
    expect(totals).toEqual({ sessionCostNanoUsd: 10, dayCostNanoUsd: 10 });
    expect((await store.ledger('s1'))?.usage).toEqual({ ...ZERO_USAGE, inputTextTokens: 3 });
    expect((await store.addUsage('s1', ZERO_USAGE, Number.POSITIVE_INFINITY, '2026-03-10', clock.now)).sessionCostNanoUsd).toBe(10);
  });
});
