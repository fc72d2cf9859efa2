/**
 * Energy-based voice activity detection for the fallback coach (the realtime API does this on the
 * server; here the browser decides when an utterance ends and goes to `/transcribe`).
 *
 * Per frame: its level in dBFS against an adaptive noise floor. Speech starts after `onsetMs` of frames
 * above the threshold (short dips between syllables are tolerated), ends after `hangoverMs` below it,
 * and is forced to end at `maxSpeechMs`. An utterance shorter than `minSpeechMs` (a cough, a click, a
 * door) is discarded. In speech the threshold is lower (hysteresis), so a trailing soft syllable does not
 * end the utterance early.
 *
 * While the coach is speaking (`echo`), the threshold and onset are stricter: the browser's echo
 * cancellation removes most of the coach's voice from the microphone, but what leaks through must not
 * count as the user talking over the coach (barge-in). The noise floor follows that leak upward slowly,
 * which raises the bar further for as long as the coach talks.
 *
 * Pure and deterministic: time is the audio itself (frame durations), never a clock. `vadStep` is the
 * reducer; `createVad` a small stateful wrapper over it.
 *
 * Browser-only module: never import from `src/server/**` here.
 */

export interface VadThresholds {
  /** Level above the noise floor that counts as voice, dB. */
  marginDb: number;
  /** Whatever the floor, nothing quieter than this counts as voice, dBFS. */
  minLevelDb: number;
  /** Voiced audio needed before speech starts, ms. */
  onsetMs: number;
}

export interface VadConfig {
  normal: VadThresholds;
  /** While the coach is speaking: stricter, so the coach's own voice leaking into the mic is not barge-in. */
  echo: VadThresholds;
  /** In speech the margin drops by this much (hysteresis), dB. */
  hysteresisDb: number;
  /** An unvoiced gap longer than this cancels a speech onset, ms. */
  maxOnsetGapMs: number;
  /** Silence that ends an utterance, ms. */
  hangoverMs: number;
  /** Shorter utterances (start to last voiced frame) are discarded, ms. */
  minSpeechMs: number;
  /** An utterance is forced to end after this long, ms (the server refuses more than 60 s). */
  maxSpeechMs: number;
  /** The floor follows the level upward this fast in silence (dB per second); downward at once. */
  floorRiseDbPerSecond: number;
  /** …and this fast in speech (a noise that never stops must not look like one endless utterance). */
  floorRiseInSpeechDbPerSecond: number;
  /** The first frames only calibrate the floor (no speech detection), ms. */
  calibrationMs: number;
  floorMinDb: number;
  floorMaxDb: number;
}

export const DEFAULT_VAD_CONFIG: VadConfig = {
  normal: { marginDb: 12, minLevelDb: -50, onsetMs: 120 },
  echo: { marginDb: 22, minLevelDb: -38, onsetMs: 280 },
  hysteresisDb: 5,
  maxOnsetGapMs: 60,
  hangoverMs: 700,
  minSpeechMs: 300,
  maxSpeechMs: 59_000,
  floorRiseDbPerSecond: 3,
  floorRiseInSpeechDbPerSecond: 0.5,
  calibrationMs: 200,
  floorMinDb: -80,
  floorMaxDb: -30,
};

export type VadPhase = 'silence' | 'onset' | 'speech';

export interface VadState {
  phase: VadPhase;
  /** Audio processed since the start (or the last reset), ms. */
  atMs: number;
  floorDb: number;
  /** Where the current onset (and so the utterance) began, ms. */
  startMs: number;
  /** Voiced ms gathered in the onset. */
  voicedMs: number;
  /** Unvoiced ms since the last voiced frame (onset gap, or trailing silence in speech). */
  gapMs: number;
  /** End of the last voiced frame, ms. */
  lastVoicedMs: number;
}

export type VadEvent =
  | { type: 'start'; startMs: number }
  | { type: 'end'; startMs: number; endMs: number; reason: 'silence' | 'max-length' }
  | { type: 'discard'; startMs: number; endMs: number };

export interface VadFrame {
  levelDb: number;
  durationMs: number;
}

const SILENCE_DB = -100;

/** RMS level of PCM16 samples in dBFS (−100 for digital silence). */
export function frameLevelDb(pcm: Int16Array): number {
  if (pcm.length === 0) return SILENCE_DB;
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!;
  const rms = Math.sqrt(sum / pcm.length) / 32768;
  return rms > 0 ? Math.max(SILENCE_DB, 20 * Math.log10(rms)) : SILENCE_DB;
}

export function createVadState(config: VadConfig = DEFAULT_VAD_CONFIG): VadState {
  return { phase: 'silence', atMs: 0, floorDb: config.floorMinDb, startMs: 0, voicedMs: 0, gapMs: 0, lastVoicedMs: 0 };
}

