/**
 * Microphone frames → utterances: the VAD decides where speech starts and ends (or, in push-to-talk,
 * the button does), and this keeps the audio. A short pre-roll from before the detected start is
 * included (the onset takes ~120 ms to confirm, and the first consonant is quiet); the silence after the
 * end is trimmed to a short tail (less to upload, and the model still hears the sentence end).
 *
 * Deterministic: time is the audio fed in. Browser-only module: never import from `src/server/**` here.
 */
import { createVad, DEFAULT_VAD_CONFIG, frameLevelDb, type Vad, type VadConfig } from './vad';
import { concatPcm } from './wav';

export interface UtteranceDetectorOptions {
  sampleRate: number;
  /** Audio kept from before the detected start, ms. */
  preRollMs?: number;
  /** Silence kept after the last voiced frame, ms. */
  tailMs?: number;
  /** Longest utterance, pre-roll included, ms (the server refuses more than 60 s). */
  maxUtteranceMs?: number;
  /** Push-to-talk: a shorter press is a slip, not an utterance, ms. */
  minPushMs?: number;
  vad?: Partial<VadConfig>;
}

export type UtteranceEndReason = 'silence' | 'max-length' | 'release';

export type DetectorEvent =
  | { type: 'speech-start' }
  /** `durationMs`: the audio sent (pre-roll and tail included); `speechMs`: the speech itself. */
  | { type: 'utterance'; pcm: Int16Array; durationMs: number; speechMs: number; reason: UtteranceEndReason }
  | { type: 'discarded'; reason: 'too-short' | 'silent' };

interface Frame {
  pcm: Int16Array;
  startMs: number;
  endMs: number;
}

export class UtteranceDetector {
  private readonly vad: Vad;
  private readonly rate: number;
  private readonly preRollMs: number;
  private readonly tailMs: number;
  private readonly maxMs: number;
  private readonly minPushMs: number;
  private readonly silentDb: number;
  /** The last moments of audio, for the pre-roll. */
  private ring: Frame[] = [];
  private recording: Frame[] | undefined;
  private pushMode = false;
  private pressed = false;
  private clockMs = 0;

  constructor(options: UtteranceDetectorOptions) {
    this.rate = options.sampleRate;
    this.preRollMs = options.preRollMs ?? 300;
    this.tailMs = options.tailMs ?? 200;
    this.maxMs = options.maxUtteranceMs ?? 59_300;
    this.minPushMs = options.minPushMs ?? 250;
    this.silentDb = (options.vad?.normal ?? DEFAULT_VAD_CONFIG.normal).minLevelDb;
    this.vad = createVad(this.rate, { ...options.vad, maxSpeechMs: this.maxMs - this.preRollMs });
  }

  /** Someone is talking: the VAD is in speech, or the push-to-talk button is held. */
  get speaking(): boolean {
    return this.recording !== undefined;
  }

  /** Push-to-talk on: the button decides, not the VAD. Drops what was being recorded. */
  setPushToTalk(enabled: boolean): void {
    this.reset();
    this.pushMode = enabled;
  }

  /** One captured frame. `echo`: the coach is speaking (the VAD is stricter). */
  feed(pcm: Int16Array, echo = false): DetectorEvent[] {
    if (pcm.length === 0) return [];
    const frame: Frame = { pcm, startMs: this.clockMs, endMs: this.clockMs + (pcm.length * 1000) / this.rate };
    this.clockMs = frame.endMs;
    return this.pushMode ? this.feedPushed(frame) : this.feedVad(frame, echo);
  }

  /** Push-to-talk pressed: recording starts now. */
  press(): DetectorEvent[] {
    if (!this.pushMode || this.pressed) return [];
    this.pressed = true;
    this.recording = [];
    return [{ type: 'speech-start' }];
  }

  /** Push-to-talk released: what was said is an utterance (unless it was a slip or silence). */
  release(): DetectorEvent[] {
    if (!this.pushMode || !this.pressed) return [];
    this.pressed = false;
    const frames = this.recording ?? [];
    this.recording = undefined;
    const durationMs = frames.reduce((ms, f) => ms + f.endMs - f.startMs, 0);
    if (durationMs < this.minPushMs) return [{ type: 'discarded', reason: 'too-short' }];
    if (frames.every((f) => frameLevelDb(f.pcm) <= this.silentDb)) return [{ type: 'discarded', reason: 'silent' }];
    return [this.utterance(frames, 'release', durationMs)];
  }

  /** Forget the utterance in progress (mute, offline, mode change); true when one was dropped. */
  reset(): boolean {
    const dropped = this.recording !== undefined;
    this.recording = undefined;
    this.pressed = false;
    this.ring = [];
    this.vad.cancel();
    return dropped;
  }

  private feedPushed(frame: Frame): DetectorEvent[] {
    if (!this.pressed || !this.recording) return [];
    this.recording.push(frame);
    if (frame.endMs - this.recording[0]!.startMs < this.maxMs) return [];
    // Still held at the limit: send this part, keep recording the next.
    const full = this.recording;
    this.recording = [];
    return [this.utterance(full, 'max-length', frame.endMs - full[0]!.startMs), { type: 'speech-start' }];
  }

  private feedVad(frame: Frame, echo: boolean): DetectorEvent[] {
    this.remember(frame);
    if (this.recording) this.recording.push(frame);
    const event = this.vad.process(frame.pcm, { echo });
    if (!event) return [];
    switch (event.type) {
      case 'start':
        this.recording = this.ring.filter((f) => f.endMs > event.startMs - this.preRollMs);
        return [{ type: 'speech-start' }];
      case 'discard':
        this.recording = undefined;
        return [{ type: 'discarded', reason: 'too-short' }];
      case 'end': {
        const frames = this.recording ?? [];
        this.recording = undefined;
        this.ring = []; // the next utterance's pre-roll must not repeat this one's end
        const kept = event.reason === 'silence' ? frames.filter((f) => f.startMs < event.endMs + this.tailMs) : frames;
        return [this.utterance(kept, event.reason, event.endMs - event.startMs)];
      }
    }
  }

  private remember(frame: Frame): void {
    this.ring.push(frame);
    // Enough for the pre-roll plus the longest onset (the echo one) with its gaps.
    const keepMs = this.preRollMs + 1_000;
    while (this.ring.length > 1 && frame.endMs - this.ring[0]!.endMs > keepMs) this.ring.shift();
  }

  private utterance(frames: Frame[], reason: UtteranceEndReason, speechMs: number): DetectorEvent {
    const pcm = concatPcm(frames.map((f) => f.pcm));
    return { type: 'utterance', pcm, durationMs: Math.round((pcm.length * 1000) / this.rate), speechMs: Math.round(speechMs), reason };
  }
}
