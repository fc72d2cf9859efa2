/**
 * Microphone PCM for the fallback coach: the same capture worklet as the WebSocket transport
 * (`audio/capture-worklet.ts` loads it, once per context for both), resampled on the main
 * thread to 16 kHz mono PCM16, the rate the VAD and the WAV upload use. Never connected to the speakers.
 * The AudioContext and the microphone stream belong to the caller.
 *
 * Browser-only module (runs only in a browser; the session takes it as an injectable factory so the
 * tests use a fake). Never import from `src/server/**` here.
 */
import { CAPTURE_PROCESSOR_NAME, loadCaptureWorklet } from '../audio/capture-worklet';
import { createResampler, floatToPcm16, type Resampler } from '../audio/pcm16';

/** The rate of the captured PCM (what `/transcribe` gets). */
export const CAPTURE_RATE = 16_000;
/** Frame length: 20 ms gives the VAD a fine enough grain for its ~120 ms onset. */
export const CAPTURE_FRAME_MS = 20;

export interface MicCapture {
  /** Off: the worklet posts nothing (mute, push-to-talk released, offline). */
  setEnabled(enabled: boolean): void;
  close(): void;
}

export type MicCaptureFactory = (context: AudioContext, stream: MediaStream, onFrame: (pcm: Int16Array) => void) => Promise<MicCapture>;

export const startWorkletCapture: MicCaptureFactory = async (context, stream, onFrame) => {
  if (typeof AudioWorkletNode === 'undefined' || !context.audioWorklet) throw new Error('This browser cannot process microphone audio (no AudioWorklet).');
  await loadCaptureWorklet(context);
  let enabled = true;
  let closed = false;
  const resampler: Resampler | undefined = context.sampleRate === CAPTURE_RATE ? undefined : createResampler(context.sampleRate, CAPTURE_RATE);
  const source = context.createMediaStreamSource(stream);
  const node = new AudioWorkletNode(context, CAPTURE_PROCESSOR_NAME, {
    numberOfInputs: 1,
    numberOfOutputs: 0,
    channelCount: 1,
    channelCountMode: 'explicit',
    channelInterpretation: 'speakers',
    processorOptions: { chunkMs: CAPTURE_FRAME_MS, enabled },
  });
  node.port.onmessage = (event: MessageEvent<{ type?: string; samples?: Float32Array }>) => {
    const message = event.data;
    if (closed || !enabled || message?.type !== 'chunk' || !(message.samples instanceof Float32Array)) return;
    const samples = resampler ? resampler.process(message.samples) : message.samples;
    if (samples.length > 0) onFrame(floatToPcm16(samples));
  };
  source.connect(node);
  return {
    setEnabled(next) {
      if (closed || next === enabled) return;
      enabled = next;
      resampler?.reset(); // the stream restarts after a gap: no stale history across it
      node.port.postMessage({ type: 'enabled', enabled: next });
    },
    close() {
      if (closed) return;
      closed = true;
      node.port.postMessage({ type: 'stop' });
      node.port.onmessage = null;
      try {
        source.disconnect();
        node.disconnect();
      } catch {
        /* already disconnected */
      }
    },
  };
};
