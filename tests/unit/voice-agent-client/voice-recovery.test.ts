/** The voice session's recovery policy as pure decisions. */
import { describe, expect, it } from 'vitest';
import { MAX_FIRST_CONNECT_RETRIES, MAX_RECONNECTS, recoveryFor, renewalDelayMs } from '../../../src/lib/voice-agent/session/voice-recovery';
import { TransportError } from '../../../src/lib/voice-agent/transports/realtime-transport';

const err = (reason: ConstructorParameters<typeof TransportError>[0], retryAfter?: number) => new TransportError(reason, 'x.', 0, retryAfter);

describe('recoveryFor', () => {
  it('hands a key without realtime access to fallback, and waits out rate limits (Retry-After, else 10 s)', () => {
    expect(recoveryFor(err('no_realtime_access'), 'connecting', 0).kind).toBe('fallback');
    expect(recoveryFor(err('rate_limited', 3), 'renewing', 0)).toMatchObject({ kind: 'wait', seconds: 3 });
    expect(recoveryFor(err('rate_limited'), 'connecting', 0)).toMatchObject({ kind: 'wait', seconds: 10 });
  });

  it('reconnects a lost session up to the limit, then fails', () => {
    expect(recoveryFor(err('connect_timeout'), 'reconnecting', MAX_RECONNECTS - 1).kind).toBe('reconnect');
    expect(recoveryFor(err('connect_timeout'), 'reconnecting', MAX_RECONNECTS).kind).toBe('fail');
  });

  it('retries a first connection only for network-shaped failures, with growing delays', () => {
    const first = recoveryFor(err('ice_failed'), 'connecting', 0, () => 1);
    const second = recoveryFor(err('ice_failed'), 'connecting', 1, () => 1);
    expect(first).toMatchObject({ kind: 'retry-first', attempt: 1 });
    expect(second).toMatchObject({ kind: 'retry-first', attempt: 2 });
    if (first.kind === 'retry-first' && second.kind === 'retry-first') expect(second.delayMs).toBeGreaterThan(first.delayMs);
    expect(recoveryFor(err('ice_failed'), 'connecting', MAX_FIRST_CONNECT_RETRIES).kind).toBe('fail');
    expect(recoveryFor(err('sdp_refused'), 'connecting', 0).kind).toBe('fail');
  });
});

describe('renewalDelayMs', () => {
  it('renews a minute before a long session ends, and a quarter of the lifetime before a short one', () => {
    const now = 1_000_000_000;
    expect(renewalDelayMs((now + 3_600_000) / 1000, now)).toBe(3_540_000);
    expect(renewalDelayMs((now + 20_000) / 1000, now)).toBe(15_000);
    expect(renewalDelayMs((now - 5_000) / 1000, now)).toBe(0);
  });
});
