/**
 * The voice coach when the network or the upstream misbehaves, in Chromium against the built server and
 * the OpenAI emulator — asserting what the user notices (the status line, the countdown, the offline
 * banner, the transcript, the coach speaking or not) and, on the emulator's side, what really happened
 * (which sessions, which transport, what was replayed into them).
 *
 * 1. UDP blocked for WebRTC (Chromium's `--webrtc-ip-handling-policy=disable_non_proxied_udp`: no UDP
 *    candidates and no proxy, so ICE cannot complete against the emulator's werift peer): the session
 *    falls back to WebSocket by itself, the emulator's voice detection hears the AudioWorklet's PCM16,
 *    the reply is played, and the renewal at the session cap stays on WebSocket. Also the transport
 *    chosen by hand.
 * 2. Rate limited (429 + Retry-After) on the SDP exchange: a countdown, then a retry by itself.
 * 3. A refused (expired) credential: one transparent token refresh.
 * 4. Offline: the banner, the microphone paused, and back.
 * 5. The connection lost: reconnecting with backoff, the conversation replayed into the new session.
 * 6. The upstream's session cap: a transparent renewal before it, and exactly one new connection when it
 *    arrives unannounced.
 * 7. Typing. 8. Stopping the coach mid-sentence. 9. Hang-up freeing the per-IP session quota.
 *
 * Two browsers (one per describe): the UDP-blocked one with a spoken WAV as its microphone, the normal
 * one with a silent microphone, so its conversations are typed and nothing but the test starts a turn.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { chromiumSkipNote, haveChromium, launchBrowser, problemsOf, watchPage, type BrowserSession, type PageProblems } from '../helpers/browser';
import { REALTIME_KEY, calls, startTestEmulator, type Emulator } from '../helpers/emulator';
import { espeakSkipNote, haveEspeak, silentWav, speechWav } from '../helpers/speech-wav';

const SPOKEN = 'I want to rehearse my budget pitch for the board.';
const TYPED = 'Our AI budget request is two point four million euros.';
const OPENING_REPLY = 'Good. Give me your opening line, as you would say it on the day.';
const SCRIPT = [
  { user: SPOKEN, assistant: OPENING_REPLY },
  { user: TYPED, assistant: 'Stronger. Now say the number first, then the reason.' },
];
const LONG_REPLY =
  'Let us slow this down and take it one step at a time, because the board will want to hear the number first, ' +
  'then the risks you have already priced in, then the timeline for the first results, and only at the very end ' +
  'what exactly you need from them today, in one sentence they can vote on.';
/** Quick turns that still play audibly for a second or two. */
const TIMING = { msPerChar: 25, responseDelayMs: 40, transcriptionDelayMs: 30, textMsPerWord: 5 };

/**
 * Everything the user could notice, recorded in the page as it happens (a poll from the test would miss
 * a state that lasts 100 ms): each status shown and its text, the countdowns, whether the "coach
 * speaking" indicator ever appeared, the client events the page put on the wire (what devtools' WebSocket
 * and data-channel views show; microphone appends left out), and every RTCPeerConnection.
 */
const RECORDER = `(() => {
  if (window.__voice) return;
  const log = (window.__voice = { statuses: [], at: [], texts: [], retry: [], coachSpoke: false, sent: [] });
  const check = () => {
    const el = document.querySelector('[data-testid="voice-status"]');
    if (el) {
      const status = el.getAttribute('data-status');
      if (log.statuses[log.statuses.length - 1] !== status) { log.statuses.push(status); log.at.push(Date.now()); }
      const text = el.textContent || '';
      if (log.texts[log.texts.length - 1] !== text) log.texts.push(text);
    }
    const retry = document.querySelector('[data-testid="voice-retry"]');
    if (retry && log.retry[log.retry.length - 1] !== retry.textContent) log.retry.push(retry.textContent);
    if (document.querySelector('[data-testid="voice-coach-speaking"]')) log.coachSpoke = true;
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  const record = (data) => {
    if (typeof data !== 'string' || data.startsWith('{"type":"input_audio_buffer.append"')) return;
    try { log.sent.push(JSON.parse(data)); } catch {}
  };
  const wsSend = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) { record(data); return wsSend.call(this, data); };
  if (window.RTCDataChannel) {
    const dcSend = RTCDataChannel.prototype.send;
    RTCDataChannel.prototype.send = function (data) { record(data); return dcSend.call(this, data); };
  }
  const Native = window.RTCPeerConnection;
  window.__peers = [];
  if (Native) window.RTCPeerConnection = class extends Native { constructor(...a) { super(...a); window.__peers.push(this); } };
})();`;