/** The threshold a frame must exceed to count as voice, in this phase. */
export function thresholdDb(state: VadState, echo: boolean, config: VadConfig = DEFAULT_VAD_CONFIG): number {
  const t = echo ? config.echo : config.normal;
  const margin = state.phase === 'speech' ? t.marginDb - config.hysteresisDb : t.marginDb;
  return Math.max(state.floorDb + margin, t.minLevelDb);
}

function followFloor(floorDb: number, levelDb: number, durationMs: number, risePerSecond: number, config: VadConfig): number {
  const next = levelDb < floorDb ? levelDb : Math.min(levelDb, floorDb + (risePerSecond * durationMs) / 1000);
  return Math.min(config.floorMaxDb, Math.max(config.floorMinDb, next));
}

/** One frame through the detector: the next state and at most one event. */
export function vadStep(state: VadState, frame: VadFrame, echo: boolean, config: VadConfig = DEFAULT_VAD_CONFIG): { state: VadState; event?: VadEvent } {
  const frameStart = state.atMs;
  const atMs = frameStart + frame.durationMs;
  if (frameStart < config.calibrationMs) {
    // The room before anyone speaks: follow it both ways, so a noisy room does not start as "speech".
    const floorDb = frameStart === 0 ? clampFloor(frame.levelDb, config) : clampFloor((state.floorDb + frame.levelDb) / 2, config);
    return { state: { ...state, atMs, floorDb } };
  }
  const voiced = frame.levelDb > thresholdDb(state, echo, config);
  const onsetMs = (echo ? config.echo : config.normal).onsetMs;

  switch (state.phase) {
    case 'silence': {
      if (voiced) {
        const next: VadState = { ...state, atMs, phase: 'onset', startMs: frameStart, voicedMs: frame.durationMs, gapMs: 0, lastVoicedMs: atMs };
        return next.voicedMs >= onsetMs ? { state: { ...next, phase: 'speech' }, event: { type: 'start', startMs: frameStart } } : { state: next };
      }
      return { state: { ...state, atMs, floorDb: followFloor(state.floorDb, frame.levelDb, frame.durationMs, config.floorRiseDbPerSecond, config) } };
    }
    case 'onset': {
      if (voiced) {
        const next: VadState = { ...state, atMs, voicedMs: state.voicedMs + frame.durationMs, gapMs: 0, lastVoicedMs: atMs };
        return next.voicedMs >= onsetMs ? { state: { ...next, phase: 'speech' }, event: { type: 'start', startMs: state.startMs } } : { state: next };
      }
      const gapMs = state.gapMs + frame.durationMs;
      if (gapMs > config.maxOnsetGapMs) return { state: { ...state, atMs, phase: 'silence', voicedMs: 0, gapMs: 0 } };
      return { state: { ...state, atMs, gapMs } };
    }
    case 'speech': {
      const floorDb = followFloor(state.floorDb, frame.levelDb, frame.durationMs, config.floorRiseInSpeechDbPerSecond, config);
      const next: VadState = voiced ? { ...state, atMs, floorDb, gapMs: 0, lastVoicedMs: atMs } : { ...state, atMs, floorDb, gapMs: state.gapMs + frame.durationMs };
      if (atMs - state.startMs >= config.maxSpeechMs) {
        return { state: toSilence(next), event: { type: 'end', startMs: state.startMs, endMs: atMs, reason: 'max-length' } };
      }
      if (next.gapMs >= config.hangoverMs) {
        const endMs = next.lastVoicedMs;
        const event: VadEvent =
          endMs - state.startMs < config.minSpeechMs
            ? { type: 'discard', startMs: state.startMs, endMs }
            : { type: 'end', startMs: state.startMs, endMs, reason: 'silence' };
        return { state: toSilence(next), event };
      }
      return { state: next };
    }
  }
}

function toSilence(state: VadState): VadState {
  return { ...state, phase: 'silence', voicedMs: 0, gapMs: 0 };
}

function clampFloor(levelDb: number, config: VadConfig): number {
  return Math.min(config.floorMaxDb, Math.max(config.floorMinDb, levelDb));
}

export interface Vad {
  /** One frame of PCM16 at the detector's rate; the event it caused, if any. */
  process(pcm: Int16Array, options?: { echo?: boolean }): VadEvent | undefined;
  readonly state: VadState;
  /** Forget the current utterance (mute, push-to-talk, offline); the noise floor is kept. */
  cancel(): void;
}

export function createVad(sampleRate: number, config: Partial<VadConfig> = {}): Vad {
  const full: VadConfig = { ...DEFAULT_VAD_CONFIG, ...config };
  let state = createVadState(full);
  return {
    process(pcm, options = {}) {
      const step = vadStep(state, { levelDb: frameLevelDb(pcm), durationMs: (pcm.length * 1000) / sampleRate }, options.echo === true, full);
      state = step.state;
      return step.event;
    },
    get state() {
      return state;
    },
    cancel() {
      state = toSilence(state);
    },
  };
}
