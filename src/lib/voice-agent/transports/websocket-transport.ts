/**
 * WebSocket transport (the fallback when WebRTC cannot connect): GA events as JSON text frames both ways,
 * audio inside them as base64 PCM16 24 kHz mono (protocol brief §3). The app owns the audio here: the
 * microphone is captured by an AudioWorklet and sent as `input_audio_buffer.append`; the coach's
 * `response.output_audio.delta` chunks are played through the caller's AudioContext. Because the
 * transport plays the audio itself, it knows what the user heard: `stopPlayback()` returns it, and the
 * session sends `conversation.item.truncate` with that `audio_end_ms`.
 *
 * Browsers cannot set handshake headers, so the ephemeral key travels as a subprotocol:
 * `['realtime', 'openai-insecure-api-key.<ek_…>']`; a metered session connects to the app's relay instead,
 * with its session token there (websocket-handshake.ts). Connected means open AND the first `session.created`.
 *
 * Every server event is forwarded unchanged to `onEvent`; the transport adds app events on the same
 * channel: `app.first_audio` (an item's first sample reached the speaker), `app.audio_played` (about every
 * 250 ms while playing, and at a cut), `app.playback_ended` (drained or cut).
 *
 * Browser-only module: never import from `src/server/**` here. No Node APIs either: the WebSocket
 * constructor and the audio pipeline are injectable (`createWebSocketTransport(deps)`) so the wire logic is
 * tested in Node against a real `ws` server with a fake pipeline.
 */
import { createWebAudioPipeline, AudioPipelineUnsupportedError, type AudioPipeline, type AudioPipelineFactory, type AudioPipelineHooks } from '../audio/audio-pipeline';
import { createOutputAudioRouter } from '../audio/output-audio-router';
import { encodePcm16Base64 } from '../audio/pcm16';
import {
  TransportError,
  createEventHub,
  type RealtimeTransport,
  type TransportClose,
  type TransportConnectOptions,
  type WireEvent,
} from './realtime-transport';
import { failureBeforeSession, realtimeSubprotocols, realtimeWebSocketUrl } from './websocket-handshake';

const DEFAULT_TIMEOUT_MS = 8_000;
/** `WebSocket.OPEN` (fakes and `ws` agree on the number; not every fake has the static). */
const OPEN = 1;
const CONNECTING = 0;
/**
 * When the socket cannot keep up (a stalled network), microphone chunks are dropped rather than queued
 * without bound: 1 MiB of unsent data is about 16 s of base64 audio, far past any useful turn.
 */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/** The part of the WHATWG WebSocket the transport uses (the browser's, or `ws` in Node tests). */
export interface WebSocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string; wasClean?: boolean }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructorLike = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface WebSocketTransportDeps {
  /** Default `globalThis.WebSocket`. */
  WebSocketImpl?: WebSocketConstructorLike;
  /** Default the Web Audio pipeline (AudioWorklet capture + PcmPlayer). */
  createAudioPipeline?: AudioPipelineFactory;
}

/** The WebSocket transport has one extra: the microphone level it measures while capturing. */
export interface WebSocketTransport extends RealtimeTransport {
  readonly kind: 'websocket';
  /** Microphone level 0..1 of the last captured chunk (0 while muted or not connected). */
  microphoneLevel(): number;
}

export { realtimeSubprotocols, realtimeWebSocketUrl };