interface VoiceLog {
  statuses: string[];
  /** When each status appeared (page clock, ms). */
  at: number[];
  texts: string[];
  retry: string[];
  coachSpoke: boolean;
  sent: Array<{ type: string; item?: { role?: string; content?: Array<{ text?: string }> } }>;
}
const voiceLog = (page: Page) => page.evaluate(() => (window as unknown as { __voice: VoiceLog }).__voice);

/** The emulator's record of one realtime session (the fields these tests read). */
interface SessionRecord {
  transport: 'websocket' | 'webrtc';
  endedBy: string | null;
  events: { received: Record<string, number> };
  totals: { inputAudioMs: number };
  responses: { completed: number; cancelled: number };
  userTurns: Array<{ transcript: string | null; audio_ms: number }>;
  truncations: Array<{ audio_end_ms: number }>;
  errors: Array<{ code?: string | null }>;
}


const turns = (page: Page, role?: 'user' | 'assistant') =>
  page.locator(role ? `[data-testid="voice-turn"][data-role="${role}"]` : '[data-testid="voice-turn"]');
const status = (page: Page, value: string) => page.locator(`[data-testid="voice-status"][data-status="${value}"]`);
const transportOf = (page: Page) => page.getByTestId('voice-transport').getAttribute('data-transport');
/** A turn's text as shown (without its "You" / "Coach" label). */
const textOf = async (page: Page, role: 'user' | 'assistant', index = 0) =>
  (await turns(page, role).nth(index).locator(':scope > span').nth(1).textContent()) ?? '';
const words = (text: string) => text.trim().split(/\s+/).filter(Boolean).length;

/** The coach's audio level as the browser receives it (WebRTC inbound-rtp `audioLevel`, 0..1). */
const inboundLevel = (page: Page) =>
  page.evaluate(async () => {
    let level = 0;
    for (const pc of (window as unknown as { __peers: RTCPeerConnection[] }).__peers) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((r) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') level = Math.max(level, Number(r.audioLevel ?? 0));
      });
    }
    return level;
  });

/** Whether the microphone track is live on the WebRTC connection (a paused one sends silence). */
const micSending = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { __peers: RTCPeerConnection[] }).__peers
      .filter((pc) => pc.connectionState !== 'closed')
      .flatMap((pc) => pc.getSenders())
      .some((s) => s.track?.kind === 'audio' && s.track.enabled),
  );

/**
 * What the status line shows next, from now on, as recorded in the page: states that last only a
 * moment (a renewal over WebSocket takes ~100 ms) are seen too, and a failure shows what came instead.
 */
async function nextStatuses(page: Page) {
  const from = (await voiceLog(page)).statuses.length;
  return {
    toBe: (expected: string[], timeout: number) =>
      expect.poll(async () => (await voiceLog(page)).statuses.slice(from), { timeout, interval: 100 }).toEqual(expected),
  };
}

/** A fresh tab on /coach with its session granted; a failed test prints what the user saw. */
async function openCoach(browser: BrowserSession, server: AppServer, beforeLoad?: (page: Page) => void) {
  const page = await browser.context.newPage();
  const problems = watchPage(page);
  beforeLoad?.(page);
  onTestFinished(async ({ task }) => {
    if (task.result?.state === 'fail') {
      const log = await voiceLog(page).catch(() => undefined);
      if (log) console.error('voice log:', JSON.stringify({ ...log, sent: log.sent.map((e) => e.type) }));
    }
    await page.close().catch(() => undefined);
  });
  await page.goto(`${server.url}/coach`);
  await page.getByTestId('coach-mode').filter({ hasText: 'realtime' }).waitFor({ timeout: 20_000 });
  return { page, problems };
}

