import { describe, expect, it } from 'vitest';
import { createPcmPlayer, type PcmPlayerOptions, type PlayerContext } from '../../../src/lib/voice-agent/audio/pcm-player';

// The player against a fake AudioContext: a clock the test moves by hand, buffers, and source nodes that
// record when they were started and stopped. No Web Audio in Node; the maths is what is under test.

interface FakeSource {
  buffer: { length: number; duration: number; data: Float32Array } | null;
  startedAt?: number;
  stoppedAt?: number;
  disconnected: boolean;
  onended: (() => void) | null;
  connect(): void;
  disconnect(): void;
  start(when: number): void;
  stop(): void;
}

function fakeContext(outputLatency?: number) {
  const sources: FakeSource[] = [];
  const ctx = {
    currentTime: 0,
    outputLatency,
    destination: {},
    createBuffer(_channels: number, length: number, rate: number) {
      const data = new Float32Array(length);
      return { length, duration: length / rate, data, getChannelData: () => data };
    },
    createBufferSource(): FakeSource {
      const source: FakeSource = {
        buffer: null,
        disconnected: false,
        onended: null,
        connect() {},
        disconnect() {
          source.disconnected = true;
        },
        start(when) {
          source.startedAt = when;
        },
        stop() {
          source.stoppedAt = ctx.currentTime;
        },
      };
      sources.push(source);
      return source;
    },
  };
  /** Move the clock; sources that have finished fire `onended`, as the browser does. */
  const advanceTo = (time: number) => {
    ctx.currentTime = time;
    for (const s of sources) {
      if (s.startedAt !== undefined && s.stoppedAt === undefined && s.buffer && s.startedAt + s.buffer.duration <= time && s.onended) {
        const ended = s.onended;
        s.onended = null;
        ended();
      }
    }
  };
  return { ctx, sources, advanceTo, asContext: ctx as unknown as PlayerContext };
}

/** `ms` of PCM16 at 24 kHz (a quiet ramp, so the float conversion has something to copy). */
function chunk(ms: number): Int16Array {
  return Int16Array.from({ length: (ms * 24_000) / 1000 }, (_, i) => (i % 200) - 100);
}

function setup(options: PcmPlayerOptions = {}, outputLatency?: number) {
  const fake = fakeContext(outputLatency);
  const log: string[] = [];
  const player = createPcmPlayer(fake.asContext, {
    tickMs: 0,
    onFirstAudio: (id) => log.push(`first ${id}`),
    onProgress: (id, ms) => log.push(`progress ${id} ${ms}`),
    onDrained: (id) => log.push(`drained ${id}`),
    ...options,
  });
  return { ...fake, player, log };
}

describe('createPcmPlayer scheduling', () => {
  it('schedules chunks back to back after a small lead, with the samples converted to float', () => {
    const { player, sources } = setup({ leadMs: 50 });
    expect(player.enqueue('item_a', chunk(100))).toBe(true);
    expect(player.enqueue('item_a', chunk(100))).toBe(true);
    expect(player.enqueue('item_a', chunk(40))).toBe(true);
    expect(sources.map((s) => s.startedAt)).toEqual([0.05, expect.closeTo(0.15, 9), expect.closeTo(0.25, 9)]);
    expect(sources[0]!.buffer!.length).toBe(2400);
    expect(sources[0]!.buffer!.data[0]).toBeCloseTo(-100 / 32768, 6);
    expect(player.isPlaying()).toBe(true);
  });

  it('keeps a gapless queue when the next chunk arrives in time, restarts with the lead after an underrun', () => {
    const { player, sources, advanceTo } = setup({ leadMs: 50 });
    player.enqueue('item_a', chunk(100)); // 0.05 → 0.15
    advanceTo(0.12);
    player.enqueue('item_a', chunk(100)); // still ahead: 0.15 → 0.25
    expect(sources[1]!.startedAt).toBeCloseTo(0.15, 9);
    advanceTo(0.4); // the network fell behind: everything played
    expect(player.isPlaying()).toBe(false);
    player.enqueue('item_a', chunk(100));
    expect(sources[2]!.startedAt).toBeCloseTo(0.45, 9);
  });

  it('queues a second item after the first', () => {
    const { player, sources } = setup({ leadMs: 50 });
    player.enqueue('item_a', chunk(100));
    player.enqueue('item_b', chunk(100));
    expect(sources[1]!.startedAt).toBeCloseTo(0.15, 9);
  });

  it('drops empty chunks', () => {
    const { player, sources } = setup();
    expect(player.enqueue('item_a', new Int16Array(0))).toBe(false);
    expect(sources).toHaveLength(0);
  });
});

describe('createPcmPlayer played time', () => {
  it('counts what the clock has played, not what was received', () => {
    const { player, advanceTo } = setup({ leadMs: 50 });
    for (let i = 0; i < 10; i++) player.enqueue('item_a', chunk(100)); // 1 s received at once
    advanceTo(0.03);
    expect(player.playedMs('item_a')).toBe(0);
    advanceTo(0.05 + 0.3217);
    expect(player.playedMs('item_a')).toBe(321);
    advanceTo(5);
    expect(player.playedMs('item_a')).toBe(1000); // never more than was queued
  });

  it('does not count an underrun gap as heard audio', () => {
    const { player, advanceTo } = setup({ leadMs: 50 });
    player.enqueue('item_a', chunk(100)); // 0.05 → 0.15
    advanceTo(0.5);
    player.enqueue('item_a', chunk(100)); // 0.55 → 0.65
    advanceTo(0.6);
    expect(player.playedMs('item_a')).toBe(150);
  });

  it('subtracts the output latency the browser reports', () => {
    const { player, advanceTo } = setup({ leadMs: 50 }, 0.02);
    player.enqueue('item_a', chunk(500));
    advanceTo(0.25);
    expect(player.playedMs('item_a')).toBe(180);
  });
});

