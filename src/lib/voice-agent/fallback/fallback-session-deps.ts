/**
 * What `FallbackSession` is built from: the token manager and telemetry, and a seam for every browser
 * API it touches (audio unlock, microphone, capture, player, fetch, the end-session calls, the clock,
 * performance marks, the meter's loader). Defaults are the browser's; tests and the e2e harness pass their own.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { PcmPlayer, PcmPlayerOptions } from '../audio/pcm-player';
import type { TelemetryClient } from '../api/telemetry-client';
import type { MeteringHooks } from '../metering/metering-link';
import type { UnlockedAudio } from '../session/audio-setup';
import type { TokenManager } from '../session/token-manager';
import type { TransportPreference } from '../session/voice-session-types';
import type { FallbackApi } from './fallback-api';
import type { MicrophoneSource } from './fallback-microphone';
import type { MicCaptureFactory } from './mic-capture';

export interface FallbackSessionDeps {
  tokens: TokenManager;
  telemetry: TelemetryClient;
  /** The fetch the endpoints use (default: the global one). */
  fetch?: typeof fetch;
  /** The endpoints' client (default: `createFallbackApi({ fetch })`). */
  api?: FallbackApi;
  unlockAudio?: () => UnlockedAudio;
  microphone?: MicrophoneSource;
  startCapture?: MicCaptureFactory;
  createPlayer?: (context: AudioContext, options: PcmPlayerOptions) => PcmPlayer;
  endSession?: (sessionId: string) => Promise<unknown>;
  endSessionOnUnload?: (sessionId: string) => unknown;
  now?: () => number;
  /** `performance.mark` (the latency benchmark reads `coach:user-speech-end` and `coach:first-audio`). */
  mark?: (name: string) => void;
  /** ISO-639-1 hint for speech-to-text (default: the model detects the language). */
  language?: string;
  preference?: TransportPreference;
  /** Loads the meter of metered sessions (default: a dynamic import; unmetered sessions never fetch it). */
  loadMeter?: MeteringHooks['load'];
}

/** `performance.mark`, never throwing (the marks are for the latency benchmark only). */
export function defaultMark(name: string): void {
  try {
    if (typeof performance !== 'undefined' && typeof performance.mark === 'function') performance.mark(name);
  } catch {
    /* marks are for the benchmark only */
  }
}