/** No uncaught errors or CSP problems; console errors only those the scenario causes on purpose. */
async function expectClean(problems: PageProblems, expectedConsole?: RegExp) {
  const found = await problemsOf(problems);
  expect({ ...found, consoleErrors: found.consoleErrors.filter((e) => !expectedConsole?.test(e)) }).toEqual({
    cspViolations: [],
    cspConsole: [],
    consoleErrors: [],
    pageErrors: [],
  });
}

/** Type a line to the coach and wait for its full reply. */
async function typeTurn(page: Page, text: string, reply: string) {
  await page.getByTestId('voice-text-input').fill(text);
  await page.getByTestId('voice-text-send').click();
  await expect.poll(() => textOf(page, 'user'), { timeout: 5_000 }).toBe(text);
  await page.locator('[data-testid="voice-turn"][data-role="assistant"][data-status="done"]').waitFor({ timeout: 15_000 });
  expect(await textOf(page, 'assistant')).toBe(reply);
}

async function hangUp(page: Page, server: AppServer) {
  const ended = server.logs.filter((l) => l.event === 'sessionEnded').length;
  await page.getByTestId('voice-hangup').click();
  // "Session ended." shows for a moment, then the console closes the voice panel with the session.
  await expect.poll(async () => (await voiceLog(page)).statuses.at(-1), { timeout: 5_000 }).toBe('ended');
  await expect.poll(() => server.logs.filter((l) => l.event === 'sessionEnded').length, { timeout: 10_000 }).toBeGreaterThan(ended);
}

const appEnv = (emulator: Emulator) => ({
  OPENAI_API_KEY: REALTIME_KEY,
  OPENAI_BASE_URL: emulator.baseUrl,
  RATE_LIMIT_PER_IP_PER_MINUTE: '1000',
  MAX_SESSIONS_PER_IP: '1000',
});

const canRun = haveChromium && haveEspeak;
let emu: Emulator;
let app: AppServer;
/** The emulator's sessions that started after `from` (an index from `sessionCount()`). */
const sessionsSince = (from: number) => emu.realtimeSessions!().slice(from) as unknown as SessionRecord[];
const sessionCount = () => emu.realtimeSessions!().length;

beforeAll(async () => {
  if (!canRun) return;
  emu = await startTestEmulator({ realtimeScript: SCRIPT, realtimeConfig: TIMING });
  app = await startAppServer(appEnv(emu));
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await emu?.close();
});

