/**
 * The microphone of a voice session: opened once (with echo cancellation, noise suppression and gain
 * control), metered for the UI, and gated by mute, push-to-talk and the offline pause. The transport
 * only learns "send or don't" (`wanted`); the track keeps running, so unmuting never re-prompts.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { createLevelMeter, openMicrophone, type MicrophoneResult } from './audio-setup';

export class VoiceMicrophone {
  private opened: MediaStream | undefined;
  private meter: { level(): number; close(): void } | undefined;
  muted = false;
  pushToTalk = false;
  held = false;

  /** Opens the microphone if it is not open yet. */
  async open(context: AudioContext): Promise<MicrophoneResult> {
    if (this.opened) return { ok: true, stream: this.opened };
    const result = await openMicrophone();
    if (result.ok) {
      this.opened = result.stream;
      this.meter = createLevelMeter(context, result.stream);
    }
    return result;
  }

  get stream(): MediaStream | undefined {
    return this.opened;
  }

  /** Whether audio should flow now. */
  wanted(offline: boolean): boolean {
    return !this.muted && (!this.pushToTalk || this.held) && !offline;
  }

  level(): number {
    return this.meter?.level() ?? 0;
  }

  close(): void {
    this.meter?.close();
    this.meter = undefined;
    this.opened?.getTracks().forEach((track) => track.stop());
    this.opened = undefined;
  }
}
