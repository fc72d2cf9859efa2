/**
 * WebRTC transport (the default): the microphone as an audio track, the coach's voice as the remote
 * track, GA events as JSON on the `oai-events` data channel. Connecting is one HTTP round trip: the SDP
 * offer is posted to `{realtime url}/calls` with the ephemeral token (protocol brief §2.1, §2.3).
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import {
  TransportError,
  createEventHub,
  failureFromResponse,
  type RealtimeTransport,
  type TransportClose,
  type TransportConnectOptions,
  type WireEvent,
} from './realtime-transport';

const DEFAULT_TIMEOUT_MS = 8_000;
/** Like the reference SDK: a `disconnected` peer gets a few seconds to recover before we call it lost. */
const DISCONNECTED_GRACE_MS = 5_000;

export function createWebRtcTransport(): RealtimeTransport {
  let pc: RTCPeerConnection | undefined;
  let channel: RTCDataChannel | undefined;
  let connected = false;
  let closedByUs = false;
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  const events = createEventHub<WireEvent>();
  const closeHandlers = new Set<(info: TransportClose) => void>();

  function emitClose(info: TransportClose) {
    if (closedByUs || !connected) return;
    connected = false;
    teardown();
    for (const handler of closeHandlers) handler(info);
  }

  function teardown() {
    clearTimeout(graceTimer);
    try {
      channel?.close();
    } catch {
      /* already closed */
    }
    pc?.close();
  }

  async function connect(options: TransportConnectOptions): Promise<void> {
    if (typeof RTCPeerConnection === 'undefined') throw new TransportError('unsupported_browser', 'This browser cannot make WebRTC calls.');
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const abort = new AbortController();
    const onCallerAbort = () => abort.abort();
    options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const timer = setTimeout(() => abort.abort(), timeoutMs);

    pc = new RTCPeerConnection();
    const peer = pc;
    channel = peer.createDataChannel('oai-events');
    const dc = channel;
    const [track] = options.microphone.getAudioTracks();
    if (track) peer.addTrack(track, options.microphone);
    else peer.addTransceiver('audio', { direction: 'recvonly' });
    peer.ontrack = (event) => {
      options.audioElement.srcObject = event.streams[0] ?? new MediaStream([event.track]);
      void options.audioElement.play().catch(() => undefined); // unlocked in the click; a refusal shows as no audio
    };
    dc.onmessage = (message) => {
      let event: unknown;
      try {
        event = JSON.parse(String(message.data));
      } catch {
        return; // not ours to crash on: the server never sends non-JSON
      }
      if (event && typeof event === 'object' && typeof (event as WireEvent).type === 'string') {
        events.emit(event as WireEvent);
      }
    };

    try {
      const offer = await peer.createOffer();
      // Posted at once, like the reference clients: the server side is ICE-lite and learns our address
      // from our connectivity checks, so waiting for gathering would only add latency (bench/voice).
      await peer.setLocalDescription(offer);
      const response = await fetch(`${options.target.url}/calls`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${options.token}`, 'Content-Type': 'application/sdp' },
        body: peer.localDescription?.sdp ?? offer.sdp,
        signal: abort.signal,
        credentials: 'omit',
        cache: 'no-store',
      });
      if (!response.ok) {
        const body = await response.json().catch(() => null);
        throw failureFromResponse(response.status, body, (name) => response.headers.get(name));
      }
      await peer.setRemoteDescription({ type: 'answer', sdp: await response.text() });
      await channelOpen(dc, peer, abort.signal);
    } catch (error) {
      teardown();
      if (error instanceof TransportError) throw error;
      if (options.signal?.aborted) throw new TransportError('connect_timeout', 'Connecting was cancelled.');
      if (abort.signal.aborted) throw new TransportError('connect_timeout', `No voice connection within ${Math.round(timeoutMs / 1000)} s.`);
      if (error instanceof TypeError) throw new TransportError('connect_timeout', 'The voice service could not be reached.');
      throw new TransportError('ice_failed', error instanceof Error ? error.message : 'The voice connection failed.');
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onCallerAbort);
    }

    connected = true;
    dc.onclose = () => emitClose({ reason: 'connection_lost', message: 'The voice connection closed.' });
    peer.onconnectionstatechange = () => {
      const state = peer.connectionState;
      if (state === 'failed') emitClose({ reason: 'connection_lost', message: 'The voice connection failed.' });
      else if (state === 'disconnected') {
        clearTimeout(graceTimer);
        graceTimer = setTimeout(() => emitClose({ reason: 'connection_lost', message: 'The voice connection dropped.' }), DISCONNECTED_GRACE_MS);
      } else if (state === 'connected') clearTimeout(graceTimer);
    };
  }

  return {
    kind: 'webrtc',
    connect,
    send(event) {
      if (!connected || channel?.readyState !== 'open') return false;
      channel.send(JSON.stringify(event));
      return true;
    },
    onEvent: (handler) => events.subscribe(handler),
    onClose(handler) {
      closeHandlers.add(handler);
      return () => closeHandlers.delete(handler);
    },
    setMicrophoneEnabled(enabled) {
      for (const sender of pc?.getSenders() ?? []) if (sender.track?.kind === 'audio') sender.track.enabled = enabled;
    },
    stopPlayback() {
      // The server owns the audio buffer on WebRTC: `output_audio_buffer.clear` (sent by the session)
      // cuts it and the server truncates to what was played.
      return undefined;
    },
    async inboundAudio() {
      if (!pc) return null;
      const stats = await pc.getStats();
      for (const report of stats.values()) {
        if (report.type === 'inbound-rtp' && report.kind === 'audio') {
          return { packetsReceived: Number(report.packetsReceived ?? 0), level: Number(report.audioLevel ?? 0) };
        }
      }
      return null;
    },
    close() {
      closedByUs = true;
      connected = false;
      teardown();
    },
  };
}

function channelOpen(dc: RTCDataChannel, pc: RTCPeerConnection, signal: AbortSignal): Promise<void> {
  if (dc.readyState === 'open') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      dc.removeEventListener('open', onOpen);
      pc.removeEventListener('connectionstatechange', onState);
      signal.removeEventListener('abort', onAbort);
    };
    const onOpen = () => {
      cleanup();
      resolve();
    };
    const onState = () => {
      if (pc.connectionState === 'failed') {
        cleanup();
        reject(new TransportError('ice_failed', 'No network path to the voice service (WebRTC blocked?).'));
      }
    };
    const onAbort = () => {
      cleanup();
      reject(new DOMException('aborted', 'AbortError'));
    };
    dc.addEventListener('open', onOpen);
    pc.addEventListener('connectionstatechange', onState);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
