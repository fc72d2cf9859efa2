// The emulator's side of a WebRTC call: a werift RTCPeerConnection that answers a browser's offer.
// Loaded lazily by routes/realtime-calls.mjs (werift is only imported when a call is made).
import { RTCPeerConnection, RTCRtpCodecParameters, RTCRtpHeaderExtensionParameters } from 'werift';

/** SCTP max-message-size advertised in the answer (bytes). */
export const MAX_MESSAGE_SIZE = 256 * 1024;

/** The label of the events channel the client creates (fixed by OpenAI's clients). */
export const EVENTS_CHANNEL = 'oai-events';

/**
 * werift configuration: no STUN/TURN servers (the emulator makes no network calls and browser tests
 * run on one machine), IPv4 host candidates plus loopback (so a machine with no other interface
 * still connects), a 256 KiB max-message-size, Opus only (payload type and fmtp follow the offer), and the `sdes:mid` header
 * extension so the browser can demultiplex the bundled audio by MID.
 */
export function peerConfig() {
  return {
    iceServers: [],
    iceUseIpv6: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    // like Chromium: a client may send events up to 256 KiB (e.g. conversation.item.create with an image)
    maxMessageSize: MAX_MESSAGE_SIZE,
    codecs: {
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 })],
      video: [],
    },
    headerExtensions: {
      audio: [new RTCRtpHeaderExtensionParameters({ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' })],
      video: [],
    },
  };
}

/** An offer werift could not apply (answered as 400 invalid_offer). */
export class OfferRejected extends Error {}

/**
 * Answer an SDP offer: set it as remote description, make the audio transceiver sendrecv, create the
 * answer and wait (up to `gatherTimeoutMs`) for ICE gathering to complete, so the answer carries every
 * candidate (no trickle: the HTTP answer is the only signalling there is).
 * @param {string} offerSdp
 * @param {{ gatherTimeoutMs?: number }} [o]
 * @returns {Promise<{ pc: any, audio: any, answerSdp: string }>}
 */
export async function answerOffer(offerSdp, o = {}) {
  const pc = new RTCPeerConnection(peerConfig());
  try {
    await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
  } catch (err) {
    await pc.close().catch(() => undefined);
    throw new OfferRejected(String(/** @type {any} */ (err)?.message ?? err));
  }
  try {
    const audio = pc.getTransceivers().find((t) => t.kind === 'audio');
    if (!audio) throw new OfferRejected('The offer has no usable audio m-line.');
    audio.setDirection('sendrecv');
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    if (pc.iceGatheringState !== 'complete') {
      await new Promise((resolve) => {
        const t = setTimeout(resolve, o.gatherTimeoutMs ?? 5000);
        pc.iceGatheringStateChange.subscribe((s) => {
          if (s === 'complete') {
            clearTimeout(t);
            resolve(undefined);
          }
        });
      });
    }
    return { pc, audio, answerSdp: /** @type {{ sdp: string }} */ (pc.localDescription).sdp };
  } catch (err) {
    await pc.close().catch(() => undefined);
    if (err instanceof OfferRejected) throw err;
    throw new OfferRejected(String(/** @type {any} */ (err)?.message ?? err));
  }
}

/**
 * Call `handler(channel)` once, when the client's `oai-events` data channel is open.
 * Channels with other labels are left alone (never read).
 * @param {any} pc @param {(channel: any) => void} handler
 */
export function onEventsChannel(pc, handler) {
  let done = false;
  pc.onDataChannel.subscribe((/** @type {any} */ channel) => {
    if (done || channel.label !== EVENTS_CHANNEL) return;
    const fire = () => {
      if (done) return;
      done = true;
      handler(channel);
    };
    if (channel.readyState === 'open') fire();
    else channel.stateChanged.subscribe((/** @type {string} */ s) => s === 'open' && fire());
  });
}