describe.skipIf(!canRun)(`voice over WebSocket when WebRTC's UDP is blocked${chromiumSkipNote}${espeakSkipNote}`, () => {
  let browser: BrowserSession;

  beforeAll(async () => {
    browser = await launchBrowser({
      fakeAudioCapture: speechWav(SPOKEN),
      // WebRTC may use UDP only through a proxy, and there is none: no candidate, ICE never completes.
      // (This Chromium has no `--force-webrtc-ip-handling-policy`; this switch sets the same policy pref.)
      extraArgs: ['--webrtc-ip-handling-policy=disable_non_proxied_udp'],
    });
    await browser.context.addInitScript({ content: RECORDER });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('falls back to WebSocket by itself, hears the user, plays the reply, and stays on WebSocket when renewing', async () => {
    // A short upstream session cap, so the renewal happens within the test.
    emu.setRealtimeConfig!({ maxSessionMs: 16_000 });
    onTestFinished(() => emu.setRealtimeConfig!(null));
    const { page, problems } = await openCoach(browser, app);
    const before = sessionCount();
    const callsBefore = calls(emu, 'realtime.calls');
    const clicked = Date.now();
    await page.getByTestId('voice-start').click();
    await status(page, 'connected').waitFor({ timeout: 12_000 });
    const connectMs = Date.now() - clicked;
    expect(await transportOf(page)).toBe('websocket');
    expect(connectMs).toBeLessThan(10_000);
    // WebRTC was really tried and could not get through: an SDP exchange, but no WebRTC session started.
    expect(calls(emu, 'realtime.calls')).toBe(callsBefore + 1);
    expect(sessionsSince(before).map((s) => s.transport)).toEqual(['websocket']);

    // The fake microphone's phrase reaches the emulator as PCM16 and its voice detection makes a turn.
    await expect.poll(() => textOf(page, 'user'), { timeout: 15_000 }).toBe(SPOKEN);
    await page.locator('[data-testid="voice-turn"][data-role="assistant"][data-status="done"]').first().waitFor({ timeout: 15_000 });
    expect(await textOf(page, 'assistant')).toBe(OPENING_REPLY);
    // The reply was heard: "coach speaking" is raised by the page's own player when the first sample plays.
    expect((await voiceLog(page)).coachSpoke).toBe(true);
    const [first] = sessionsSince(before);
    expect(first!.totals.inputAudioMs).toBeGreaterThan(1_000);
    expect(first!.userTurns[0]).toMatchObject({ transcript: SPOKEN });
    expect(first!.userTurns[0]!.audio_ms).toBeGreaterThan(1_000);
    expect(first!.responses.completed).toBeGreaterThanOrEqual(1);

    // Before the cap: a new credential and a new connection, over WebSocket again (WebRTC still cannot get
    // through, and trying it first would cost its whole timeout and miss the cap), the conversation replayed.
    await (await nextStatuses(page)).toBe(['renewing', 'connected'], 16_000);
    expect(await transportOf(page)).toBe('websocket');
    expect(calls(emu, 'realtime.calls')).toBe(callsBefore + 1);
    await expect.poll(() => sessionsSince(before)[0]!.endedBy, { timeout: 5_000 }).toBe('client');
    const sessions = sessionsSince(before);
    expect(sessions.map((s) => s.transport)).toEqual(['websocket', 'websocket']);
    expect(sessions[0]!.errors).toEqual([]); // closed before the cap: no session_expired
    expect(sessions[1]!.events.received['conversation.item.create'] ?? 0).toBeGreaterThanOrEqual(2);
    expect(await textOf(page, 'user')).toBe(SPOKEN);
    expect(await textOf(page, 'assistant')).toBe(OPENING_REPLY);
    const shown = await turns(page).allTextContents();
    expect(shown.filter((t) => t.includes(OPENING_REPLY))).toHaveLength(1);
    expect((await voiceLog(page)).statuses.filter((s) => ['failed', 'reconnecting', 'waiting'].includes(s))).toEqual([]);
    await expectClean(problems);
    console.info(`UDP blocked: click → connected over WebSocket in ${connectMs} ms`);
    await hangUp(page, app);
  });

  it('connects over WebSocket straight away when the user picks it', async () => {
    const { page, problems } = await openCoach(browser, app);
    await page.getByTestId('voice-transport-select').selectOption('websocket');
    const before = sessionCount();
    const callsBefore = calls(emu, 'realtime.calls');
    const clicked = Date.now();
    await page.getByTestId('voice-start').click();
    await status(page, 'connected').waitFor({ timeout: 10_000 });
    const connectMs = Date.now() - clicked;
    expect(await transportOf(page)).toBe('websocket');
    expect(connectMs).toBeLessThan(5_000);
    expect(calls(emu, 'realtime.calls')).toBe(callsBefore); // no WebRTC attempt at all
    expect(sessionsSince(before).map((s) => s.transport)).toEqual(['websocket']);
    await expect.poll(() => sessionsSince(before)[0]!.totals.inputAudioMs, { timeout: 5_000 }).toBeGreaterThan(0);
    await expectClean(problems);
    await hangUp(page, app);
    await page.evaluate(() => localStorage.clear()); // the choice is remembered: leave the browser as found
  });
});

describe.skipIf(!canRun)(`voice recovery over WebRTC${chromiumSkipNote}${espeakSkipNote}`, () => {
  let browser: BrowserSession;
  let quotaApp: AppServer;

  beforeAll(async () => {
    [browser, quotaApp] = await Promise.all([
      launchBrowser({ fakeAudioCapture: silentWav() }),
      startAppServer({ ...appEnv(emu), MAX_SESSIONS_PER_IP: '1' }),
    ]);
    await browser.context.addInitScript({ content: RECORDER });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await quotaApp?.stop();
  });
  // A fault a failed test did not use up must not leak into the next one.
  afterEach(() => emu.resetFaults());

  it('waits out a rate limit with a visible countdown, then connects by itself', async () => {
    const { page, problems } = await openCoach(browser, app);
    const callsBefore = calls(emu, 'realtime.calls');
    emu.setFaults({ route: 'realtime.calls', status: 429, retryAfter: 2, times: 1 });
    await page.getByTestId('voice-start').click();
    await status(page, 'waiting').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByTestId('voice-retry').textContent(), { timeout: 1_000 }).toMatch(/^\([12] s\)$/);
    await status(page, 'connected').waitFor({ timeout: 10_000 });
    expect(await transportOf(page)).toBe('webrtc');
    expect(calls(emu, 'realtime.calls')).toBe(callsBefore + 2);
    // Waiting with a countdown, then visibly trying again (not a countdown stuck at 0 s), then connected.
    const log = await voiceLog(page);
    expect(log.retry).toContain('(1 s)');
    expect(log.statuses).toEqual(['idle', 'connecting', 'waiting', 'connecting', 'connected']);
    await expectClean(problems, /status of 429/);
    await hangUp(page, app);
  });

  it('refreshes a refused credential once, without the user noticing', async () => {
    const refreshes: string[] = [];
    const { page, problems } = await openCoach(browser, app, (p) =>
      p.on('request', (r) => r.url().endsWith('/api/voice-agent/refresh-token') && refreshes.push(r.method())),
    );
    const refreshLogs = () => app.logs.filter((l) => l.event === 'tokenGenerated' && l.kind === 'refresh').length;
    const logsBefore = refreshLogs();
    emu.setFaults({ route: 'realtime.calls', status: 401, times: 1 });
    await page.getByTestId('voice-start').click();
    await status(page, 'connected').waitFor({ timeout: 10_000 });
    expect(await transportOf(page)).toBe('webrtc');
    expect(refreshes).toEqual(['POST']);
    await expect.poll(refreshLogs, { timeout: 5_000 }).toBe(logsBefore + 1);
    expect((await voiceLog(page)).statuses).toEqual(['idle', 'connecting', 'connected']);
    await expectClean(problems, /status of 401/);
    await hangUp(page, app);
  });

  it('pauses the microphone while offline and resumes when back online', async () => {
    const { page, problems } = await openCoach(browser, app);
    await page.getByTestId('voice-start').click();
    await status(page, 'connected').waitFor({ timeout: 10_000 });
    expect(await micSending(page)).toBe(true);

    await browser.context.setOffline(true);
    await page.getByTestId('voice-offline').waitFor({ timeout: 5_000 });
    await status(page, 'offline').waitFor({ timeout: 1_000 });
    expect(await micSending(page)).toBe(false);

    await browser.context.setOffline(false);
    await status(page, 'connected').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('voice-offline').count()).toBe(0);
    expect(await micSending(page)).toBe(true);
    expect(await page.getByTestId('voice-mute').getAttribute('aria-pressed')).toBe('false');
    expect((await voiceLog(page)).statuses).toEqual(['idle', 'connecting', 'connected', 'offline', 'connected']);
    expect((await problemsOf(problems)).pageErrors).toEqual([]); // requests made while offline fail in the console
    await hangUp(page, app);
  });

  it('reconnects after the connection is lost and carries the conversation over', async () => {
    const { page, problems } = await openCoach(browser, app);
    const before = sessionCount();
    // The emulator loses the WebRTC session 4.5 s after it starts, without a goodbye: the browser has to notice.
    emu.setFaults({ route: 'realtime.webrtc', dropConnection: true, afterMs: 4_500, times: 1 });
    await page.getByTestId('voice-start').click();
    await status(page, 'connected').waitFor({ timeout: 10_000 });
    await typeTurn(page, TYPED, OPENING_REPLY);

    // The browser notices the silence (ICE), gives it the usual grace, then reconnects with backoff.
    await (await nextStatuses(page)).toBe(['reconnecting', 'connected'], 25_000);
    expect((await voiceLog(page)).texts.some((t) => /Reconnecting \(attempt 1 of 5\)…\(\d s\)/.test(t))).toBe(true);

    // The transcript is still there, once.
    expect(await turns(page).count()).toBe(2);
    expect(await textOf(page, 'user')).toBe(TYPED);
    expect(await textOf(page, 'assistant')).toBe(OPENING_REPLY);
    // A new emulator session, which received the conversation so far.
    expect(sessionsSince(before).map((s) => s.endedBy)).toEqual(['fault:dropConnection', null]);
    await expect.poll(() => sessionsSince(before)[1]!.events.received['conversation.item.create'] ?? 0, { timeout: 5_000 }).toBe(2);
    expect(sessionsSince(before)[1]!.userTurns[0]?.transcript).toBe(TYPED);
    // What the page put on the wire: the typed message (first connection), then the replay of both turns.
    const created = (await voiceLog(page)).sent.filter((e) => e.type === 'conversation.item.create');
    expect(created.map((e) => [e.item?.role, e.item?.content?.[0]?.text])).toEqual([
      ['user', TYPED],
      ['user', TYPED],
      ['assistant', OPENING_REPLY],
    ]);
    const log = await voiceLog(page);
    expect(log.statuses).toEqual(['idle', 'connecting', 'connected', 'reconnecting', 'connected']);
    console.info(`connection lost: connected → reconnecting after ${log.at[3]! - log.at[2]!} ms (drop at 4500 ms), reconnected in ${log.at[4]! - log.at[3]!} ms`);
    await expectClean(problems);
    await hangUp(page, app);
  });

  it('renews the connection before the session cap without the user noticing', async () => {
    emu.setRealtimeConfig!({ maxSessionMs: 12_000 });
    onTestFinished(() => emu.setRealtimeConfig!(null));
    const refreshes: string[] = [];
    const { page, problems } = await openCoach(browser, app, (p) =>
      p.on('request', (r) => r.url().endsWith('/api/voice-agent/refresh-token') && refreshes.push(r.method())),
    );
    const before = sessionCount();
    await page.getByTestId('voice-start').click();
    await status(page, 'connected').waitFor({ timeout: 10_000 });
    const connectedAt = Date.now();
    await typeTurn(page, TYPED, OPENING_REPLY);
    expect(sessionsSince(before)).toHaveLength(1);

    await (await nextStatuses(page)).toBe(['renewing', 'connected'], 15_000);
    expect(Date.now() - connectedAt).toBeLessThan(12_000 + 2_000); // before the cap, plus the new connection
    expect(refreshes).toEqual(['POST']); // a new credential for the new connection

    // The old session was closed by the client before its cap: no session_expired was ever sent.
    await expect.poll(() => sessionsSince(before)[0]!.endedBy, { timeout: 5_000 }).toBe('client');
    expect(sessionsSince(before)).toHaveLength(2);
    expect(sessionsSince(before).flatMap((s) => s.errors)).toEqual([]);
    await expect.poll(() => sessionsSince(before)[1]!.events.received['conversation.item.create'] ?? 0, { timeout: 5_000 }).toBe(2);

    expect(await turns(page).count()).toBe(2);
    expect(await textOf(page, 'user')).toBe(TYPED);
    expect(await textOf(page, 'assistant')).toBe(OPENING_REPLY);
    const log = await voiceLog(page);
    expect(log.statuses).toEqual(['idle', 'connecting', 'connected', 'renewing', 'connected']);
    expect(log.texts.join(' ')).not.toMatch(/expired|maximum duration|failed|lost/i);
    await expectClean(problems);
    await hangUp(page, app);
  });

  it('moves to exactly one new connection when the cap arrives unannounced', async () => {
    const { page, problems } = await openCoach(browser, app);
    const before = sessionCount();
    // The upstream ends the session before any renewal: `error` session_expired, then the close.
    emu.setFaults({ route: 'realtime.webrtc', sessionExpired: true, afterMs: 4_500, times: 1 });
    await page.getByTestId('voice-start').click();
    await status(page, 'connected').waitFor({ timeout: 10_000 });
    await typeTurn(page, TYPED, OPENING_REPLY);
    await (await nextStatuses(page)).toBe(['renewing', 'connected'], 15_000);
    expect(sessionsSince(before)[0]!.endedBy).toBe('session_expired');
    expect(await turns(page).count()).toBe(2);
    expect(await textOf(page, 'assistant')).toBe(OPENING_REPLY);
    // Settled on one new connection: the error and the close that follows it are one event, not two.
    await page.waitForTimeout(1_000);
    expect(sessionsSince(before).map((s) => s.endedBy)).toEqual(['session_expired', null]);
    const log = await voiceLog(page);
    expect(log.statuses).toEqual(['idle', 'connecting', 'connected', 'renewing', 'connected']);
    expect(log.texts.join(' ')).not.toMatch(/expired|maximum duration|lost/i);
    await expectClean(problems);
    await hangUp(page, app);
  });

  it('shows a typed message at once and answers it', async () => {
    const { page, problems } = await openCoach(browser, app);
    await page.getByTestId('voice-start').click();
    await status(page, 'connected').waitFor({ timeout: 10_000 });
    const said = 'Here is my opening line for the board.';
    await page.getByTestId('voice-text-input').fill(said);
    await page.getByTestId('voice-text-send').click();
    await expect.poll(() => textOf(page, 'user'), { timeout: 1_000, interval: 50 }).toBe(said);
    expect(await page.getByTestId('voice-text-input').inputValue()).toBe('');
    await expect.poll(() => textOf(page, 'assistant'), { timeout: 15_000 }).toBe(OPENING_REPLY);
    expect(await turns(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-role')))).toEqual(['user', 'assistant']);
    await expectClean(problems);
    await hangUp(page, app);
  });

  it('stops the coach mid-sentence and keeps only what was said', async () => {
    emu.setRealtimeScript!([{ user: 'Walk me through it.', assistant: LONG_REPLY }]);
    emu.setRealtimeConfig!({ msPerChar: 70 }); // about 20 s of speech
    onTestFinished(() => {
      emu.setRealtimeScript!(null);
      emu.setRealtimeConfig!(null);
    });
    const { page, problems } = await openCoach(browser, app);
    const before = sessionCount();
    await page.getByTestId('voice-start').click();
    await status(page, 'connected').waitFor({ timeout: 10_000 });
    await page.getByTestId('voice-text-input').fill('Walk me through it.');
    await page.getByTestId('voice-text-send').click();
    await page.getByTestId('voice-coach-speaking').waitFor({ timeout: 10_000 });
    await expect.poll(async () => words(await textOf(page, 'assistant')), { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
    await expect.poll(() => inboundLevel(page), { timeout: 3_000 }).toBeGreaterThan(0.01); // audibly speaking

    await page.getByTestId('voice-interrupt').click();
    await expect.poll(() => page.getByTestId('voice-coach-speaking').count(), { timeout: 2_000 }).toBe(0);
    await page.locator('[data-testid="voice-turn"][data-role="assistant"][data-status="interrupted"]').waitFor({ timeout: 5_000 });
    const heard = await textOf(page, 'assistant');
    expect(words(heard)).toBeGreaterThan(0);
    expect(words(heard)).toBeLessThan(words(LONG_REPLY));
    expect(LONG_REPLY.startsWith(heard)).toBe(true);
    // The voice really went quiet (the emulator cleared its queue; what follows is silence frames).
    await expect.poll(() => inboundLevel(page), { timeout: 3_000 }).toBeLessThan(0.001);
    const [record] = sessionsSince(before);
    expect(record!.responses.cancelled).toBe(1);
    expect(record!.truncations).toHaveLength(1);
    await expectClean(problems);
    await hangUp(page, app);
  });

  it('frees the per-IP session quota on hang-up', async () => {
    const tokenStatuses: number[] = [];
    const { page, problems } = await openCoach(browser, quotaApp, (p) =>
      p.on('response', (r) => r.url().endsWith('/api/voice-agent/token') && tokenStatuses.push(r.status())),
    );
    await page.getByTestId('voice-start').click();
    await status(page, 'connected').waitFor({ timeout: 10_000 });
    // MAX_SESSIONS_PER_IP=1 is in force: while this session lives, another one is refused.
    const second = await quotaApp.fetch('/api/voice-agent/token', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(second.status).toBe(429);

    await hangUp(page, quotaApp);
    await page.getByTestId('start-session').click();
    await page.getByTestId('coach-mode').filter({ hasText: 'realtime' }).waitFor({ timeout: 10_000 });
    await page.getByTestId('voice-start').click();
    await status(page, 'connected').waitFor({ timeout: 10_000 });
    expect(tokenStatuses).toEqual([200, 200]);
    await expectClean(problems);
    await hangUp(page, quotaApp);
  });
});
