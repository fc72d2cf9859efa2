/**
 * The microphone as a voice session applies it: opened once per session (a refusal is shown and
 * reported, and the session goes on without one), gated by the user's controls (mute, push-to-talk) and
 * the offline pause, and the result handed to whichever transport is live and to the snapshot's
 * `microphone` state. It exists apart from `VoiceSession` so every control change ends in the same
 * single "apply" step; `VoiceMicrophone` stays the device itself (track, meter, the `wanted` rule).
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { TelemetryClient } from '../api/telemetry-client';
import type { RealtimeTransport } from '../transports/realtime-transport';
import { VoiceMicrophone } from './voice-microphone';
import type { VoiceSnapshot } from './voice-session-types';

export interface MicrophoneGateDeps {
  telemetry: TelemetryClient;
  /** The live connection, if any: the one that sends or holds the audio. */
  transport(): RealtimeTransport | undefined;
  /** The offline pause holds the microphone whatever the controls say. */
  offline(): boolean;
  /** Snapshot fields this side owns: `microphone`, `pushToTalk` (and the message when opening fails). */
  update(patch: Partial<VoiceSnapshot>): void;
}

export class MicrophoneGate {
  private readonly mic = new VoiceMicrophone();

  constructor(private readonly deps: MicrophoneGateDeps) {}

  /** Opens the microphone if it is not open yet; without one the coach is still heard and text still works. */
  async open(context: AudioContext): Promise<void> {
    const result = await this.mic.open(context);
    if (result.ok) return;
    this.deps.update({ microphone: result.reason === 'denied' ? 'denied' : 'unavailable', message: result.message });
    this.deps.telemetry.record({ type: 'connection_failed', transport: 'webrtc', reason: 'microphone_denied' });
  }

  get stream(): MediaStream | undefined {
    return this.mic.stream;
  }

  /** 0..1, the raw input level (the session shows 0 unless the microphone is live). */
  level(): number {
    return this.mic.level();
  }

  setMuted(muted: boolean): void {
    this.mic.muted = muted;
    this.apply();
  }

  setPushToTalk(enabled: boolean): void {
    this.mic.pushToTalk = enabled;
    this.mic.held = false;
    this.deps.update({ pushToTalk: enabled });
    this.apply();
  }

  /** Push-to-talk: the microphone is live only while held. */
  hold(held: boolean): void {
    this.mic.held = held;
    this.apply();
  }

  /** Tells the live transport whether to send, and the snapshot what the user's microphone is doing. */
  apply(): void {
    const enabled = this.mic.wanted(this.deps.offline());
    this.deps.transport()?.setMicrophoneEnabled(enabled);
    if (this.mic.stream) this.deps.update({ microphone: enabled ? 'live' : 'muted' });
  }

  close(): void {
    this.mic.close();
  }
}
