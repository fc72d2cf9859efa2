// POST /v1/realtime/calls/{id}/hangup really ends the browser's call: Chromium's data channel closes
// (SCTP ABORT), its DTLS transport closes (close_notify), and its peer connection leaves `connected`
// (ICE consent: werift stops answering). The ek_ is minted and the call hung up with the official client.
import { describe, expect, it } from 'vitest';
import { listCalls } from '../routes/realtime-calls.mjs';
import { client } from './helpers.mjs';
import { markTime, openPeerPage, pageState, skipChromium, useEmulatorAndChromium, whenLogged } from './realtime-sideband-browser.mjs';

describe.skipIf(skipChromium)('hangup ends the call in Chromium', () => {
  const rig = useEmulatorAndChromium();

  it('client.realtime.calls.hangup(): the channel and DTLS close at once, the peer leaves connected within seconds', async () => {
    const emu = rig.emu();
    const browser = rig.browser();
    const openai = client(emu);
    const secret = await openai.realtime.clientSecrets.create({ session: { type: 'realtime', model: 'gpt-realtime-2.1' } });
    const { page } = await openPeerPage(browser.context, browser.siteUrl);
    const location = await page.evaluate(async ({ base, ek }) => {
      const t = /** @type {any} */ (window).__t;
      const r = await fetch(`${base}/v1/realtime/calls`, { method: 'POST', body: t.pc.localDescription.sdp,
        headers: { Authorization: `Bearer ${ek}`, 'Content-Type': 'application/sdp' } });
      if (r.status !== 201) throw new Error(`${r.status}: ${await r.text()}`);
      await t.pc.setRemoteDescription({ type: 'answer', sdp: await r.text() });
      return r.headers.get('Location');
    }, { base: emu.url, ek: secret.value });
    const callId = String(location).split('/').pop() ?? '';
    await page.waitForFunction(() => /** @type {any} */ (window).__t.events.some((/** @type {any} */ e) => e.type === 'session.created'), null, { timeout: 10_000 });
    const before = await pageState(page);
    expect(before).toMatchObject({ dc: 'open', pc: 'connected', dtls: 'connected' });
    expect(listCalls().map((c) => c.id)).toContain(callId);

    await markTime(page);
    await openai.realtime.calls.hangup(callId);
    await page.waitForFunction(() => /** @type {any} */ (window).__t.dc.readyState === 'closed', null, { timeout: 2000 });
    await page.waitForFunction(() => /** @type {any} */ (window).__t.dtls?.state === 'closed', null, { timeout: 2000 });
    await page.waitForFunction(() => /** @type {any} */ (window).__t.pc.connectionState !== 'connected', null, { timeout: 10_000 });
    const after = await pageState(page);
    expect(whenLogged(after.log, 'dc:close')).toBeLessThan(1000);
    expect(whenLogged(after.log, 'dtls:closed')).toBeLessThan(1000);
    expect(['disconnected', 'failed', 'closed']).toContain(after.pc);
    expect(listCalls().map((c) => c.id)).not.toContain(callId);
    const record = emu.realtimeSessions().find((/** @type {any} */ s) => s.transport === 'webrtc');
    expect(record.endedAt).toBeTruthy();
    await page.close();
  }, 30_000);
});
