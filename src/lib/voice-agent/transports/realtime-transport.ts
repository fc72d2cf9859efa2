/**
 * The seam between the voice session and the wire: WebRTC (default; audio as media tracks, events on the
 * `oai-events` data channel) or WebSocket (events and PCM16 audio as JSON; used when WebRTC cannot connect,
 * e.g. UDP blocked on a corporate network). Both carry the same GA event protocol; the session above
 * never knows which one it talks to.
 *
 * Hand-written rather than `@openai/agents-realtime`'s transports: on connect those always send a full
 * `session.update` built from client-side defaults (voice, transcription, turn detection), which would
 * override the configuration the server bound to the token, and they wait for the `session.updated` reply
 * before resolving — an extra round trip on every connect. See docs/benchmarks.md for the size and
 * latency figures.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { RealtimeTarget } from '../types/api';

export type TransportKind = 'webrtc' | 'websocket';

/** Why a transport could not connect or stopped; mirrors the telemetry reasons the server accepts. */
export type TransportFailureReason =
  | 'sdp_refused'
  | 'no_realtime_access'
  | 'ice_failed'
  | 'connect_timeout'
  | 'connection_lost'
  | 'token_expired'
  | 'session_expired'
  | 'rate_limited'
  | 'upstream_error'
  | 'unsupported_browser';

export class TransportError extends Error {
  constructor(
    readonly reason: TransportFailureReason,
    message: string,
    /** HTTP status of the SDP exchange or handshake, when there was one. */
    readonly status?: number,
    /** Seconds, from a 429's Retry-After. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

export interface TransportConnectOptions {
  /** The ephemeral client secret (`ek_…`). Secret: never logged. */
  token: string;
  target: RealtimeTarget;
  /** The microphone, already opened (echoCancellation/noiseSuppression/autoGainControl requested). */
  microphone: MediaStream;
  /**
   * Created and `play()`ed inside the user's click, so iOS/Safari let it make sound later; the WebRTC
   * transport plays the coach's track through it.
   */
  audioElement: HTMLAudioElement;
  /** Resumed inside the user's click (iOS); the WebSocket transport captures and plays through it. */
  audioContext: AudioContext;
  /** Give up connecting after this long (default 8 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface TransportClose {
  reason: TransportFailureReason | 'closed';
  message?: string;
}

/** One server event as received (parsed JSON); the conversation layer validates it. */
export type WireEvent = { type: string } & Record<string, unknown>;

export interface RealtimeTransport {
  readonly kind: TransportKind;
  /** Resolves when events can flow both ways; rejects with a `TransportError`. */
  connect(options: TransportConnectOptions): Promise<void>;
  /** Sends one client event; false when not connected. */
  send(event: { type: string } & Record<string, unknown>): boolean;
  onEvent(handler: (event: WireEvent) => void): () => void;
  /** Called once, when a connected transport stops (not after `close()`). */
  onClose(handler: (info: TransportClose) => void): () => void;
  /** Mute: the track keeps running (no re-prompt), but sends silence. */
  setMicrophoneEnabled(enabled: boolean): void;
  /**
   * Stop the coach's audio now (barge-in or the stop button). Returns how many ms of the current
   * assistant item the user heard, when the transport knows (WebSocket plays audio itself; WebRTC
   * leaves that to the server, which cuts on `output_audio_buffer.clear`).
   */
  stopPlayback(): { itemId: string; playedMs: number } | undefined;
  /** Inbound audio figures for the UI and tests (`packetsReceived`, level 0..1). */
  inboundAudio(): Promise<{ packetsReceived: number; level: number } | null>;
  close(): void;
}

/** Maps a failed SDP exchange / handshake answer to a reason and a plain-words message. */
export function failureFromResponse(status: number, body: unknown, retryAfter: string | null): TransportError {
  const error = (body as { error?: { message?: unknown; code?: unknown } } | null)?.error;
  const code = typeof error?.code === 'string' ? error.code : undefined;
  const detail = typeof error?.message === 'string' ? error.message : `HTTP ${status}`;
  if (status === 401) return new TransportError('token_expired', 'The voice credential has expired or was refused.', status);
  if (status === 403 && code === 'model_not_found') {
    return new TransportError('no_realtime_access', 'This API key has no access to the realtime voice model.', status);
  }
  if (status === 429) {
    const seconds = Number(retryAfter);
    return new TransportError('rate_limited', 'OpenAI is rate-limiting voice sessions right now.', status, Number.isFinite(seconds) && seconds > 0 ? seconds : undefined);
  }
  if (status >= 500) return new TransportError('upstream_error', `The voice service is having trouble (${detail}).`, status);
  return new TransportError('sdp_refused', `The voice service refused the connection: ${detail}`, status);
}
