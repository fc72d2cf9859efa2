/**
 * What the voice session shows the UI: one immutable snapshot per change (React reads it with
 * `useSyncExternalStore`). No token in here, ever.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { SearchClient } from '../api/search-client';
import type { TelemetryClient } from '../api/telemetry-client';
import type { MeteringHooks } from '../metering/metering-link';
import type { MeterView, ServerEnded } from '../metering/meter-view';
import type { TranscriptTurn } from '../realtime/transcript-state';
import { ZERO_TOKENS, type TokenTotals } from '../realtime/usage-meter';
import type { RealtimeTransport, TransportKind } from '../transports/realtime-transport';
import type { CoachMode, SearchResponse } from '../types/api';
import type { TokenManager } from './token-manager';

export type TransportPreference = 'auto' | TransportKind;

/** What a `VoiceSession` is built from (voice-session.ts). */
export interface VoiceSessionDeps {
  tokens: TokenManager;
  telemetry: TelemetryClient;
  search: SearchClient;
  createTransport(kind: TransportKind): RealtimeTransport;
  preference?: TransportPreference;
  /** Loads the meter of metered sessions (default: a dynamic import, so unmetered pages never fetch it). */
  loadMeter?: MeteringHooks['load'];
}

export type VoiceStatus =
  | 'idle' // nothing yet (a credential may be prefetched)
  | 'connecting'
  | 'connected'
  | 'reconnecting' // the connection dropped: retrying with backoff
  | 'renewing' // approaching the upstream's session cap: moving to a fresh connection
  | 'waiting' // rate-limited: retrying at `retryAt`
  | 'offline' // the browser is offline: microphone paused until it is back
  | 'fallback' // no realtime voice for this session (the fallback mode takes over)
  | 'failed'
  | 'ended';

export type MicrophoneState = 'off' | 'live' | 'muted' | 'denied' | 'unavailable';

export interface SearchActivity {
  callId: string;
  query: string;
  status: 'searching' | 'done' | 'failed';
  result?: SearchResponse;
  message?: string;
}

export interface VoiceSnapshot {
  status: VoiceStatus;
  /** Plain words for the status line (why it failed, what it is doing). */
  message?: string;
  transport?: TransportKind;
  preference: TransportPreference;
  /** Local epoch ms of the next automatic retry (rate limit countdown, reconnect backoff). */
  retryAt?: number;
  mode?: CoachMode;
  sessionId?: string;
  warnings: string[];
  microphone: MicrophoneState;
  pushToTalk: boolean;
  /** The coach's audio is playing. */
  coachSpeaking: boolean;
  /** The server heard the user start speaking (until it stops). */
  userSpeaking: boolean;
  turns: readonly TranscriptTurn[];
  searches: readonly SearchActivity[];
  usage: TokenTotals;
  /** Median end-of-speech → first coach audio, ms. */
  medianLatencyMs?: number;
  /** Stays on screen while it holds: why this conversation runs in the mode it does (a mid-session switch). */
  notice?: string;
  /** Metered sessions: the server's meter (usage, estimated cost, when it will end the session). */
  meter?: MeterView;
  /** The server ended this session (a budget, an operator): status `ended`, never a reconnect or fallback. */
  serverEnded?: ServerEnded;
}

/**
 * The snapshot every engine starts from: idle, nothing heard or said, the microphone off. `patch` holds
 * what an engine knows up front (its mode, the user's transport preference).
 */
export function initialSnapshot(patch: Partial<VoiceSnapshot> = {}): VoiceSnapshot {
  return {
    status: 'idle',
    preference: 'auto',
    warnings: [],
    microphone: 'off',
    pushToTalk: false,
    coachSpeaking: false,
    userSpeaking: false,
    turns: [],
    searches: [],
    usage: ZERO_TOKENS,
    ...patch,
  };
}
