/**
 * One measured call setup, the way the browser client does it, with a werift peer standing in for the
 * browser's RTCPeerConnection (tests/helpers/werift-peer.ts: `oai-events` channel + one Opus transceiver):
 *
 *   token request → peer + offer → offer POST → SDP answer → `oai-events` open → `session.created`
 *
 * direct:  the offer goes to `${realtime.url}/calls` (OpenAI) with the `ek_…` from the token response;
 * unified: the offer goes to the app's `/api/voice-agent/calls` with the app's session token.
 * Afterwards (untimed) the peer is closed and the session ended, as a user hanging up would.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createNodePeer } from '../../tests/helpers/werift-peer.ts'; // run with `node --import tsx`

const json = (body) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/** A request from the "browser" to the app: the modelled browser→app round trip first. */
async function toApp(appUrl, path, init, browserAppMs) {
  if (browserAppMs > 0) await sleep(browserAppMs);
  return fetch(`${appUrl}${path}`, init);
}

/**
 * @param {'direct'|'unified'} path
 * @param {{ appUrl: string, browserAppMs: number }} o
 * @returns {Promise<{ totalMs: number, sdpMs: number, tokenMs: number, peerMs: number, channelMs: number, sessionCreatedMs: number }>}
 */
export async function setupOnce(path, { appUrl, browserAppMs }) {
  const t0 = performance.now();
  const tokenRes = await toApp(appUrl, '/api/voice-agent/token', { method: 'POST' }, browserAppMs);
  const credential = await tokenRes.json();
  const tToken = performance.now();
  if (tokenRes.status !== 200) throw new Error(`${path}: token ${tokenRes.status} ${JSON.stringify(credential)}`);
  checkShape(path, credential);

  const peer = await createNodePeer();
  try {
    const tPeer = performance.now();
    const offer = { method: 'POST', headers: { Authorization: `Bearer ${credential.token}`, 'Content-Type': 'application/sdp' }, body: peer.offer };
    const answerRes = path === 'direct'
      ? await fetch(`${credential.realtime.url}/calls`, offer) // browser → OpenAI (latency: the emulator's fault)
      : await toApp(appUrl, '/api/voice-agent/calls', offer, browserAppMs);
    const answer = await answerRes.text();
    const tAnswer = performance.now();
    if (answerRes.status !== 201) throw new Error(`${path}: offer POST ${answerRes.status} ${answer.slice(0, 300)}`);

    await peer.answer(answer);
    await peer.opened;
    const tOpen = performance.now();
    await peer.waitFor('session.created', 15_000);
    const tCreated = performance.now();
    return {
      totalMs: tCreated - t0,
      sdpMs: tAnswer - tPeer,
      tokenMs: tToken - t0,
      peerMs: tPeer - tToken,
      channelMs: tOpen - tAnswer,
      sessionCreatedMs: tCreated - tOpen,
    };
  } finally {
    await peer.close().catch(() => undefined);
    const ended = await fetch(`${appUrl}/api/voice-agent/end-session`, json({ sessionId: credential.sessionId }));
    if (!ended.ok) throw new Error(`${path}: end-session ${ended.status} ${await ended.text()}`);
  }
}

/** Refuse to time the wrong thing: each app must hand out the credential of its path. */
function checkShape(path, credential) {
  const metered = credential.realtime?.metered === true;
  const ok = credential.mode === 'realtime' && (path === 'unified'
    ? metered && credential.realtime.url === '/api/voice-agent' && !String(credential.token).startsWith('ek_')
    : !metered && String(credential.token).startsWith('ek_') && /^https?:\/\//.test(credential.realtime?.url ?? ''));
  if (!ok) throw new Error(`${path}: unexpected token response (mode ${credential.mode}, realtime ${JSON.stringify(credential.realtime)})`);
}
