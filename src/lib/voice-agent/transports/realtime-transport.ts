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
  /**
   * Every server event, in order. Events that arrived before the first handler (`session.created`
   * comes with the connection) are delivered to it when it is registered.
   */
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

/** A Retry-After beyond this is not waited out on screen (the SDK's own limit, protocol brief §10). */
const MAX_RETRY_AFTER_SECONDS = 60;

/** Response headers as a function (a fetch `Headers`' `get`), or a bare `Retry-After` value. */
type RetryHeaders = string | null | ((name: string) => string | null);

/**
 * Seconds to wait before retrying, from `retry-after-ms` then `Retry-After` (whole seconds or an HTTP
 * date), as the openai SDK reads them (protocol brief §10). Missing, invalid or above 60 s → undefined.
 */
export function retryAfterSeconds(headers: RetryHeaders, now: number = Date.now()): number | undefined {
  const get = typeof headers === 'function' ? headers : (name: string) => (name === 'retry-after' ? headers : null);
  const ms = Number(get('retry-after-ms') ?? Number.NaN);
  let seconds = Number.isFinite(ms) && ms > 0 ? ms / 1000 : Number.NaN;
  if (!Number.isFinite(seconds)) {
    const raw = get('retry-after')?.trim();
    if (raw) seconds = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : (Date.parse(raw) - now) / 1000;
  }
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_RETRY_AFTER_SECONDS) return undefined;
  return Math.ceil(seconds);
}

/** Maps a failed SDP exchange / handshake answer to a reason and a plain-words message. */
export function failureFromResponse(status: number, body: unknown, retryAfter: RetryHeaders): TransportError {
  const error = (body as { error?: { message?: unknown; code?: unknown } } | null)?.error;
  const code = typeof error?.code === 'string' ? error.code : undefined;
  const detail = typeof error?.message === 'string' ? error.message : `HTTP ${status}`;
  if (status === 401) return new TransportError('token_expired', 'The voice credential has expired or was refused.', status);
  if (status === 403 && code === 'model_not_found') {
    return new TransportError('no_realtime_access', 'This API key has no access to the realtime voice model.', status);
  }
  if (status === 429 && code === 'insufficient_quota') {
    // Billing, not load: waiting does not help (protocol brief §10: do not retry).
    return new TransportError('upstream_error', 'The OpenAI account behind the coach has run out of credit, so live voice is unavailable.', status);
  }
  if (status === 429) {
    return new TransportError('rate_limited', 'OpenAI is rate-limiting voice sessions right now.', status, retryAfterSeconds(retryAfter));
  }
  if (status >= 500) return new TransportError('upstream_error', `The voice service is having trouble (${detail}).`, status);
  return new TransportError('sdp_refused', `The voice service refused the connection: ${detail}`, status);
}

/** How many events are kept for the first subscriber (a connection's opening burst is a handful). */
const MAX_EARLY_EVENTS = 256;

export interface EventHub<T> {
  emit(event: T): void;
  /** Events emitted before the first subscription are handed to it at once (synchronously, in order). */
  subscribe(handler: (event: T) => void): () => void;
}

/**
 * The transports' event fan-out. The session subscribes once `connect()` has resolved, but the server
 * speaks first: `session.created` (with `expires_at`, which the session-cap renewal is scheduled from)
 * arrives with the connection — on WebSocket it is what completes `connect()`. Events emitted before the
 * first subscriber are therefore kept and delivered to it, so nothing said at the start is lost. After
 * that, events with nobody subscribed are dropped.
 */
export function createEventHub<T>(maxEarly = MAX_EARLY_EVENTS): EventHub<T> {
  const handlers = new Set<(event: T) => void>();
  let early: T[] | undefined = [];
  return {
    emit(event) {
      if (early) {
        if (early.length < maxEarly) early.push(event);
        return;
      }
      for (const handler of handlers) handler(event);
    },
    subscribe(handler) {
      handlers.add(handler);
      if (early) {
        const pending = early;
        early = undefined;
        for (const event of pending) handler(event);
      }
      return () => handlers.delete(handler);
    },
  };
}
