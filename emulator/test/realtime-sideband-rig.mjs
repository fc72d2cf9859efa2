// Rig for the sideband tests: a werift "browser" (oai-events channel + Opus audio), the unified
// multipart POST /v1/realtime/calls made by a "server" with an sk- key, and sideband sockets.
import { RTCPeerConnection, RTCRtpCodecParameters } from 'werift';
import { REALTIME_KEY } from './helpers.mjs';
import { rawClient, sleep, until, wsUrl } from './realtime-ws-helpers.mjs';

export { until };

/** A werift peer shaped like the §2.3 browser recipe: `oai-events` channel + one Opus audio transceiver. */
export async function browserPeer() {
  const pc = new RTCPeerConnection({
    iceServers: [], iceUseIpv6: false, bundlePolicy: 'max-bundle', iceAdditionalHostAddresses: ['127.0.0.1'],
    codecs: { audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 })], video: [] },
  });
  const dc = pc.createDataChannel('oai-events');
  pc.addTransceiver('audio', { direction: 'sendrecv' });
  await pc.setLocalDescription(await pc.createOffer());
  if (pc.iceGatheringState !== 'complete') await new Promise((r) => pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && r(undefined)));
  /** @type {any[]} */ const events = [];
  let closed = false;
  dc.onMessage.subscribe((m) => events.push(JSON.parse(String(m))));
  dc.stateChanged.subscribe((s) => {
    if (s === 'closed') closed = true;
  });
  const opened = new Promise((r) => dc.stateChanged.subscribe((s) => s === 'open' && r(undefined)));
  return {
    pc, dc, events, opened, offer: /** @type {string} */ (pc.localDescription?.sdp),
    isClosed: () => closed,
    /** @param {string} sdp */
    answer: (sdp) => pc.setRemoteDescription({ type: 'answer', sdp }),
    /** @param {any} e */
    send: (e) => dc.send(typeof e === 'string' ? e : JSON.stringify(e)),
    types: () => events.map((e) => e.type),
    /** Close like a browser does: SCTP ABORT first, then the peer. */
    async close() {
      await pc.sctpTransport?.stop().catch(() => undefined);
      await sleep(30);
      await pc.close();
    },
  };
}

/**
 * The unified interface (§2.1 b): POST /v1/realtime/calls as multipart (parts sdp + session) with an sk- key.
 * @param {{ url: string }} emu @param {string} offer @param {any} [session] @param {string} [key]
 * @returns {Promise<{ status: number, callId: string, answer: string, json?: any }>}
 */
export async function createCall(emu, offer, session = { type: 'realtime', model: 'gpt-realtime-2.1' }, key = REALTIME_KEY) {
  const form = new FormData();
  form.set('sdp', new Blob([offer], { type: 'application/sdp' }));
  form.set('session', new Blob([JSON.stringify(session)], { type: 'application/json' }));
  const res = await fetch(`${emu.url}/v1/realtime/calls`, { method: 'POST', headers: { Authorization: `Bearer ${key}` }, body: form });
  const text = await res.text();
  if (res.status !== 201) return { status: res.status, callId: '', answer: '', json: JSON.parse(text) };
  return { status: res.status, callId: /** @type {string} */ (res.headers.get('location')).split('/').pop() ?? '', answer: text };
}

/**
 * A sideband socket on a call (header auth by default). `closed` resolves with { code, reason }.
 * @param {{ url: string }} emu @param {string} callId @param {{ key?: string, protocols?: string[] }} [o]
 */
export function sideband(emu, callId, o = {}) {
  return rawClient(wsUrl(emu, `call_id=${encodeURIComponent(callId)}`), o);
}

/** A live call: browser peer + unified POST; the answer is NOT applied yet (so a sideband can attach first). */
export async function pendingCall(emu, session) {
  const browser = await browserPeer();
  const created = await createCall(emu, browser.offer, session);
  if (created.status !== 201) throw new Error(`call failed: ${created.status} ${JSON.stringify(created.json)}`);
  return { browser, ...created, connect: async () => {
    await browser.answer(created.answer);
    await browser.opened;
  } };
}

/** Check the GA usage object of response.done: every field present and the sums consistent. @param {any} u */
export function usageProblems(u) {
  const problems = [];
  const i = u?.input_token_details;
  const o = u?.output_token_details;
  const c = i?.cached_tokens_details;
  const ints = { total: u?.total_tokens, input: u?.input_tokens, output: u?.output_tokens, inText: i?.text_tokens, inAudio: i?.audio_tokens,
    inImage: i?.image_tokens, cached: i?.cached_tokens, cText: c?.text_tokens, cAudio: c?.audio_tokens, cImage: c?.image_tokens,
    outText: o?.text_tokens, outAudio: o?.audio_tokens };
  for (const [k, v] of Object.entries(ints)) if (!Number.isInteger(v) || v < 0) problems.push(`${k} is ${v}`);
  if (problems.length) return problems;
  if (u.total_tokens !== u.input_tokens + u.output_tokens) problems.push('total ≠ input + output');
  if (u.input_tokens !== i.text_tokens + i.audio_tokens + i.image_tokens) problems.push('input ≠ text + audio + image');
  if (u.output_tokens !== o.text_tokens + o.audio_tokens) problems.push('output ≠ text + audio');
  if (i.cached_tokens > u.input_tokens) problems.push('cached > input');
  if (i.cached_tokens !== c.text_tokens + c.audio_tokens + c.image_tokens) problems.push('cached ≠ sum of cached details');
  if (c.text_tokens > i.text_tokens || c.audio_tokens > i.audio_tokens || c.image_tokens > i.image_tokens) problems.push('a cached modality exceeds its input');
  return problems;
}
