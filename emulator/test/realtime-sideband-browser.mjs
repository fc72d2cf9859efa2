// Chromium rig for the hangup and sideband browser tests: Debian's /usr/bin/chromium driven by
// playwright-core (fresh profile, fake microphone), a page on another origin, and a §2.3 peer in it
// that records its events and every state change of the channel, the DTLS transport and the peer.
import http from 'node:http';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startRealtime } from './realtime-ws-helpers.mjs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** Skip only off CI when Chromium is not installed (CI must run every test). */
export const skipChromium = !existsSync(CHROMIUM_PATH) && process.env.CI !== 'true';

export async function launchBrowser() {
  const userDataDir = mkdtempSync(join(tmpdir(), 'emu-sideband-chromium-'));
  const site = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>call</title>'));
  await new Promise((r) => site.listen(0, '127.0.0.1', () => r(undefined)));
  const siteUrl = `http://127.0.0.1:${/** @type {any} */ (site.address()).port}/`;
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH, headless: true, timeout: 30_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required'],
  });
  return {
    context, siteUrl,
    async close() {
      await context.close().catch(() => undefined);
      await new Promise((r) => site.close(() => r(undefined)));
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Open a page and build the §2.3 peer (oai-events channel before the offer, fake mic track).
 * Returns the page and the offer SDP; window.__t records events and a timeline of states
 * ([what, ms since window.__t.t0]).
 * @param {import('playwright-core').BrowserContext} context @param {string} siteUrl
 */
export async function openPeerPage(context, siteUrl) {
  const page = await context.newPage();
  await page.goto(siteUrl);
  const offer = await page.evaluate(async () => {
    const t = /** @type {any} */ ({ events: [], log: [], t0: performance.now(), dtls: null });
    /** @type {any} */ (window).__t = t;
    const stamp = (/** @type {string} */ what) => t.log.push([what, Math.round(performance.now() - t.t0)]);
    const pc = new window.RTCPeerConnection();
    const dc = pc.createDataChannel('oai-events');
    Object.assign(t, { pc, dc });
    pc.onconnectionstatechange = () => stamp(`pc:${pc.connectionState}`);
    dc.onopen = () => {
      stamp('dc:open');
      const transport = pc.getSenders()[0]?.transport;
      if (transport) {
        t.dtls = transport;
        transport.onstatechange = () => stamp(`dtls:${transport.state}`);
      }
    };
    dc.onclose = () => stamp('dc:close');
    dc.onmessage = (e) => t.events.push(JSON.parse(e.data));
    const audio = document.createElement('audio');
    audio.autoplay = true;
    document.body.append(audio);
    pc.ontrack = (e) => { audio.srcObject = e.streams[0] ?? new MediaStream([e.track]); };
    const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
    pc.addTrack(mic.getAudioTracks()[0]);
    await pc.setLocalDescription(await pc.createOffer());
    return /** @type {string} */ (pc.localDescription?.sdp);
  });
  return { page, offer };
}

/** What the page saw so far. @param {import('playwright-core').Page} page */
export const pageState = (page) => page.evaluate(() => {
  const t = /** @type {any} */ (window).__t;
  return { events: t.events, log: t.log, dc: t.dc.readyState, pc: t.pc.connectionState, dtls: t.dtls?.state ?? null };
});

/** Restart the page's timeline clock (e.g. just before a hangup). @param {import('playwright-core').Page} page */
export const markTime = (page) => page.evaluate(() => {
  /** @type {any} */ (window).__t.t0 = performance.now();
});

/** ms (on the page's timeline) of the latest log entry named `what`, or null. @param {any[]} log @param {string} what */
export const whenLogged = (log, what) => log.findLast((/** @type {[string, number]} */ l) => l[0] === what)?.[1] ?? null;

/**
 * One emulator and one Chromium for a test file, started before its tests and closed after them.
 * @returns {{ emu(): any, browser(): Awaited<ReturnType<typeof launchBrowser>> }}
 */
export function useEmulatorAndChromium() {
  /** @type {any} */ let emu;
  /** @type {Awaited<ReturnType<typeof launchBrowser>>} */ let browser;
  beforeAll(async () => {
    emu = await startRealtime();
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await emu?.close();
  });
  return { emu: () => emu, browser: () => browser };
}
