// Energy-based voice activity detection on 20 ms frames of PCM16 24 kHz, on the *audio* timeline
// (ms of input audio received in this session), not the wall clock, so it is deterministic.
//
// threshold → RMS: the turn_detection threshold (0..1) maps linearly in dB from -60 dBFS (0) to
// -10 dBFS (1); the default 0.5 gives -35 dBFS (RMS ≈ 0.018). Speech starts after MIN_SPEECH_MS of
// consecutive loud frames; it stops after silence_duration_ms of quiet frames.
// semantic_vad has no threshold or silence setting: eagerness low / medium|auto / high → 800 / 500 /
// 250 ms of silence, threshold 0.5, prefix padding 300 ms.
import { SAMPLES_PER_MS, rms } from './audio-synth.mjs';

export const FRAME_MS = 20;
const FRAME = FRAME_MS * SAMPLES_PER_MS;
export const MIN_SPEECH_MS = 60;

const SEMANTIC_SILENCE = { low: 800, medium: 500, auto: 500, high: 250 };

/** @param {number} threshold 0..1 */
export const thresholdToRms = (threshold) => 10 ** ((-60 + 50 * Math.min(1, Math.max(0, threshold))) / 20);

/**
 * VAD parameters for a turn_detection config (null → manual turns, no VAD).
 * @param {any} td
 * @returns {{ rmsThreshold: number, prefixMs: number, silenceMs: number } | null}
 */
export function vadParams(td) {
  if (!td || typeof td !== 'object') return null;
  if (td.type === 'semantic_vad') {
    return { rmsThreshold: thresholdToRms(0.5), prefixMs: 300, silenceMs: SEMANTIC_SILENCE[td.eagerness] ?? 500 };
  }
  return {
    rmsThreshold: thresholdToRms(typeof td.threshold === 'number' ? td.threshold : 0.5),
    prefixMs: typeof td.prefix_padding_ms === 'number' ? td.prefix_padding_ms : 300,
    silenceMs: typeof td.silence_duration_ms === 'number' ? td.silence_duration_ms : 200,
  };
}

/**
 * @typedef {{ type: 'start', audioStartMs: number, detectedMs: number } | { type: 'stop', audioEndMs: number }} VadEvent
 */

/**
 * @param {() => ({ rmsThreshold: number, prefixMs: number, silenceMs: number } | null)} getParams  read on every frame
 */
export function createVad(getParams) {
  let carry = new Int16Array(0);
  let positionMs = 0; // audio timeline: ms of input audio received so far
  let speaking = false;
  let loudRunMs = 0;
  let loudRunStartMs = 0;
  let quietRunMs = 0;
  let floorMs = 0; // speech cannot start before this (the last commit / clear)

  return {
    get positionMs() {
      return positionMs + carry.length / SAMPLES_PER_MS;
    },
    get speaking() {
      return speaking;
    },
    /** Forget any speech in progress (commit / clear); the timeline keeps running. */
    reset() {
      speaking = false;
      loudRunMs = 0;
      quietRunMs = 0;
      floorMs = positionMs + carry.length / SAMPLES_PER_MS;
    },
    /**
     * Feed audio; returns the VAD events it caused, in order.
     * @param {Int16Array} pcm @returns {VadEvent[]}
     */
    push(pcm) {
      /** @type {VadEvent[]} */
      const events = [];
      const buf = new Int16Array(carry.length + pcm.length);
      buf.set(carry);
      buf.set(pcm, carry.length);
      let off = 0;
      for (; off + FRAME <= buf.length; off += FRAME) {
        const frameStart = positionMs;
        positionMs += FRAME_MS;
        const p = getParams();
        if (!p) {
          speaking = false;
          loudRunMs = 0;
          continue;
        }
        const loud = rms(buf, off, off + FRAME) >= p.rmsThreshold;
        if (!speaking) {
          if (loud) {
            if (loudRunMs === 0) loudRunStartMs = frameStart;
            loudRunMs += FRAME_MS;
            if (loudRunMs >= MIN_SPEECH_MS) {
              speaking = true;
              quietRunMs = 0;
              events.push({ type: 'start', audioStartMs: Math.max(floorMs, loudRunStartMs - p.prefixMs), detectedMs: positionMs });
            }
          } else loudRunMs = 0;
        } else if (loud) quietRunMs = 0;
        else {
          quietRunMs += FRAME_MS;
          if (quietRunMs >= p.silenceMs) {
            speaking = false;
            loudRunMs = 0;
            quietRunMs = 0;
            floorMs = positionMs; // the next turn's audio starts after this one was committed
            events.push({ type: 'stop', audioEndMs: positionMs });
          }
        }
      }
      carry = buf.slice(off);
      return events;
    },
  };
}
