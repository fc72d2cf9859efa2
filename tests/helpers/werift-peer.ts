/**
 * A WebRTC peer in Node (werift) shaped like the browser recipe (protocol brief §2.3): an `oai-events`
 * data channel and one Opus audio transceiver. Integration tests use it to set up a real call through
 * the app's `/api/voice-agent/calls` without a browser; the Chromium tests cover the page itself.
 */
import { RTCPeerConnection, RTCRtpCodecParameters } from 'werift';

export interface NodePeer {
  offer: string;
  events: Array<{ type: string } & Record<string, unknown>>;
  opened: Promise<void>;
  /** Resolves when the data channel closes (hang-up, or the far end went away). */
  closed: Promise<void>;
  answer(sdp: string): Promise<void>;
  send(event: Record<string, unknown>): void;
  waitFor(type: string, timeoutMs?: number): Promise<{ type: string } & Record<string, unknown>>;
  close(): Promise<void>;
}

export async function createNodePeer(): Promise<NodePeer> {
  const pc = new RTCPeerConnection({
    iceServers: [],
    iceUseIpv6: false,
    bundlePolicy: 'max-bundle',
    iceAdditionalHostAddresses: ['127.0.0.1'],
    codecs: { audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 })], video: [] },
  });
  const dc = pc.createDataChannel('oai-events');
  pc.addTransceiver('audio', { direction: 'sendrecv' });
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== 'complete') {
    await new Promise<void>((resolve) => pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && resolve()));
  }
  const events: NodePeer['events'] = [];
  const waiters = new Set<() => void>();
  dc.onMessage.subscribe((message) => {
    events.push(JSON.parse(String(message)));
    for (const wake of waiters) wake();
  });
  const opened = new Promise<void>((resolve) => dc.stateChanged.subscribe((s) => s === 'open' && resolve()));
  const closed = new Promise<void>((resolve) => {
    dc.stateChanged.subscribe((s) => s === 'closed' && resolve());
    pc.connectionStateChange.subscribe((s) => (s === 'closed' || s === 'failed' || s === 'disconnected') && resolve());
  });
  return {
    offer: pc.localDescription!.sdp,
    events,
    opened,
    closed,
    answer: (sdp) => pc.setRemoteDescription({ type: 'answer', sdp }),
    send: (event) => dc.send(JSON.stringify(event)),
    waitFor(type, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find((e) => e.type === type);
          if (!found) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${type} within ${timeoutMs} ms (saw ${events.map((e) => e.type).join(', ')})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      // Like a browser: SCTP ABORT first (werift's own close() would not tell the far end).
      await pc.sctpTransport?.stop().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 30));
      await pc.close();
    },
  };
}
