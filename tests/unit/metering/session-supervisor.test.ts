/**
 * The per-instance supervisor with the real memory stores and a fake clock: it counts connected time,
 * prices usage, warns once ahead of the end, ends at the end (first closure wins), and follows closures
 * and session ends that happen elsewhere.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/server/observability/logger';
import { createMetrics } from '../../../src/server/observability/metrics';
import { MemoryMeterStore } from '../../../src/server/metering/memory-meter-store';
import { MemorySessionStore } from '../../../src/server/sessions/memory-session-store';
import { createSessionSupervisor } from '../../../src/server/metering/session-supervisor';
import { DEFAULT_PRICES } from '../../../src/server/metering/pricing';
import type { BudgetConfig, SessionClosure } from '../../../src/server/metering/metering-types';
import type { SessionRecord } from '../../../src/server/sessions/session-store';

const T0 = Date.UTC(2026, 10, 25, 10, 0, 0);
const budgets = (over: Partial<BudgetConfig> = {}): BudgetConfig => ({
  sessionMaxMs: 10_000,
  dailySecondsPerIp: undefined,
  dailyCostLimitNanoUsd: undefined,
  sessionCostLimitNanoUsd: undefined,
  warningMs: 3_000,
  ...over,
});

function rig(config: BudgetConfig) {
  const meter = new MemoryMeterStore({ clock: Date.now });
  const sessions = new MemorySessionStore();
  const metrics = createMetrics();
  const supervisor = createSessionSupervisor({ meter, sessions, budgets: config, pricing: DEFAULT_PRICES, metrics, logger: createLogger('silent'), instanceId: 'inst-a' });
  let n = 0;
  async function session(ip = '203.0.113.7'): Promise<SessionRecord> {
    const record: SessionRecord = { id: `sess_${String(++n).padStart(32, 'x')}`, mode: 'realtime', ip, instanceId: 'inst-a', createdAt: Date.now(), expiresAt: Date.now() + 3_600_000, refreshCount: 0 };
    await sessions.register(record, { maxPerIp: 100, maxPerInstance: 100, maxTotal: 100 }, Date.now());
    return record;
  }
  async function connect(record: SessionRecord) {
    const terminations: Array<SessionClosure | undefined> = [];
    const handle = await supervisor.attach({ session: record, transport: 'webrtc', model: 'gpt-realtime-2.1', callId: 'rtc_1', terminate: async (c) => void terminations.push(c) });
    return { handle, terminations };
  }
  const counter = async (name: string, labels: string) => {
    const text = await metrics.registry.metrics();
    return Number(text.match(new RegExp(`${name}\\{${labels}\\} ([\\d.e-]+)`))?.[1] ?? 0);
  };
  return { meter, sessions, supervisor, session, connect, counter };
}

describe('session supervisor', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(T0);
  });
  afterEach(() => vi.useRealTimers());

  it('warns once at the warning mark and ends the call at SESSION_MAX_MINUTES', async () => {
    const r = rig(budgets());
    const record = await r.session();
    const { terminations } = await r.connect(record);
    await vi.advanceTimersByTimeAsync(6_000);
    expect(await r.counter('voice_agent_budget_decisions_total', 'limit="session_minutes",decision="warned"')).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await r.counter('voice_agent_budget_decisions_total', 'limit="session_minutes",decision="warned"')).toBe(1);
    expect((await r.meter.ledger(record.id))?.endsAt).toBe(T0 + 10_000);
    expect(terminations).toEqual([]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(terminations).toEqual([expect.objectContaining({ reason: 'session_minutes', at: T0 + 10_000 })]);
    expect(terminations[0]!.message).toMatch(/limit/);
    const ledger = await r.meter.ledger(record.id);
    expect(ledger?.closed?.reason).toBe('session_minutes');
    expect(ledger?.connectedSeconds).toBeCloseTo(10, 1);
    expect(r.supervisor.size()).toBe(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(terminations).toHaveLength(1);
    expect(await r.counter('voice_agent_budget_decisions_total', 'limit="session_minutes",decision="warned"')).toBe(1);
    r.supervisor.stop();
  });

  it('prices response.done usage into the session and the day', async () => {
    const r = rig(budgets({ sessionMaxMs: 60_000 }));
    const record = await r.session();
    const { handle } = await r.connect(record);
    handle.onServerEvent({
      type: 'response.done',
      response: { usage: { total_tokens: 1100, input_tokens: 100, output_tokens: 1000, input_token_details: { text_tokens: 100, audio_tokens: 0, cached_tokens: 0 }, output_token_details: { text_tokens: 0, audio_tokens: 1000 } } },
    });
    handle.onServerEvent({ type: 'response.output_audio.delta', delta: 'AAAA' }); // not metered
    await vi.advanceTimersByTimeAsync(0);
    const ledger = await r.meter.ledger(record.id);
    // 100 text input tokens at $4/M + 1000 audio output tokens at $64/M = $0.0004 + $0.064
    expect(ledger?.costNanoUsd).toBe(64_400_000);
    expect(ledger?.usage.outputAudioTokens).toBe(1000);
    expect(await r.meter.dayCost('2026-11-25')).toBe(64_400_000);
    expect(await r.counter('voice_agent_metered_tokens_total', 'model="gpt-realtime-2.1",direction="output",modality="audio"')).toBe(1000);
    expect(await r.counter('voice_agent_estimated_cost_usd_total', 'model="gpt-realtime-2.1"')).toBeCloseTo(0.0644, 6);
    r.supervisor.stop();
  });

  it('ends the call within a tick when another instance closed the session (an operator)', async () => {
    const r = rig(budgets({ sessionMaxMs: 60_000 }));
    const record = await r.session();
    const { terminations } = await r.connect(record);
    await r.meter.close(record.id, { reason: 'operator', message: 'ended by an operator', at: Date.now() });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(terminations).toEqual([{ reason: 'operator', message: 'ended by an operator', at: T0 }]);
    r.supervisor.stop();
  });

  it('closes the voice of a session that ended or expired, without a budget message', async () => {
    const r = rig(budgets({ sessionMaxMs: 60_000 }));
    const record = await r.session();
    const { terminations } = await r.connect(record);
    await r.sessions.end(record.id, Date.now());
    await vi.advanceTimersByTimeAsync(1_000);
    expect(terminations).toEqual([undefined]);
    r.supervisor.stop();
  });

  it('counts each connection of a session and ends them all; an IP’s other sessions share its daily minutes', async () => {
    const r = rig(budgets({ sessionMaxMs: 600_000, dailySecondsPerIp: 12, warningMs: 2_000 }));
    const first = await r.session();
    const second = await r.session();
    const a = await r.connect(first);
    const b = await r.connect(first); // a reconnect overlapping the old call
    const c = await r.connect(second);
    // Three connections from one IP use its 12 s in about 4 s; each session ends by the next tick.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(a.terminations.map((x) => x?.reason)).toEqual(['daily_minutes']);
    expect(b.terminations.map((x) => x?.reason)).toEqual(['daily_minutes']);
    expect(c.terminations.map((x) => x?.reason)).toEqual(['daily_minutes']);
    const used = await r.meter.ipSeconds('203.0.113.7', '2026-11-25');
    expect(used).toBeGreaterThanOrEqual(12);
    expect(used).toBeLessThanOrEqual(15); // at most one tick past the limit per connection
    r.supervisor.stop();
  });

  it('stops counting a detached connection, keeping its last partial second', async () => {
    const r = rig(budgets({ sessionMaxMs: 600_000 }));
    const record = await r.session();
    const { handle, terminations } = await r.connect(record);
    await vi.advanceTimersByTimeAsync(2_500);
    handle.detach();
    await vi.advanceTimersByTimeAsync(5_000);
    expect((await r.meter.ledger(record.id))?.connectedSeconds).toBeCloseTo(2.5, 1);
    expect(terminations).toEqual([]);
    expect(r.supervisor.size()).toBe(0);
    r.supervisor.stop();
  });
});