describe('createPcmPlayer stop (barge-in)', () => {
  it('stops every scheduled source at once and returns the ms of the current item heard', () => {
    const { player, sources, advanceTo } = setup({ leadMs: 50 });
    for (let i = 0; i < 5; i++) player.enqueue('item_a', chunk(200));
    advanceTo(0.05 + 0.4567);
    expect(player.stop()).toEqual({ itemId: 'item_a', playedMs: 456 });
    // The first two chunks (0.05 → 0.45) had ended by themselves; the rest are cut now.
    expect(sources.map((s) => s.stoppedAt)).toEqual([undefined, undefined, 0.05 + 0.4567, 0.05 + 0.4567, 0.05 + 0.4567]);
    expect(sources.every((s) => s.disconnected)).toBe(true);
    expect(player.isPlaying()).toBe(false);
    expect(player.isStopped('item_a')).toBe(true);
    expect(player.playedMs('item_a')).toBe(456);
  });

  it('drops late chunks of a stopped item, but plays the next item', () => {
    const { player, sources, advanceTo } = setup({ leadMs: 50 });
    player.enqueue('item_a', chunk(200));
    advanceTo(0.1);
    player.stop();
    expect(player.enqueue('item_a', chunk(100))).toBe(false);
    expect(sources).toHaveLength(1);
    expect(player.enqueue('item_b', chunk(100))).toBe(true);
    expect(sources[1]!.startedAt).toBeCloseTo(0.15, 9); // a fresh run: now + lead, not after the cut audio
  });

  it('cuts the item being heard when the next one is queued behind it, and drops both', () => {
    const { player, advanceTo } = setup({ leadMs: 50 });
    player.enqueue('item_a', chunk(200));
    player.enqueue('item_b', chunk(200));
    advanceTo(0.15);
    expect(player.stop()).toEqual({ itemId: 'item_a', playedMs: 100 });
    expect(player.enqueue('item_b', chunk(100))).toBe(false);
  });

  it('reports the next item when the first one finished and drained before the cut', () => {
    const { player, advanceTo } = setup({ leadMs: 50 });
    player.enqueue('item_a', chunk(100));
    player.finish('item_a');
    player.enqueue('item_b', chunk(200)); // 0.15 → 0.35
    advanceTo(0.2);
    expect(player.stop()).toEqual({ itemId: 'item_b', playedMs: 50 });
  });

  it('returns nothing when all audio was finished and played', () => {
    const { player, advanceTo } = setup({ leadMs: 50 });
    player.enqueue('item_a', chunk(100));
    player.finish('item_a');
    advanceTo(1);
    expect(player.stop()).toBeUndefined();
    expect(setup().player.stop()).toBeUndefined();
  });

  it('still reports an item that ran dry but was not finished (more audio may be on its way)', () => {
    const { player, advanceTo } = setup({ leadMs: 50 });
    player.enqueue('item_a', chunk(100));
    advanceTo(1);
    expect(player.stop()).toEqual({ itemId: 'item_a', playedMs: 100 });
  });
});

describe('createPcmPlayer callbacks', () => {
  it('fires first audio when the first sample is due, progress about every 250 ms, drained after finish', () => {
    const { player, log, advanceTo } = setup({ leadMs: 50, progressIntervalMs: 250 });
    for (let i = 0; i < 6; i++) player.enqueue('item_a', chunk(100)); // 0.05 → 0.65
    player.tick();
    advanceTo(0.04);
    player.tick();
    expect(log).toEqual([]);
    advanceTo(0.06);
    player.tick();
    expect(log).toEqual(['first item_a']);
    advanceTo(0.2);
    player.tick(); // 140 ms after first audio: not yet
    advanceTo(0.32);
    player.tick();
    advanceTo(0.5);
    player.tick(); // 180 ms after the last report: not yet
    advanceTo(0.58);
    player.tick();
    player.finish('item_a');
    expect(log).toEqual(['first item_a', 'progress item_a 270', 'progress item_a 530']);
    advanceTo(0.7);
    player.tick();
    expect(log.slice(3)).toEqual(['progress item_a 600', 'drained item_a']);
    expect(player.playedMs('item_a')).toBe(600);
  });

  it('drains at once when finish comes after the audio has played', () => {
    const { player, log, advanceTo } = setup({ leadMs: 50 });
    player.enqueue('item_a', chunk(100));
    advanceTo(0.3);
    player.tick();
    expect(log).toEqual(['first item_a', 'progress item_a 100']);
    player.finish('item_a');
    expect(log.slice(2)).toEqual(['drained item_a']);
  });

  it('does not drain or report a stopped item', () => {
    const { player, log, advanceTo } = setup({ leadMs: 50 });
    player.enqueue('item_a', chunk(300));
    player.finish('item_a');
    advanceTo(0.1);
    player.tick();
    player.stop();
    advanceTo(1);
    player.tick();
    expect(log).toEqual(['first item_a']);
  });

  it('ticks by itself on a timer while audio is pending, and stops ticking when idle', async () => {
    const { player, log, advanceTo } = setup({ leadMs: 0, tickMs: 5 });
    player.enqueue('item_a', chunk(100));
    advanceTo(0.01);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(log).toContain('first item_a');
    advanceTo(0.2);
    player.finish('item_a');
    expect(log.at(-1)).toBe('drained item_a');
    player.close();
  });
});
