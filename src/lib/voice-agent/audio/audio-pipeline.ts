/**
 * The WebSocket transport's audio pipeline (the architecture's "Audio Processing Pipeline"):
 *
 *   microphone → MediaStreamAudioSourceNode → AudioWorkletNode (pcm-capture) → port → [resample] → PCM16
 *   PCM16 chunks → PcmPlayer → AnalyserNode → speakers
 *
 * The transport talks to it through `AudioPipeline`, so its wire logic is tested in Node with a fake
 * pipeline, and the real one here only ever runs in a browser. The capture worklet is never connected to
 * the destination (the user must not hear their own voice); an AudioWorkletNode without outputs is still
 * processed. The AudioContext and the microphone belong to the caller: nothing here closes or stops them.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { CAPTURE_PROCESSOR_NAME, loadCaptureWorklet } from './capture-worklet';
import { createPcmPlayer, type PcmPlayerOptions, type PlaybackCut } from './pcm-player';
import { PCM16_RATE, createResampler, floatToPcm16, type Resampler } from './pcm16';

export interface AudioPipelineHooks {
  /** One captured chunk (~40 ms), PCM16 24 kHz mono, and its level 0..1. Not called while capture is off. */
  onCapture(pcm: Int16Array, level: number): void;
  onFirstAudio(itemId: string): void;
  onProgress(itemId: string, playedMs: number): void;
  onDrained(itemId: string): void;
}

export interface AudioPipeline {
  /** Off = mute: the worklet posts nothing and nothing reaches `onCapture`. */
  setCaptureEnabled(enabled: boolean): void;
  /** Queue one chunk of the coach's audio for an item; false when dropped. */
  play(itemId: string, pcm: Int16Array): boolean;
  /** No more audio will come for this item. */
  finish(itemId: string): void;
  /** Cut playback now; the current item and the ms of it the user heard. */
  stop(): PlaybackCut | undefined;
  /** Microphone level 0..1 (0 while muted). */
  inputLevel(): number;
  /** Speaker level 0..1. */
  outputLevel(): number;
  /** Disconnect everything this pipeline created; the context and the microphone are left alone. */
  close(): void;
}

export interface AudioPipelineOptions {
  /** Capture enabled at start (default true). */
  captureEnabled?: boolean;
  /** Capture chunk length (default 40 ms). */
  chunkMs?: number;
  player?: Pick<PcmPlayerOptions, 'leadMs' | 'progressIntervalMs' | 'tickMs'>;
}

export type AudioPipelineFactory = (
  context: AudioContext,
  microphone: MediaStream,
  hooks: AudioPipelineHooks,
  options?: AudioPipelineOptions,
) => Promise<AudioPipeline>;

export class AudioPipelineUnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AudioPipelineUnsupportedError';
  }
}

export const createWebAudioPipeline: AudioPipelineFactory = async (context, microphone, hooks, options = {}) => {
  if (typeof AudioWorkletNode === 'undefined' || !context.audioWorklet) {
    throw new AudioPipelineUnsupportedError('This browser cannot process microphone audio (no AudioWorklet).');
  }
  await loadCaptureWorklet(context);

  let enabled = options.captureEnabled ?? true;
  let level = 0;
  let closed = false;
  const resampler: Resampler | undefined = context.sampleRate === PCM16_RATE ? undefined : createResampler(context.sampleRate, PCM16_RATE);

  const source = context.createMediaStreamSource(microphone);
  const capture = new AudioWorkletNode(context, CAPTURE_PROCESSOR_NAME, {
    numberOfInputs: 1,
    numberOfOutputs: 0,
    // The browser downmixes the microphone to one channel before the processor sees it.
    channelCount: 1,
    channelCountMode: 'explicit',
    channelInterpretation: 'speakers',
    processorOptions: { chunkMs: options.chunkMs ?? 40, enabled },
  });
  capture.port.onmessage = (event: MessageEvent<{ type?: string; samples?: Float32Array; level?: number }>) => {
    const message = event.data;
    if (closed || !enabled || message?.type !== 'chunk' || !(message.samples instanceof Float32Array)) return;
    level = typeof message.level === 'number' ? message.level : 0;
    const samples = resampler ? resampler.process(message.samples) : message.samples;
    if (samples.length > 0) hooks.onCapture(floatToPcm16(samples), level);
  };
  source.connect(capture);

  const player = createPcmPlayer(context, {
    ...options.player,
    onFirstAudio: (itemId) => hooks.onFirstAudio(itemId),
    onProgress: (itemId, playedMs) => hooks.onProgress(itemId, playedMs),
    onDrained: (itemId) => hooks.onDrained(itemId),
  });

  return {
    setCaptureEnabled(next) {
      if (closed || next === enabled) return;
      enabled = next;
      level = 0;
      resampler?.reset(); // the stream restarts after a gap; no stale history across it
      capture.port.postMessage({ type: 'enabled', enabled: next });
    },
    play: (itemId, pcm) => player.enqueue(itemId, pcm),
    finish: (itemId) => player.finish(itemId),
    stop: () => player.stop(),
    inputLevel: () => (enabled ? level : 0),
    outputLevel: () => player.level(),
    close() {
      if (closed) return;
      closed = true;
      capture.port.postMessage({ type: 'stop' });
      capture.port.onmessage = null;
      try {
        source.disconnect();
        capture.disconnect();
      } catch {
        /* already disconnected */
      }
      player.close();
    },
  };
};
