// Close a werift peer so the browser at the other end notices at once.
//
// werift's pc.close() tears DTLS down before SCTP and never sends a DTLS alert ("todo impl send alert"
// in werift 0.24), so the client would only notice when ICE consent fails. A hung-up call must look
// hung up: first SCTP ABORT (the client's data channels close at once), then a DTLS close_notify alert
// (Chromium's RTCDtlsTransport goes to `closed` at once), a short pause so both packets leave, then the
// peer's sockets close. Chromium's connectionState then follows ICE consent: `disconnected` about 5 s
// later, `failed` about 15 s later (there is no WebRTC message that ends a peer connection remotely).

/** How long the ABORT and close_notify get to leave before the sockets close. */
const FLUSH_MS = 50;
const CONTENT_TYPE_ALERT = 21;
/** alert level 1 (warning), description 0 (close_notify) — RFC 5246 §7.2.1 */
const CLOSE_NOTIFY = Buffer.from([1, 0]);

/**
 * Send a DTLS close_notify on a connected werift DtlsSocket. werift exposes no API for alerts, so this
 * reuses its application-data path (`send`) and switches the record's content type before encryption
 * (the content type is part of the AEAD's additional data, so it must be set before encrypting).
 * Best effort: a werift without these internals simply sends nothing.
 * @param {any} socket werift DtlsSocket (RTCDtlsTransport.dtls)
 */
export async function sendCloseNotify(socket) {
  const cipher = socket?.cipher;
  if (!socket?.connected || typeof socket.send !== 'function' || typeof cipher?.encryptPacket !== 'function') return;
  const encrypt = cipher.encryptPacket;
  cipher.encryptPacket = function encryptAsAlert(/** @type {any} */ pkt) {
    cipher.encryptPacket = encrypt;
    pkt.recordLayerHeader.contentType = CONTENT_TYPE_ALERT;
    return encrypt.call(this, pkt);
  };
  try {
    await socket.send(CLOSE_NOTIFY);
  } catch {
    /* the socket is already gone */
  } finally {
    cipher.encryptPacket = encrypt;
  }
}

/**
 * Close a peer gracefully (see the top of this file). `abrupt` closes the sockets without telling the
 * client, like a lost network. Never throws.
 * @param {any} pc werift RTCPeerConnection @param {{ channel?: any, abrupt?: boolean }} [o]
 */
export async function closePeer(pc, o = {}) {
  if (!o.abrupt) {
    try {
      if (o.channel?.readyState === 'open') o.channel.close();
    } catch {
      /* already closing */
    }
    await pc.sctpTransport?.stop().catch(() => undefined);
    for (const transport of pc.dtlsTransports ?? []) await sendCloseNotify(transport.dtls);
    await new Promise((r) => setTimeout(r, FLUSH_MS));
  }
  await pc.close().catch(() => undefined);
}
