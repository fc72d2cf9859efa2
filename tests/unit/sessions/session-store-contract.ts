/**
 * The behaviour every SessionStore must have, run against each implementation (memory, Redis, the
 * resilient wrapper) so they cannot drift apart. Time is driven through the `now` parameter, never by
 * sleeping; records are anchored at the real clock so background sweeps never interfere.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newSessionId } from '../../../src/server/sessions/session-id';
import type { SessionCapacity, SessionRecord, SessionStore } from '../../../src/server/sessions/session-store';

export interface StoreUnderTest {
  store: SessionStore;
  cleanup(): Promise<void>;
}

const ROOMY: SessionCapacity = { maxPerIp: 100, maxPerInstance: 100, maxTotal: 100 };

export function sessionStoreContract(name: string, factory: () => Promise<StoreUnderTest>): void {
  describe(`SessionStore contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: SessionStore;
    let t0: number;

    const make = (overrides: Partial<SessionRecord> = {}): SessionRecord => ({
      id: newSessionId(),
      mode: 'fallback',
      ip: '203.0.113.7',
      instanceId: 'inst-a',
      createdAt: t0,
      expiresAt: t0 + 60_000,
      refreshCount: 0,
      ...overrides,
    });

    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
      t0 = Date.now();
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    it('registers a session and returns it from get; unknown ids are null', async () => {
      const record = make({ mode: 'realtime', ip: '2001:db8::1' });
      expect(await store.register(record, ROOMY, t0)).toEqual({ ok: true });
      expect(await store.get(record.id, t0)).toEqual(record);
      expect(await store.get(newSessionId(), t0)).toBeNull();
    });

    it('keeps a session\'s scenario through get, refresh, a mode switch, keepAlive and end; none stays none', async () => {
      const record = make({ mode: 'realtime', scenarioId: 'pitch-ai-strategy-to-the-board' });
      const free = make();
      await store.register(record, ROOMY, t0);
      await store.register(free, ROOMY, t0);
      expect(await store.get(record.id, t0)).toEqual(record);
      const refreshed = await store.refresh(record.id, t0 + 120_000, 5, t0 + 1_000, { from: 'realtime', to: 'fallback' });
      expect(refreshed.ok && refreshed.record.scenarioId).toBe('pitch-ai-strategy-to-the-board');
      expect((await store.keepAlive(record.id, t0 + 130_000, t0 + 2_000))?.scenarioId).toBe('pitch-ai-strategy-to-the-board');
      expect((await store.end(record.id, t0 + 3_000))?.scenarioId).toBe('pitch-ai-strategy-to-the-board');
      const plain = await store.get(free.id, t0);
      expect(plain).toEqual(free);
      expect(plain).not.toHaveProperty('scenarioId');
      const plainRefreshed = await store.refresh(free.id, t0 + 120_000, 5, t0 + 1_000);
      expect(plainRefreshed.ok && plainRefreshed.record).not.toHaveProperty('scenarioId');
    });

    it('keeps a session\'s recap (with its quotes, dashes and accents) through get, refresh, a mode switch, keepAlive and end', async () => {
      const recap = 'Previous session (24 Nov 2026): overall 58/100. Strongest: Clear ask (4/5). Weakest: Risk ownership (2/5). To work on: name who owns “model risk” — café, 100%.';
      const record = make({ mode: 'realtime', scenarioId: 'pitch-ai-strategy-to-the-board', recap });
      const free = make({ recap: 'Previous session (1 Jan 2026): overall 40/100.' });
      await store.register(record, ROOMY, t0);
      await store.register(free, ROOMY, t0);
      expect(await store.get(record.id, t0)).toEqual(record);
      expect(await store.get(free.id, t0)).toEqual(free);
      const switched = await store.refresh(record.id, t0 + 120_000, 5, t0 + 1_000, { from: 'realtime', to: 'fallback' });
      expect(switched.ok && switched.record).toMatchObject({ mode: 'fallback', recap });
      expect((await store.keepAlive(record.id, t0 + 130_000, t0 + 2_000))?.recap).toBe(recap);
      expect((await store.end(record.id, t0 + 3_000))?.recap).toBe(recap);
      const none = make();
      await store.register(none, ROOMY, t0);
      expect(await store.get(none.id, t0)).not.toHaveProperty('recap');
    });

    it('refresh bumps refreshCount and moves expiresAt', async () => {
      const record = make();
      await store.register(record, ROOMY, t0);
      const result = await store.refresh(record.id, t0 + 120_000, 5, t0 + 1_000);
      expect(result).toEqual({ ok: true, record: { ...record, refreshCount: 1, expiresAt: t0 + 120_000 }, previousMode: 'fallback' });
      expect(await store.get(record.id, t0 + 90_000)).toEqual({ ...record, refreshCount: 1, expiresAt: t0 + 120_000 });
    });

    it('a refresh with a mode switch moves a realtime session to fallback (same id, counted as a refresh)', async () => {
      const record = make({ mode: 'realtime' });
      await store.register(record, ROOMY, t0);
      const result = await store.refresh(record.id, t0 + 120_000, 5, t0 + 1_000, { from: 'realtime', to: 'fallback' });
      const switched = { ...record, mode: 'fallback', refreshCount: 1, expiresAt: t0 + 120_000 };
      expect(result).toEqual({ ok: true, record: switched, previousMode: 'realtime' });
      expect(await store.get(record.id, t0 + 90_000)).toEqual(switched);
      // Asking again is a plain refresh of a fallback session.
      const again = await store.refresh(record.id, t0 + 150_000, 5, t0 + 2_000, { from: 'realtime', to: 'fallback' });
      expect(again).toEqual({ ok: true, record: { ...switched, refreshCount: 2, expiresAt: t0 + 150_000 }, previousMode: 'fallback' });
      // The switch keeps the session's quota slot: still one live session for its IP and instance.
      expect(await store.activeCounts('inst-a', t0 + 90_000)).toEqual({ instance: 1, total: 1 });
    });

    it('a mode switch refuses a session in another mode (demo) with wrong_mode and changes nothing', async () => {
      const record = make({ mode: 'demo' });
      await store.register(record, ROOMY, t0);
      expect(await store.refresh(record.id, t0 + 120_000, 5, t0, { from: 'realtime', to: 'fallback' })).toEqual({ ok: false, reason: 'wrong_mode' });
      expect(await store.get(record.id, t0)).toEqual(record);
      // wrong_mode wins over an exhausted refresh budget; unknown ids stay not_found.
      expect(await store.refresh(record.id, t0 + 120_000, 0, t0, { from: 'realtime', to: 'fallback' })).toEqual({ ok: false, reason: 'wrong_mode' });
      expect(await store.refresh(newSessionId(), t0 + 1_000, 5, t0, { from: 'realtime', to: 'fallback' })).toEqual({ ok: false, reason: 'not_found' });
    });

    it('a mode switch still respects the refresh limit', async () => {
      const record = make({ mode: 'realtime', refreshCount: 2 });
      await store.register(record, ROOMY, t0);
      expect(await store.refresh(record.id, t0 + 120_000, 2, t0, { from: 'realtime', to: 'fallback' })).toEqual({ ok: false, reason: 'refresh_limit' });
      expect((await store.get(record.id, t0))?.mode).toBe('realtime');
    });

    it('refresh of an unknown id is not_found', async () => {
      expect(await store.refresh(newSessionId(), t0 + 1_000, 5, t0)).toEqual({ ok: false, reason: 'not_found' });
    });

    it('refresh stops at maxRefreshes with refresh_limit', async () => {
      const record = make();
      await store.register(record, ROOMY, t0);
      expect((await store.refresh(record.id, t0 + 70_000, 2, t0)).ok).toBe(true);
      expect((await store.refresh(record.id, t0 + 80_000, 2, t0)).ok).toBe(true);
      expect(await store.refresh(record.id, t0 + 90_000, 2, t0)).toEqual({ ok: false, reason: 'refresh_limit' });
      expect((await store.get(record.id, t0))?.refreshCount).toBe(2);
      expect((await store.get(record.id, t0))?.expiresAt).toBe(t0 + 80_000);

      const none = make();
      await store.register(none, ROOMY, t0);
      expect(await store.refresh(none.id, t0 + 70_000, 0, t0)).toEqual({ ok: false, reason: 'refresh_limit' });
    });

    it('an expired session is gone for get, refresh and end', async () => {
      const record = make({ expiresAt: t0 + 1_000 });
      await store.register(record, ROOMY, t0);
      expect(await store.get(record.id, t0 + 999)).toEqual(record);
      expect(await store.get(record.id, t0 + 1_000)).toBeNull();
      expect(await store.refresh(record.id, t0 + 5_000, 5, t0 + 1_000)).toEqual({ ok: false, reason: 'not_found' });
      expect(await store.end(record.id, t0 + 1_000)).toBeNull();
    });

    it('a refreshed session outlives its original expiry', async () => {
      const record = make({ expiresAt: t0 + 1_000 });
      await store.register(record, ROOMY, t0);
      await store.refresh(record.id, t0 + 5_000, 5, t0 + 500);
      expect((await store.get(record.id, t0 + 2_000))?.refreshCount).toBe(1);
      expect(await store.activeCounts('inst-a', t0 + 2_000)).toEqual({ instance: 1, total: 1 });
      // …and still holds its IP's quota.
      expect(await store.register(make(), { ...ROOMY, maxPerIp: 1 }, t0 + 2_000)).toEqual({ ok: false, reason: 'ip_quota' });
    });

    it('keepAlive extends a live session without counting a refresh, never shortens it, and keeps its quota', async () => {
      const record = make({ expiresAt: t0 + 1_000 });
      await store.register(record, ROOMY, t0);
      expect(await store.keepAlive(record.id, t0 + 5_000, t0 + 500)).toEqual({ ...record, expiresAt: t0 + 5_000 });
      expect(await store.keepAlive(record.id, t0 + 3_000, t0 + 600)).toEqual({ ...record, expiresAt: t0 + 5_000 });
      expect((await store.get(record.id, t0 + 4_000))?.refreshCount).toBe(0);
      expect(await store.activeCounts('inst-a', t0 + 4_000)).toEqual({ instance: 1, total: 1 });
      expect(await store.register(make(), { ...ROOMY, maxPerIp: 1 }, t0 + 4_000)).toEqual({ ok: false, reason: 'ip_quota' });
      // Once expired (or for an unknown id) there is nothing to keep alive.
      expect(await store.keepAlive(record.id, t0 + 9_000, t0 + 5_000)).toBeNull();
      expect(await store.keepAlive(newSessionId(), t0 + 9_000, t0)).toBeNull();
    });

    it('keepAlive after end finds nothing', async () => {
      const record = make();
      await store.register(record, ROOMY, t0);
      await store.end(record.id, t0);
      expect(await store.keepAlive(record.id, t0 + 90_000, t0)).toBeNull();
    });

    it('enforces the per-IP quota (other IPs unaffected)', async () => {
      const cap = { ...ROOMY, maxPerIp: 2 };
      expect(await store.register(make(), cap, t0)).toEqual({ ok: true });
      expect(await store.register(make({ instanceId: 'inst-b' }), cap, t0)).toEqual({ ok: true });
      expect(await store.register(make(), cap, t0)).toEqual({ ok: false, reason: 'ip_quota' });
      expect(await store.register(make({ ip: '198.51.100.1' }), cap, t0)).toEqual({ ok: true });
      expect(await store.activeCounts('inst-a', t0)).toEqual({ instance: 2, total: 3 });
    });

    it('enforces instance capacity (other instances unaffected)', async () => {
      const cap = { ...ROOMY, maxPerInstance: 2 };
      await store.register(make({ ip: '10.0.0.1' }), cap, t0);
      await store.register(make({ ip: '10.0.0.2' }), cap, t0);
      expect(await store.register(make({ ip: '10.0.0.3' }), cap, t0)).toEqual({ ok: false, reason: 'instance_capacity' });
      expect(await store.register(make({ ip: '10.0.0.3', instanceId: 'inst-b' }), cap, t0)).toEqual({ ok: true });
    });

    it('enforces global capacity across instances', async () => {
      const cap = { ...ROOMY, maxTotal: 2 };
      await store.register(make({ ip: '10.0.0.1', instanceId: 'inst-a' }), cap, t0);
      await store.register(make({ ip: '10.0.0.2', instanceId: 'inst-b' }), cap, t0);
      expect(await store.register(make({ ip: '10.0.0.3', instanceId: 'inst-c' }), cap, t0)).toEqual({
        ok: false,
        reason: 'global_capacity',
      });
    });

    it('reports the first failing quota in the order ip → instance → global', async () => {
      const full = { maxPerIp: 1, maxPerInstance: 1, maxTotal: 1 };
      await store.register(make(), full, t0);
      expect(await store.register(make(), full, t0)).toEqual({ ok: false, reason: 'ip_quota' });
      expect(await store.register(make({ ip: '10.9.9.9' }), full, t0)).toEqual({ ok: false, reason: 'instance_capacity' });
      expect(await store.register(make({ ip: '10.9.9.9', instanceId: 'inst-z' }), full, t0)).toEqual({
        ok: false,
        reason: 'global_capacity',
      });
    });

    it('a refused register adds nothing', async () => {
      const cap = { ...ROOMY, maxPerIp: 1 };
      await store.register(make(), cap, t0);
      const refused = make();
      await store.register(refused, cap, t0);
      expect(await store.get(refused.id, t0)).toBeNull();
      expect(await store.activeCounts('inst-a', t0)).toEqual({ instance: 1, total: 1 });
    });

    it('expired sessions stop counting against every quota', async () => {
      const cap = { maxPerIp: 1, maxPerInstance: 1, maxTotal: 1 };
      await store.register(make({ expiresAt: t0 + 1_000 }), cap, t0);
      expect(await store.register(make(), cap, t0 + 999)).toEqual({ ok: false, reason: 'ip_quota' });
      expect(await store.register(make(), cap, t0 + 1_000)).toEqual({ ok: true });
    });

    it('end returns the record, frees its quota, and is idempotent', async () => {
      const cap = { ...ROOMY, maxPerIp: 1 };
      const record = make();
      await store.register(record, cap, t0);
      expect(await store.end(record.id, t0 + 10)).toEqual(record);
      expect(await store.get(record.id, t0 + 10)).toBeNull();
      expect(await store.end(record.id, t0 + 20)).toBeNull();
      expect(await store.end(newSessionId(), t0)).toBeNull();
      expect(await store.register(make(), cap, t0 + 30)).toEqual({ ok: true });
    });

    it('activeCounts counts live sessions per instance and in total', async () => {
      const a1 = make({ ip: '10.0.0.1', expiresAt: t0 + 1_000 });
      const a2 = make({ ip: '10.0.0.2' });
      const b1 = make({ ip: '10.0.0.3', instanceId: 'inst-b' });
      for (const r of [a1, a2, b1]) await store.register(r, ROOMY, t0);
      expect(await store.activeCounts('inst-a', t0)).toEqual({ instance: 2, total: 3 });
      expect(await store.activeCounts('inst-b', t0)).toEqual({ instance: 1, total: 3 });
      expect(await store.activeCounts('inst-none', t0)).toEqual({ instance: 0, total: 3 });
      expect(await store.activeCounts('inst-a', t0 + 1_000)).toEqual({ instance: 1, total: 2 });
      await store.end(b1.id, t0 + 1_000);
      expect(await store.activeCounts('inst-a', t0 + 1_000)).toEqual({ instance: 1, total: 1 });
    });
  });
}
