/**
 * What the conversation UI drives, whatever engine is behind it: the live realtime session
 * (`VoiceSession`), the chat + speech fallback (`FallbackSession`) or the scripted demo
 * (`DemoSession`). The coach console talks to one `CoachVoice` (coach-voice.ts), which starts the right
 * engine for the session's mode and moves from realtime to fallback mid-session with the transcript kept.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { UnlockedAudio } from './audio-setup';
import type { TranscriptTurn } from '../realtime/transcript-state';
import type { TransportPreference, VoiceSnapshot } from './voice-session-types';

export interface VoiceController {
  subscribe(listener: () => void): () => void;
  getSnapshot(): VoiceSnapshot;
  /**
   * Start talking. Called synchronously from the click (or, for an engine taking over mid-session, with
   * the audio the click already unlocked). `from` carries the conversation so far into the new engine.
   */
  start(options?: EngineStart): void;
  /** Hang up: stop everything; end the server session unless told not to. */
  hangUp(options?: { endOnServer?: boolean }): Promise<void>;
  /** The page is going away: beacons only. */
  leave(): void;
  /** Type instead of speaking; false when nothing was sent. */
  sendText(text: string): boolean;
  /** Stop the coach mid-sentence. */
  interrupt(): void;
  setMuted(muted: boolean): void;
  setPushToTalk(enabled: boolean): void;
  /** Push-to-talk: the microphone is live only while held. */
  holdToTalk(held: boolean): void;
  setPreference(preference: TransportPreference): void;
  /** Browser online/offline events. */
  setOnline(online: boolean): void;
  transcriptAsText(): string;
  /** 0..1 for the microphone meter (0 when muted or closed). */
  microphoneLevel(): number;
  dispose(): void;
}

export interface EngineStart {
  /** Audio unlocked inside the user's click (required when not called from a gesture). */
  audio?: UnlockedAudio;
  /** The conversation so far (a mid-session switch keeps it). */
  turns?: readonly TranscriptTurn[];
  /** Shown on the status line when the engine takes over (why the switch happened). */
  notice?: string;
}
