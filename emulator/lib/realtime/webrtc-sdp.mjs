// Light SDP checks done before an offer reaches werift, so a bad offer gets a clear 400 instead of a
// parser stack trace. No dependencies: the route imports this eagerly, werift only when a call is made.

/**
 * @typedef {object} MediaSection
 * @property {string} kind        'audio' | 'video' | 'application' | …
 * @property {number} port
 * @property {string} proto
 * @property {string[]} formats
 * @property {string[]} attributes  the `a=` lines of the section, without `a=`
 */

/**
 * @typedef {object} OfferSummary
 * @property {MediaSection|null} audio        the first audio section that is not rejected (port 0)
 * @property {MediaSection|null} application  the first `webrtc-datachannel` section
 * @property {number|null} opusPayloadType    payload type of `opus/48000/2` in the audio section
 */

/** Split an SDP document into session attributes and media sections. @param {string} sdp */
export function parseSdp(sdp) {
  const lines = sdp.split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l.length);
  /** @type {string[]} */
  const session = [];
  /** @type {MediaSection[]} */
  const media = [];
  for (const line of lines) {
    if (line.startsWith('m=')) {
      const [kind, port, proto, ...formats] = line.slice(2).split(/\s+/);
      media.push({ kind, port: Number(port), proto: proto ?? '', formats, attributes: [] });
    } else if (line.startsWith('a=')) {
      (media.length ? media[media.length - 1].attributes : session).push(line.slice(2));
    }
  }
  return { lines, session, media };
}

/** @param {MediaSection} m @param {string} name */
const attr = (m, name) => m.attributes.find((a) => a === name || a.startsWith(`${name}:`)) ?? null;

const HINT = 'Please try again with a WHIP-compliant offer.';

/**
 * Check an SDP offer for what the realtime peer needs. Returns `{ ok: true, summary }` or
 * `{ ok: false, message }` where `message` is a complete OpenAI-style error message.
 * @param {string} text
 * @returns {{ ok: true, summary: OfferSummary } | { ok: false, message: string }}
 */
export function checkOffer(text) {
  const fail = (/** @type {string} */ detail) => ({ ok: /** @type {const} */ (false), message: `Invalid SDP offer. ${HINT} ${detail}` });
  const sdp = String(text ?? '').trim();
  if (!sdp) return fail('The request body is empty: send the SDP of RTCPeerConnection.createOffer() as the raw body (Content-Type: application/sdp).');
  const { lines, session, media } = parseSdp(sdp);
  if (lines[0] !== 'v=0') return fail("The body is not an SDP document: it must start with the line 'v=0'.");
  const bad = lines.find((l) => !/^[a-z]=/.test(l));
  if (bad) return fail(`The body is not an SDP document: line '${bad.slice(0, 60)}' is not of the form '<letter>=<value>'.`);
  if (!media.length) return fail('The offer has no media sections (m= lines).');

  const audio = media.find((m) => m.kind === 'audio' && m.port !== 0) ?? null;
  if (!audio) return fail("The offer has no audio m-line: add a microphone track (pc.addTrack) or pc.addTransceiver('audio') before createOffer().");
  const application = media.find((m) => m.kind === 'application' && /webrtc-datachannel/i.test(m.formats.join(' ')) && m.port !== 0) ?? null;
  if (!application) return fail("The offer has no data channel m-line: call pc.createDataChannel('oai-events') before createOffer().");
  const other = media.find((m) => m.port !== 0 && m.kind !== 'audio' && m !== application);
  if (other) return fail(`The offer has a ${other.kind} m-line; a realtime call carries one audio track and the 'oai-events' data channel only.`);
  if (!/UDP\/TLS\/RTP\/SAVPF|RTP\/SAVPF/i.test(audio.proto)) return fail(`The audio m-line uses transport '${audio.proto}'; WebRTC needs UDP/TLS/RTP/SAVPF.`);

  let opusPayloadType = null;
  for (const a of audio.attributes) {
    const m = /^rtpmap:(\d+)\s+opus\/48000(?:\/\d+)?$/i.exec(a);
    if (m && audio.formats.includes(m[1])) {
      opusPayloadType = Number(m[1]);
      break;
    }
  }
  if (opusPayloadType === null) return fail('The audio m-line does not offer Opus (a=rtpmap:<pt> opus/48000/2); this emulator speaks Opus only.');

  const has = (/** @type {string} */ name) => session.some((a) => a === name || a.startsWith(`${name}:`)) || media.some((m) => attr(m, name));
  if (!has('ice-ufrag') || !has('ice-pwd')) return fail('The offer has no ICE credentials (a=ice-ufrag / a=ice-pwd).');
  if (!has('fingerprint')) return fail('The offer has no DTLS fingerprint (a=fingerprint).');
  return { ok: true, summary: { audio, application, opusPayloadType } };
}
