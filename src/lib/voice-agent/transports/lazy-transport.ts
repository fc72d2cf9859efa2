/**
 * A transport whose code loads only when it is first used: the WebSocket transport (with its audio
 * pipeline and AudioWorklet) is needed only where WebRTC cannot connect, so it stays out of the page's
 * initial JavaScript (docs/benchmarks.md: /coach is close to its 100 KB budget).
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { TransportError, createEventHub, type RealtimeTransport, type TransportClose, type TransportKind, type WireEvent } from './realtime-transport';

export function lazyTransport(kind: TransportKind, load: () => Promise<() => RealtimeTransport>): RealtimeTransport {
  let inner: RealtimeTransport | undefined;
  let closed = false;
  // Like the transports themselves: what the server says before anyone subscribes (`session.created`
  // completes a WebSocket connect) is kept for the first subscriber.
  const events = createEventHub<WireEvent>();
  const closeHandlers = new Set<(info: TransportClose) => void>();

  return {
    kind,
    async connect(options) {
      let create: () => RealtimeTransport;
      try {
        create = await load();
      } catch {
        throw new TransportError('unsupported_browser', 'The connection code could not be loaded. Check your network and try again.');
      }
      if (closed) throw new TransportError('connect_timeout', 'Cancelled.');
      inner = create();
      inner.onEvent((event) => events.emit(event));
      inner.onClose((info) => closeHandlers.forEach((h) => h(info)));
      return inner.connect(options);
    },
    send: (event) => inner?.send(event) ?? false,
    onEvent: (handler) => events.subscribe(handler),
    onClose(handler) {
      closeHandlers.add(handler);
      return () => closeHandlers.delete(handler);
    },
    setMicrophoneEnabled: (enabled) => inner?.setMicrophoneEnabled(enabled),
    stopPlayback: () => inner?.stopPlayback(),
    inboundAudio: () => inner?.inboundAudio() ?? Promise.resolve(null),
    close() {
      closed = true;
      inner?.close();
    },
  };
}
