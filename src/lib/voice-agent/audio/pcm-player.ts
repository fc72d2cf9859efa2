/**
 * Plays the coach's PCM16 24 kHz chunks (`response.output_audio.delta`) through an AudioContext, gapless:
 * each chunk becomes an `AudioBufferSourceNode` started exactly where the previous one ends on the audio
 * clock. A fresh run (nothing queued, or the network fell behind) starts a small lead ahead of "now", so
 * jitter in the arrival of the next chunk does not click.
 *
 * What the user heard is measured on the audio clock, not from bytes received: each assistant item keeps
 * the clock intervals its audio occupies, and the played time is how much of those intervals lies before
 * "now" (minus the device's output latency, when the browser reports it). `stop()` — barge-in or the stop
 * button — cuts every scheduled source at once and returns that figure for the current item; it becomes
 * the `audio_end_ms` of `conversation.item.truncate`. Chunks for a stopped item are dropped, so late
 * deltas cannot restart the voice the user just interrupted.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { PCM16_RATE, pcm16ToFloat, rmsLevel } from './pcm16';

/** The parts of an AudioContext the player uses (tests pass a fake clock with the same shape). */
export type PlayerContext = Pick<BaseAudioContext, 'currentTime' | 'destination' | 'createBuffer' | 'createBufferSource'> & {
  createAnalyser?: BaseAudioContext['createAnalyser'];
  /** Seconds between the audio clock and the speaker (AudioContext only; absent in older Safari). */
  readonly outputLatency?: number;
};

export interface PcmPlayerOptions {
  /** Rate of the PCM handed to `enqueue` (default 24 000). */
  sampleRate?: number;
  /** How far ahead of now a fresh run starts (default 50 ms). */
  leadMs?: number;
  /** How often `onProgress` reports a playing item (default 250 ms of audio clock). */
  progressIntervalMs?: number;
  /** Period of the internal ticker that fires the callbacks while audio is pending (default 25 ms); 0 = none, call `tick()`. */
  tickMs?: number;
  /** The item's first sample has reached the speaker. */
  onFirstAudio?: (itemId: string) => void;
  /** About every `progressIntervalMs` while the item plays, and once more when its queued audio has all played. */
  onProgress?: (itemId: string, playedMs: number) => void;
  /** The item is finished (`finish`) and all of its audio has played. Not called for stopped items. */
  onDrained?: (itemId: string) => void;
}

export interface PlaybackCut {
  itemId: string;
  /** Whole ms of this item's audio the user heard (never more than was queued). */
  playedMs: number;
}

export interface PcmPlayer {
  /** Queues one chunk of an item; false when dropped (a stopped item, an empty chunk, a closed player). */
  enqueue(itemId: string, pcm: Int16Array): boolean;
  /** No more audio will come for this item (`response.output_audio.done` / `response.done`). */
  finish(itemId: string): void;
  /** Cuts all audio now; the current item and how much of it was heard, or undefined when nothing was pending. */
  stop(): PlaybackCut | undefined;
  /** Ms of this item heard so far (0 when unknown). */
  playedMs(itemId: string): number;
  /** Audio is scheduled beyond the current clock time. */
  isPlaying(): boolean;
  /** True once `stop()` cut this item. */
  isStopped(itemId: string): boolean;
  /** Output level 0..1 (RMS of the analyser's last window; 0 without an analyser). */
  level(): number;
  /** Evaluate the clock and fire due callbacks (the internal ticker calls this). */
  tick(): void;
  /** Stop and release the output nodes (the AudioContext stays the caller's). */
  close(): void;
}

interface Segment {
  start: number;
  end: number;
}

interface ItemState {
  id: string;
  segments: Segment[];
  /** Samples queued for this item. */
  samples: number;
  firstFired: boolean;
  finished: boolean;
  /** Clock time of the last progress report, and the value reported. */
  reportedAt: number;
  reportedMs: number;
}

/** A chunk whose scheduled start is closer to now than this is started afresh with the lead instead. */
const MIN_MARGIN_S = 0.005;
/** Stopped item ids kept to drop late chunks; old ones are forgotten beyond this. */
const MAX_STOPPED = 64;

