/**
 * Fakes for the fallback coach's unit tests: PCM frames of a given level, an AudioContext whose clock is
 * the (fake) wall clock so PcmPlayer's ticker and `vi.advanceTimersByTime` move together, a token
 * manager, telemetry, and a scripted `/speech` source.
 */
import { vi } from 'vitest';
import type { PlayerContext } from '../../../../src/lib/voice-agent/audio/pcm-player';
import type { TelemetryClient } from '../../../../src/lib/voice-agent/api/telemetry-client';
import type { Credential, TokenManager } from '../../../../src/lib/voice-agent/session/token-manager';
import type { ApiFailure, ApiResult } from '../../../../src/lib/voice-agent/types/api';

/** A frame of `ms` at `rate` whose RMS level is `db` dBFS (a square wave: RMS = amplitude). */
export function frame(ms: number, db: number, rate = 16_000): Int16Array {
  const n = Math.round((rate * ms) / 1000);
  const amplitude = Math.round(32768 * 10 ** (db / 20));
  return Int16Array.from({ length: n }, (_, i) => (i % 2 === 0 ? amplitude : -amplitude));
}

/** `totalMs` of audio at `db`, as 20 ms frames. */
export function frames(totalMs: number, db: number, rate = 16_000, frameMs = 20): Int16Array[] {
  return Array.from({ length: Math.round(totalMs / frameMs) }, () => frame(frameMs, db, rate));
}

export const ok = <T,>(data: T): ApiResult<T> => ({ ok: true, data, meta: { status: 200, clockSkewMs: 0 } });
export const fail = <T,>(error: ApiFailure): ApiResult<T> => ({ ok: false, error });

/**
 * An AudioContext for PcmPlayer: `currentTime` follows `Date.now()` (fake timers move both), sources
 * record their start/stop times.
 */
export function clockContext() {
  const origin = Date.now();
  const sources: Array<{ startedAt?: number; stoppedAt?: number; length: number }> = [];
  const ctx = {
    get currentTime() {
      return (Date.now() - origin) / 1000;
    },
    destination: {},
    createBuffer(_channels: number, length: number, rate: number) {
      const data = new Float32Array(length);
      return { length, duration: length / rate, getChannelData: () => data };
    },
    createBufferSource() {
      const record: { startedAt?: number; stoppedAt?: number; length: number } = { length: 0 };
      sources.push(record);
      return {
        buffer: null as { length: number } | null,
        onended: null,
        connect() {},
        disconnect() {},
        start(when: number) {
          record.startedAt = when;
          record.length = this.buffer?.length ?? 0;
        },
        stop() {
          record.stoppedAt = ctx.currentTime;
        },
      };
    },
    close: async () => undefined,
  };
  return { ctx, sources, asPlayerContext: ctx as unknown as PlayerContext, asAudioContext: ctx as unknown as AudioContext };
}

/** PCM16 24 kHz for `ms` (quiet noise, so nothing is an empty chunk). */
export function speechPcm(ms: number): Int16Array {
  return Int16Array.from({ length: (ms * 24_000) / 1000 }, (_, i) => (i % 7) - 3);
}

export function credential(n: number, overrides: Partial<Credential> = {}): Credential {
  return { token: `fb_token_${n}`, sessionId: 'session-1', mode: 'fallback', warnings: [], expiresAtLocal: Date.now() + 600_000, ...overrides };
}

/** Like the real one: `acquire` returns the held credential (minting the first), `renew` replaces it. */
export function fakeTokens(plan: { acquire?: () => Credential; renew?: () => Credential } = {}) {
  let minted = 0;
  let held: Credential | undefined;
  const make = () => credential(++minted);
  const hold = (c: Credential) => ok((held = c));
  const tokens = {
    prefetch: vi.fn(async () => hold(held ?? make())),
    acquire: vi.fn(async () => hold(held ?? (plan.acquire ?? make)())),
    renew: vi.fn(async () => hold((plan.renew ?? make)())),
    switchToFallback: vi.fn(async () => hold(make())),
    current: () => undefined,
    clear: vi.fn(() => (held = undefined)),
  } satisfies TokenManager;
  return tokens;
}

export function fakeTelemetry() {
  return { record: vi.fn(), start: vi.fn(), flush: vi.fn(), stop: vi.fn(), onExpiry: vi.fn() } satisfies TelemetryClient;
}

/**
 * A `/speech` answer the test feeds by hand: `push` chunks, `end()`; iteration stops when the signal
 * aborts (as the real reader does).
 */
export class ScriptedSpeech implements AsyncIterable<Int16Array> {
  private readonly chunks: Int16Array[] = [];
  private ended = false;
  private wake: (() => void) | undefined;
  private cut: ApiFailure | undefined;
  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener('abort', () => this.notify());
  }
  push(pcm: Int16Array): void {
    this.chunks.push(pcm);
    this.notify();
  }
  end(failure?: ApiFailure): void {
    this.ended = true;
    this.cut = failure;
    this.notify();
  }
  failure(): ApiFailure | undefined {
    return this.signal.aborted ? { kind: 'network', message: 'Request cancelled' } : this.cut;
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<Int16Array> {
    for (;;) {
      if (this.signal.aborted) return;
      const next = this.chunks.shift();
      if (next) {
        yield next;
        continue;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
