/**
 * The fallback coach's microphone: opened once (the browser's echo cancellation, noise suppression and
 * gain control, via `VoiceMicrophone`), captured as PCM frames, and gated by mute, push-to-talk and the
 * session's state. Closed gates pause the capture worklet (it posts nothing), so nothing is recorded;
 * the track keeps running, so unmuting never prompts again.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { VoiceMicrophone } from '../session/voice-microphone';
import type { MicrophoneState } from '../session/voice-session-types';
import type { MicCapture, MicCaptureFactory } from './mic-capture';

/** What is needed of a microphone (`VoiceMicrophone` in the browser). */
export type MicrophoneSource = Pick<VoiceMicrophone, 'open' | 'level' | 'close' | 'stream'>;

export type MicrophoneOpened = { ok: true } | { ok: false; state: 'denied' | 'unavailable'; message: string };

export class FallbackMicrophone {
  muted = false;
  pushToTalk = false;
  held = false;
  private capture: MicCapture | undefined;

  constructor(
    private readonly source: MicrophoneSource,
    private readonly startCapture: MicCaptureFactory,
  ) {}

  /** Open the microphone and start capturing; frames go to `onFrame` while the gates are open. */
  async open(context: AudioContext, signal: AbortSignal, onFrame: (pcm: Int16Array) => void): Promise<MicrophoneOpened> {
    const result = await this.source.open(context);
    if (signal.aborted) return { ok: true };
    if (!result.ok) return { ok: false, state: result.reason === 'denied' ? 'denied' : 'unavailable', message: result.message };
    try {
      const capture = await this.startCapture(context, result.stream, onFrame);
      if (signal.aborted) capture.close();
      else this.capture = capture;
      return { ok: true };
    } catch {
      return { ok: false, state: 'unavailable', message: 'This browser cannot process microphone audio here. Type your answers below.' };
    }
  }

  get capturing(): boolean {
    return this.capture !== undefined;
  }

  /** Whether audio should be recorded now (`live`: the session is connected and not paused). */
  wanted(live: boolean): boolean {
    return live && !this.muted && (!this.pushToTalk || this.held);
  }

  /** Open or close the capture; the state to show, or undefined without a capture. */
  apply(live: boolean): MicrophoneState | undefined {
    if (!this.capture) return undefined;
    const wanted = this.wanted(live);
    this.capture.setEnabled(wanted);
    return wanted ? 'live' : 'muted';
  }

  level(): number {
    return this.source.level();
  }

  close(): void {
    this.capture?.close();
    this.capture = undefined;
    this.source.close();
    this.held = false;
  }
}