export function createPcmPlayer(context: PlayerContext, options: PcmPlayerOptions = {}): PcmPlayer {
  const rate = options.sampleRate ?? PCM16_RATE;
  const lead = (options.leadMs ?? 50) / 1000;
  const progressInterval = (options.progressIntervalMs ?? 250) / 1000;
  const tickMs = options.tickMs ?? 25;

  const analyser = context.createAnalyser?.();
  const levelWindow = analyser ? new Float32Array(analyser.fftSize) : undefined;
  const output: AudioNode = analyser ?? context.destination;
  if (analyser) analyser.connect(context.destination);

  /** Items with queued audio, in the order their first chunk arrived. */
  const items = new Map<string, ItemState>();
  const stopped = new Set<string>();
  /** Final played ms of items that drained (kept for `playedMs`, bounded like `stopped`). */
  const drained = new Map<string, number>();
  /** Played ms of items at the moment `stop()` cut them. */
  const cutMs = new Map<string, number>();
  const sources = new Set<AudioBufferSourceNode>();
  let nextStart = 0;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let closed = false;

  /** The clock time whose sample is reaching the speaker now. */
  function heardTime(): number {
    const latency = context.outputLatency;
    const offset = typeof latency === 'number' && latency > 0 && latency < 1 ? latency : 0;
    return context.currentTime - offset;
  }

  function playedSeconds(item: ItemState, at: number): number {
    let played = 0;
    for (const s of item.segments) {
      if (at <= s.start) break;
      played += Math.min(at, s.end) - s.start;
    }
    return played;
  }

  function playedWholeMs(item: ItemState, at: number): number {
    const queuedMs = Math.floor((item.samples * 1000) / rate);
    return Math.min(queuedMs, Math.max(0, Math.floor(playedSeconds(item, at) * 1000 + 1e-6)));
  }

  function endOf(item: ItemState): number {
    return item.segments.length > 0 ? item.segments[item.segments.length - 1]!.end : 0;
  }

  function startTicker() {
    if (ticker !== undefined || tickMs <= 0 || closed) return;
    ticker = setInterval(tick, tickMs);
  }

  function stopTicker() {
    if (ticker === undefined) return;
    clearInterval(ticker);
    ticker = undefined;
  }

  function tick() {
    const at = heardTime();
    let pending = false;
    for (const item of [...items.values()]) {
      const start = item.segments[0]?.start;
      if (!item.firstFired && start !== undefined && at >= start) {
        item.firstFired = true;
        item.reportedAt = at;
        options.onFirstAudio?.(item.id);
      }
      const ended = at >= endOf(item);
      if (item.firstFired) {
        const played = playedWholeMs(item, at);
        if (played > item.reportedMs && (ended || at - item.reportedAt >= progressInterval)) {
          item.reportedAt = at;
          item.reportedMs = played;
          options.onProgress?.(item.id, played);
        }
      }
      if (ended && item.finished) {
        items.delete(item.id);
        drained.set(item.id, playedWholeMs(item, at));
        if (drained.size > MAX_STOPPED) drained.delete(drained.keys().next().value as string);
        options.onDrained?.(item.id);
      } else if (!ended) pending = true;
    }
    // Nothing left to report until more audio (or `finish`) arrives.
    if (!pending) stopTicker();
  }

  function enqueue(itemId: string, pcm: Int16Array): boolean {
    if (closed || stopped.has(itemId) || pcm.length === 0) return false;
    let item = items.get(itemId);
    if (item?.finished) return false;
    const buffer = context.createBuffer(1, pcm.length, rate);
    buffer.getChannelData(0).set(pcm16ToFloat(pcm));
    const source = context.createBufferSource();
    source.buffer = buffer;
    source.connect(output);
    const now = context.currentTime;
    const start = nextStart >= now + MIN_MARGIN_S ? nextStart : now + lead;
    const end = start + pcm.length / rate;
    source.onended = () => {
      sources.delete(source);
      source.disconnect();
    };
    source.start(start);
    sources.add(source);
    nextStart = end;

    if (!item) {
      item = { id: itemId, segments: [], samples: 0, firstFired: false, finished: false, reportedAt: 0, reportedMs: 0 };
      items.set(itemId, item);
    }
    const last = item.segments[item.segments.length - 1];
    if (last && Math.abs(last.end - start) < 1e-9) last.end = end;
    else item.segments.push({ start, end });
    item.samples += pcm.length;
    startTicker();
    return true;
  }

  function stop(): PlaybackCut | undefined {
    const at = heardTime();
    let cut: PlaybackCut | undefined;
    for (const item of items.values()) {
      const played = playedWholeMs(item, at);
      const fullyPlayed = at >= endOf(item);
      if (!cut && !(item.finished && fullyPlayed)) cut = { itemId: item.id, playedMs: played };
      remember(item.id);
      cutMs.set(item.id, played);
      if (cutMs.size > MAX_STOPPED) cutMs.delete(cutMs.keys().next().value as string);
    }
    for (const source of sources) {
      source.onended = null;
      try {
        source.stop();
      } catch {
        /* never started or already stopped */
      }
      source.disconnect();
    }
    sources.clear();
    items.clear();
    nextStart = 0;
    stopTicker();
    return cut;
  }

  function remember(itemId: string) {
    stopped.add(itemId);
    if (stopped.size > MAX_STOPPED) stopped.delete(stopped.values().next().value as string);
  }

  return {
    enqueue,
    finish(itemId) {
      const item = items.get(itemId);
      if (!item || item.finished) return;
      item.finished = true;
      startTicker();
      tick(); // already fully played: drained now, not a tick later
    },
    stop,
    playedMs(itemId) {
      const item = items.get(itemId);
      return item ? playedWholeMs(item, heardTime()) : (drained.get(itemId) ?? cutMs.get(itemId) ?? 0);
    },
    isPlaying() {
      return sources.size > 0 && nextStart > context.currentTime;
    },
    isStopped(itemId) {
      return stopped.has(itemId);
    },
    level() {
      if (!analyser || !levelWindow || !isPlayingNow()) return 0;
      analyser.getFloatTimeDomainData(levelWindow);
      return rmsLevel(levelWindow);
    },
    tick,
    close() {
      if (closed) return;
      stop();
      closed = true;
      analyser?.disconnect();
    },
  };

  function isPlayingNow() {
    return sources.size > 0;
  }
}
