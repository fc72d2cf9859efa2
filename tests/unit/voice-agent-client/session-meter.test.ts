/**
 * The meter of a metered session: how often it asks the server (every 5 s while the page is visible, never
 * while it is hidden, at once when it is visible again), what it makes of the answers (the clock-corrected
 * end, the usage), and that the server's end is reported once and stops the questions.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerEnded } from '../../../src/lib/voice-agent/metering/meter-view';
import { startSessionMeter, type Visibility } from '../../../src/lib/voice-agent/metering/session-meter';
import type { ApiResult, SessionStatusResponse } from '../../../src/lib/voice-agent/types/api';

const SERVER_AHEAD_MS = 10_000; // the server's clock runs 10 s ahead of this browser's

function status(patch: Partial<SessionStatusResponse> = {}): SessionStatusResponse {
  const serverNow = Date.now() + SERVER_AHEAD_MS;
  return {
    success: true,
    metered: true,
    serverTime: serverNow,
    startedAt: serverNow - 6 * 60_000,
    endsAt: serverNow + 24 * 60_000,
    limit: 'session_minutes',
    warningSeconds: 60,
    usage: { inputTextTokens: 100, inputAudioTokens: 900, cachedTokens: 50, outputTextTokens: 200, outputAudioTokens: 1800 },
    costUsd: 0.42,
    connectedSeconds: 360,
    ...patch,
  };
}

const ok = (data: SessionStatusResponse): ApiResult<SessionStatusResponse> => ({ ok: true, data, meta: { status: 200, clockSkewMs: 0 } });

function fakeVisibility() {
  let hidden = false;
  const listeners = new Set<() => void>();
  const visibility: Visibility = {
    hidden: () => hidden,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    visibility,
    listeners,
    set(value: boolean) {
      hidden = value;
      for (const l of listeners) l();
    },
  };
}

function rig(answer: () => ApiResult<SessionStatusResponse> = () => ok(status())) {
  const page = fakeVisibility();
  const fetchStatus = vi.fn(async () => answer());
  const onView = vi.fn();
  const onEnded = vi.fn<(ended: ServerEnded) => void>();
  const meter = startSessionMeter({ sessionId: 'session-1', onView, onEnded, fetchStatus, visibility: page.visibility });
  return { page, fetchStatus, onView, onEnded, meter };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('startSessionMeter', () => {
  it('asks at once, then every 5 s, and shows the usage with the end on this browser\'s clock', async () => {
    const { fetchStatus, onView, meter } = rig();
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchStatus).toHaveBeenCalledTimes(1);
    expect(fetchStatus).toHaveBeenCalledWith('session-1', expect.objectContaining({ timeoutMs: expect.any(Number) }));
    const view = onView.mock.calls[0]![0];
    expect(view).toMatchObject({ costUsd: 0.42, connectedSeconds: 360, inputTokens: 1000, outputTokens: 2000, limit: 'session_minutes', warningSeconds: 60 });
    expect(view.limitMs).toBe(30 * 60_000);
    // 24 minutes from now on the server's clock is 24 minutes from now here too.
    expect(Math.abs(view.endsAtLocal - (Date.now() + 24 * 60_000))).toBeLessThan(50);
    await vi.advanceTimersByTimeAsync(14_999);
    expect(fetchStatus).toHaveBeenCalledTimes(3); // 0, 5 s, 10 s
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchStatus).toHaveBeenCalledTimes(4); // and 15 s: about 12 a minute, under the endpoint's 30
    meter.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetchStatus).toHaveBeenCalledTimes(4);
  });

  it('asks nothing while the tab is hidden, and once at once when it is visible again', async () => {
    const { page, fetchStatus } = rig();
    await vi.advanceTimersByTimeAsync(0);
    page.set(true);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(fetchStatus).toHaveBeenCalledTimes(1);
    page.set(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(fetchStatus).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fetchStatus).toHaveBeenCalledTimes(3);
  });

  it('reports the server\'s end once, and stops asking', async () => {
    let ended = false;
    const { fetchStatus, onEnded, onView, meter, page } = rig(() =>
      ok(status(ended ? { ended: { reason: 'daily_cost', message: "Today's coaching budget is used up." } } : {})),
    );
    await vi.advanceTimersByTimeAsync(0);
    ended = true;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(onEnded).toHaveBeenCalledTimes(1);
    expect(onEnded).toHaveBeenCalledWith({ reason: 'daily_cost', message: "Today's coaching budget is used up." });
    expect(onView).toHaveBeenCalledTimes(1);
    page.set(true);
    page.set(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetchStatus).toHaveBeenCalledTimes(2);
    expect(page.listeners.size).toBe(0);
    // Asked again (before a reconnect), it still knows.
    await expect(meter.check()).resolves.toMatchObject({ reason: 'daily_cost' });
    expect(onEnded).toHaveBeenCalledTimes(1);
  });

  it('check() joins a question in flight and says whether the session ended', async () => {
    let resolve!: (r: ApiResult<SessionStatusResponse>) => void;
    const page = fakeVisibility();
    const fetchStatus = vi.fn(() => new Promise<ApiResult<SessionStatusResponse>>((r) => (resolve = r)));
    const onEnded = vi.fn();
    const meter = startSessionMeter({ sessionId: 's', onView: vi.fn(), onEnded, fetchStatus, visibility: page.visibility });
    await vi.advanceTimersByTimeAsync(0);
    const check = meter.check();
    expect(fetchStatus).toHaveBeenCalledTimes(1);
    resolve(ok(status({ ended: { reason: 'operator', message: 'An administrator ended this session.' } })));
    await expect(check).resolves.toEqual({ reason: 'operator', message: 'An administrator ended this session.' });
    expect(onEnded).toHaveBeenCalledTimes(1);
  });

  it('waits out a rate limit before asking again, and stops for a session the server no longer knows', async () => {
    let answer: ApiResult<SessionStatusResponse> = { ok: false, error: { kind: 'http', status: 429, message: 'Too many', retryAfterSeconds: 20 } };
    const { fetchStatus, onEnded } = rig(() => answer);
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(19_999);
    expect(fetchStatus).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(fetchStatus).toHaveBeenCalledTimes(2);
    answer = { ok: false, error: { kind: 'http', status: 404, message: 'Unknown session' } };
    await vi.advanceTimersByTimeAsync(20_000);
    expect(fetchStatus).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetchStatus).toHaveBeenCalledTimes(3);
    expect(onEnded).not.toHaveBeenCalled(); // not knowing is not an end: the connection decides
  });

  it('keeps asking after a network failure (the answer decides, not the silence)', async () => {
    let answer: ApiResult<SessionStatusResponse> = { ok: false, error: { kind: 'network', message: 'The server could not be reached' } };
    const { fetchStatus, meter } = rig(() => answer);
    await vi.advanceTimersByTimeAsync(0);
    await expect(meter.check()).resolves.toBeUndefined();
    answer = ok(status());
    await vi.advanceTimersByTimeAsync(5_000);
    expect(fetchStatus.mock.calls.length).toBeGreaterThanOrEqual(3);
  });
});