export function createWebSocketTransport(deps: WebSocketTransportDeps = {}): WebSocketTransport {
  let socket: WebSocketLike | undefined;
  let pipeline: AudioPipeline | undefined;
  let state: 'idle' | 'connecting' | 'connected' | 'closed' = 'idle';
  let closedByUs = false;
  let microphoneEnabled = true;
  let sessionExpired: string | undefined;
  /** Aborts an in-flight connect (from `close()`). */
  let abortConnect: ((error: TransportError) => void) | undefined;
  const audio = createOutputAudioRouter();
  const events = createEventHub<WireEvent>();
  const closeHandlers = new Set<(info: TransportClose) => void>();

  function emit(event: WireEvent) {
    if (state === 'closed') return;
    events.emit(event);
  }

  const hooks: AudioPipelineHooks = {
    onCapture(pcm) {
      if (state !== 'connected' || !microphoneEnabled || !socket || socket.readyState !== OPEN) return;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) return;
      socket.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: encodePcm16Base64(pcm) }));
    },
    onFirstAudio: (itemId) => emit({ type: 'app.first_audio', itemId }),
    onProgress: (itemId, playedMs) => emit({ type: 'app.audio_played', itemId, playedMs }),
    onDrained(itemId) {
      audio.drained(itemId);
      emit({ type: 'app.playback_ended', itemId });
    },
  };

  function handleServerEvent(event: WireEvent) {
    if (event.type === 'error') {
      const error = event.error as { code?: unknown; message?: unknown } | undefined;
      if (error?.code === 'session_expired') sessionExpired = typeof error.message === 'string' ? error.message : 'The voice session reached its time limit.';
    }
    audio.handle(event);
  }

  function teardown() {
    pipeline?.close();
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = null;
      // Closing a socket that is still connecting fails it with an error event; nothing left to tell anyone.
      socket.onerror = () => undefined;
      if (socket.readyState === OPEN || socket.readyState === CONNECTING) {
        try {
          socket.close(1000);
        } catch {
          /* already closing */
        }
      }
    }
    audio.clear();
  }

  function connectionClosed(info: TransportClose) {
    if (state !== 'connected' || closedByUs) return;
    state = 'closed';
    teardown();
    for (const handler of closeHandlers) handler(info);
  }

  async function connect(options: TransportConnectOptions): Promise<void> {
    if (state !== 'idle') throw new TransportError('connect_timeout', 'This voice connection was already used; start a new one.');
    const Impl = deps.WebSocketImpl ?? (globalThis.WebSocket as unknown as WebSocketConstructorLike | undefined);
    if (!Impl) throw new TransportError('unsupported_browser', 'This browser cannot open WebSocket connections.');
    if (options.signal?.aborted) throw new TransportError('connect_timeout', 'Connecting was cancelled.');
    state = 'connecting';
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

    let ws: WebSocketLike;
    try {
      ws = new Impl(realtimeWebSocketUrl(options.target), realtimeSubprotocols(options.token));
    } catch {
      state = 'closed';
      throw new TransportError('connect_timeout', 'The voice service address is not a valid WebSocket URL.');
    }
    socket = ws;

    const pipelineReady = (deps.createAudioPipeline ?? createWebAudioPipeline)(options.audioContext, options.microphone, hooks, {
      captureEnabled: microphoneEnabled,
    }).then((created) => {
      if (state === 'closed') {
        created.close();
        return;
      }
      pipeline = created;
      created.setCaptureEnabled(microphoneEnabled); // muted while the pipeline was starting
      audio.attach(created);
    });

    const sessionReady = new Promise<void>((resolve, reject) => {
      let opened = false;
      let serverError: { code?: string; message?: string } | undefined;
      ws.onopen = () => {
        opened = true;
      };
      ws.onmessage = (message) => {
        if (typeof message.data !== 'string') return; // the protocol has text frames only
        let event: unknown;
        try {
          event = JSON.parse(message.data);
        } catch {
          return;
        }
        if (!event || typeof event !== 'object' || typeof (event as WireEvent).type !== 'string') return;
        const wire = event as WireEvent;
        if (state === 'connecting' && wire.type === 'error') {
          const error = wire.error as { code?: unknown; message?: unknown } | undefined;
          serverError = { code: typeof error?.code === 'string' ? error.code : undefined, message: typeof error?.message === 'string' ? error.message : undefined };
        }
        emit(wire);
        handleServerEvent(wire);
        if (wire.type === 'session.created') resolve();
      };
      ws.onerror = () => undefined; // a close event always follows; it carries what little there is
      ws.onclose = (event) => {
        if (state === 'connected') {
          connectionClosed(
            sessionExpired !== undefined
              ? { reason: 'session_expired', message: sessionExpired }
              : { reason: 'connection_lost', message: `The voice connection closed (${event.code}${event.reason ? ` ${event.reason}` : ''}).` },
          );
          return;
        }
        const failure = failureBeforeSession(opened, event, serverError);
        reject(failure);
        abortConnect?.(failure); // also when the session had started but the audio pipeline was not ready yet
      };
    });

    let timer: ReturnType<typeof setTimeout> | undefined;
    const onCallerAbort = () => abortConnect?.(new TransportError('connect_timeout', 'Connecting was cancelled.'));
    const stopped = new Promise<never>((_, reject) => {
      abortConnect = reject;
      timer = setTimeout(() => reject(new TransportError('connect_timeout', `No voice connection within ${Math.round(timeoutMs / 1000)} s.`)), timeoutMs);
    });
    options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    // Whichever loses the race must not surface as an unhandled rejection.
    sessionReady.catch(() => undefined);
    pipelineReady.catch(() => undefined);
    stopped.catch(() => undefined);

    try {
      await Promise.race([Promise.all([sessionReady, pipelineReady.catch(pipelineFailure)]), stopped]);
    } catch (error) {
      state = 'closed';
      teardown();
      if (error instanceof TransportError) throw error;
      throw new TransportError('upstream_error', error instanceof Error ? error.message : 'The voice connection failed.');
    } finally {
      clearTimeout(timer);
      abortConnect = undefined;
      options.signal?.removeEventListener('abort', onCallerAbort);
    }
    state = 'connected';
  }

  return {
    kind: 'websocket',
    connect,
    send(event) {
      if (state !== 'connected' || !socket || socket.readyState !== OPEN) return false;
      socket.send(JSON.stringify(event));
      return true;
    },
    onEvent: (handler) => events.subscribe(handler),
    onClose(handler) {
      closeHandlers.add(handler);
      return () => closeHandlers.delete(handler);
    },
    setMicrophoneEnabled(enabled) {
      microphoneEnabled = enabled;
      pipeline?.setCaptureEnabled(enabled);
    },
    stopPlayback() {
      // Every item that has had audio is cut (its late deltas are dropped), whichever one was audible.
      const cut = audio.stop();
      if (!cut) return undefined;
      // After the caller has the figure (it may be inside its own event handler): report the final position.
      queueMicrotask(() => {
        emit({ type: 'app.audio_played', itemId: cut.itemId, playedMs: cut.playedMs });
        emit({ type: 'app.playback_ended', itemId: cut.itemId });
      });
      return { itemId: cut.itemId, playedMs: cut.playedMs };
    },
    async inboundAudio() {
      if (!pipeline) return null;
      return { packetsReceived: audio.packetsPlayed(), level: pipeline.outputLevel() };
    },
    microphoneLevel() {
      return state === 'connected' && microphoneEnabled && pipeline ? pipeline.inputLevel() : 0;
    },
    close() {
      closedByUs = true;
      abortConnect?.(new TransportError('connect_timeout', 'Connecting was cancelled.'));
      const wasOpen = state !== 'idle';
      state = 'closed';
      if (wasOpen) teardown();
    },
  };
}

function pipelineFailure(error: unknown): never {
  if (error instanceof TransportError) throw error;
  if (error instanceof AudioPipelineUnsupportedError) throw new TransportError('unsupported_browser', error.message);
  const detail = error instanceof Error ? error.message : String(error);
  throw new TransportError('unsupported_browser', `The browser could not start audio processing (${detail}).`);
}
