// One WebRTC call as a transport-neutral "wire" for the realtime session engine.
//
// - events: JSON text on the client's `oai-events` data channel, one event per message, both ways;
// - mic audio: Opus RTP from the browser → opusscript → mono PCM16 24 kHz, one chunk per packet (~20 ms);
// - model audio: PCM16 24 kHz queued by the engine → Opus → RTP, paced in real time, 20 ms per packet.
//
// Idle audio (documented in README "### WebRTC"): by default the wire keeps the outbound RTP stream
// running while nothing plays, sending a 3-byte Opus silence frame every 20 ms, as browser and most
// server WebRTC peers do (libwebrtc, aiortc, werift tracks). The RTP clock, sequence numbers and
// timestamps then advance without gaps; the marker bit is set on the first packet of the stream and on
// the first packet of each burst of queued audio (a talkspurt). `idleAudio: 'none'` sends nothing while
// idle instead: the sequence number stays contiguous, the timestamp jumps by the idle time, and each
// burst starts with the marker bit (RFC 3551 silence suppression).
import { RtpHeader, RtpPacket } from 'werift';
import {
  FRAME_MS, FRAME_SAMPLES, OPUS_SILENCE_FRAME, PCM_RATE, RTP_TS_PER_FRAME, createOpusDecoder, createOpusEncoder,
} from './opus-codec.mjs';
import { closePeer } from './webrtc-close.mjs';

/**
 * @typedef {object} RealtimeWire
 * @property {'websocket'|'webrtc'} kind
 * @property {(event: object) => void} send
 * @property {(handler: (event: unknown) => void) => void} onClientEvent
 * @property {(handler: (pcm: Int16Array) => void) => void} onInputAudio
 * @property {(pcm: Int16Array) => void} playAudio
 * @property {() => number} clearAudio
 * @property {(handler: () => void) => void} onAudioDrained
 * @property {(handler: () => void) => void} onClose
 * @property {(code?: number, reason?: string) => void} close
 * @property {() => void} [drop]
 */

/** Stall guard: after a timer stall, at most this many late frames are sent at once; the rest are skipped. */
const MAX_CATCH_UP_FRAMES = 10;

const rand = (/** @type {number} */ bits) => Math.floor(Math.random() * 2 ** bits);

/** Run a handler; a throwing handler must not stop the pacing timer or werift's event dispatch. */
function safely(/** @type {Function} */ h, /** @type {unknown} */ arg) {
  try {
    h(arg);
  } catch {
    /* the engine's problem, not the transport's */
  }
}

/**
 * @param {object} o
 * @param {any} o.pc            werift RTCPeerConnection (connected)
 * @param {any} o.channel       the open `oai-events` RTCDataChannel
 * @param {any} o.audio         the audio RTCRtpTransceiver (sendrecv)
 * @param {'silence'|'none'} [o.idleAudio]  what to send while no audio is queued (default 'silence')
 * @param {() => number} [o.clock]          monotonic ms clock for pacing (default performance.now)
 * @returns {RealtimeWire & { callStats: () => object }}
 */
export function createWebRtcWire(o) {
  const { pc, channel, audio } = o;
  const idleAudio = o.idleAudio ?? 'silence';
  const clock = o.clock ?? (() => performance.now());

  /** @type {Array<(e: unknown) => void>} */ const clientHandlers = [];
  /** @type {Array<(pcm: Int16Array) => void>} */ const audioHandlers = [];
  /** @type {Array<() => void>} */ const drainedHandlers = [];
  /** @type {Array<() => void>} */ const closeHandlers = [];
  /** client events that arrived before the engine registered a handler */
  /** @type {unknown[]} */ const earlyEvents = [];
  /** server events sent before the channel opened */
  /** @type {string[]} */ const outbox = [];
  let closed = false;

  const stats = { eventsIn: 0, eventsOut: 0, rtpIn: 0, rtpOut: 0, audioFramesOut: 0, silenceFramesOut: 0, decodeErrors: 0 };

  // ---------------------------------------------------------------- events (data channel)
  const flushOutbox = () => {
    while (outbox.length && channel.readyState === 'open') {
      try {
        channel.send(/** @type {string} */ (outbox.shift()));
        stats.eventsOut++;
      } catch {
        break;
      }
    }
  };
  channel.stateChanged.subscribe((/** @type {string} */ s) => {
    if (s === 'open') flushOutbox();
    if (s === 'closed') finish();
  });
  channel.onMessage.subscribe((/** @type {string|Buffer} */ data) => {
    if (closed) return;
    stats.eventsIn++;
    const text = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
    /** @type {unknown} */
    let event;
    try {
      event = JSON.parse(text);
    } catch {
      event = { __invalidJson: true };
    }
    if (!clientHandlers.length) earlyEvents.push(event);
    for (const h of clientHandlers) safely(h, event);
  });

  // ---------------------------------------------------------------- mic audio (RTP in)
  const decoder = createOpusDecoder();
  const opusPt = () => audio.codecs.find((/** @type {any} */ c) => c.mimeType.toLowerCase() === 'audio/opus')?.payloadType;
  /** @type {number|null} */ let lastSeq = null;
  const seen = new Set();
  /** @param {any} track */
  const listen = (track) => {
    if (!track || seen.has(track)) return;
    seen.add(track);
    track.onReceiveRtp.subscribe((/** @type {any} */ rtp) => {
      if (closed) return;
      stats.rtpIn++;
      const { sequenceNumber, payloadType } = rtp.header;
      if (payloadType !== opusPt()) return;
      // drop duplicates and late (reordered) packets; no jitter buffer, no loss concealment
      if (lastSeq !== null) {
        const delta = (sequenceNumber - lastSeq + 0x10000) & 0xffff;
        if (delta === 0 || delta > 0x8000) return;
      }
      lastSeq = sequenceNumber;
      if (!rtp.payload?.length) return;
      let pcm;
      try {
        pcm = decoder.decode(rtp.payload);
      } catch {
        stats.decodeErrors++;
        return;
      }
      for (const h of audioHandlers) safely(h, pcm);
    });
  };
  listen(audio.receiver.track);
  for (const t of audio.receiver.tracks ?? []) listen(t);
  audio.onTrack.subscribe((/** @type {any} */ t) => listen(t));

  // ---------------------------------------------------------------- model audio (RTP out)
  const encoder = createOpusEncoder();
  /** @type {Int16Array[]} */ let queue = [];
  let queueOffset = 0; // samples of queue[0] already sent
  let queuedSamples = 0;
  let burstActive = false; // audio was queued and has not drained (nor been cleared) yet
  let burstStartPending = false; // the next audio frame starts a burst (marker bit)
  let burstSentSamples = 0; // samples sent from the current burst, or from the last one once drained
  let markerNext = true; // first packet of the stream
  let seq = rand(16);
  let timestamp = rand(32);
  const t0 = clock();
  let frames = 0; // 20 ms slots elapsed since t0
  /** @type {NodeJS.Timeout|null} */ let timer = null;

  /** Take up to one frame of queued samples. */
  function takeFrame() {
    const frame = new Int16Array(FRAME_SAMPLES);
    let filled = 0;
    while (filled < FRAME_SAMPLES && queue.length) {
      const head = queue[0];
      const n = Math.min(FRAME_SAMPLES - filled, head.length - queueOffset);
      frame.set(head.subarray(queueOffset, queueOffset + n), filled);
      filled += n;
      queueOffset += n;
      if (queueOffset >= head.length) {
        queue.shift();
        queueOffset = 0;
      }
    }
    queuedSamples -= filled;
    return { frame, filled };
  }

  /** @param {Buffer} payload @param {boolean} marker */
  function sendPacket(payload, marker) {
    const pt = opusPt();
    if (pt === undefined) return;
    const header = new RtpHeader({ payloadType: pt, sequenceNumber: seq, timestamp, marker, ssrc: audio.sender.ssrc });
    seq = (seq + 1) & 0xffff;
    stats.rtpOut++;
    audio.sender.sendRtp(new RtpPacket(header, payload)).catch(() => undefined);
  }

  function slot() {
    if (queuedSamples > 0) {
      const { frame, filled } = takeFrame();
      sendPacket(encoder.encode(frame), markerNext || burstStartPending);
      markerNext = false;
      burstStartPending = false;
      stats.audioFramesOut++;
      burstSentSamples += filled;
      if (queuedSamples === 0) {
        burstActive = false;
        for (const h of drainedHandlers) safely(h);
      }
    } else if (idleAudio === 'silence') {
      sendPacket(OPUS_SILENCE_FRAME, markerNext);
      markerNext = false;
      stats.silenceFramesOut++;
    }
    timestamp = (timestamp + RTP_TS_PER_FRAME) >>> 0;
  }

  function tick() {
    timer = null;
    if (closed) return;
    const due = Math.floor((clock() - t0) / FRAME_MS) + 1 - frames;
    if (due > MAX_CATCH_UP_FRAMES) {
      // the event loop stalled: skip the lost slots (the RTP clock still advances over them)
      const skip = due - MAX_CATCH_UP_FRAMES;
      frames += skip;
      timestamp = (timestamp + skip * RTP_TS_PER_FRAME) >>> 0;
    }
    const n = Math.min(due, MAX_CATCH_UP_FRAMES);
    for (let i = 0; i < n && !closed; i++) {
      frames++;
      slot();
    }
    if (!closed) timer = setTimeout(tick, Math.max(1, t0 + frames * FRAME_MS - clock()));
  }
  tick();

  // ---------------------------------------------------------------- lifecycle
  const onState = (/** @type {string} */ s) => {
    if (s === 'closed' || s === 'failed') finish();
  };
  pc.connectionStateChange.subscribe(onState);

  /** @type {Promise<void>|null} */
  let closing = null;
  /**
   * Stop everything once; the close handlers run at once, the peer is torn down in the background.
   * @param {boolean} [abrupt] drop(): close the sockets without telling the client (a lost network)
   */
  function finish(abrupt = false) {
    if (closing) return closing;
    closed = true;
    if (timer) clearTimeout(timer);
    timer = null;
    queue = [];
    queuedSamples = 0;
    encoder.free();
    decoder.free();
    // SCTP ABORT + DTLS close_notify first, so the client's channel and DTLS transport close at once
    // (werift's own pc.close() would tell the client nothing); see webrtc-close.mjs.
    closing = closePeer(pc, { channel, abrupt });
    for (const h of closeHandlers.splice(0)) safely(h);
    return closing;
  }

  return {
    kind: 'webrtc',
    send(event) {
      if (closed) return;
      outbox.push(JSON.stringify(event));
      flushOutbox();
    },
    onClientEvent(handler) {
      clientHandlers.push(handler);
      if (clientHandlers.length === 1) for (const e of earlyEvents.splice(0)) safely(handler, e);
    },
    onInputAudio(handler) {
      audioHandlers.push(handler);
    },
    playAudio(pcm) {
      if (closed || !pcm?.length) return;
      if (!burstActive) {
        burstActive = true;
        burstStartPending = true;
        burstSentSamples = 0;
      }
      queue.push(Int16Array.from(pcm));
      queuedSamples += pcm.length;
    },
    clearAudio() {
      const ms = Math.round((burstSentSamples * 1000) / PCM_RATE);
      queue = [];
      queueOffset = 0;
      queuedSamples = 0;
      burstActive = false;
      burstStartPending = false;
      burstSentSamples = 0;
      return ms;
    },
    onAudioDrained(handler) {
      drainedHandlers.push(handler);
    },
    onClose(handler) {
      if (closed) queueMicrotask(handler);
      else closeHandlers.push(handler);
    },
    /** Server-initiated close. `code`/`reason` (WebSocket notions) are ignored on WebRTC. Returns a promise
     *  that settles once the peer is closed (the engine may ignore it). */
    close() {
      return finish();
    },
    /** Lose the call abruptly: the sockets close without SCTP ABORT, so the client only notices when ICE
     *  consent fails (Chromium: `disconnected` after a few seconds, then `failed`), as on a network loss. */
    drop() {
      return finish(true);
    },
    /** Counters for tests and debugging (not part of the engine's wire contract). */
    callStats: () => ({ ...stats, queuedMs: Math.round((queuedSamples * 1000) / PCM_RATE), playing: burstActive }),
  };
}
