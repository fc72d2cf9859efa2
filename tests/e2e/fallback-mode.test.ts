/**
 * Fallback mode (speech-to-text + chat + speech) in Chromium against the built server and the OpenAI
 * emulator, with the fake microphone playing a spoken WAV (espeak-ng):
 * - a key without realtime access gets a fallback session; a spoken turn is heard by the page's voice
 *   detection, transcribed, shown as the reply streams, and spoken sentence by sentence (one speech request
 *   per sentence);
 * - a typed question triggers the server-side web search inside the chat turn, with its sources shown;
 * - speaking over the coach stops its voice, and the transcript keeps only what was heard;
 * - a live (realtime) conversation whose voice connection is lost and then refused moves to fallback in the
 *   same session, keeps its transcript, says so, and the next turn's chat request carries the earlier turns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { axeViolations } from '../helpers/axe';
import { NO_PROBLEMS, chromiumSkipNote, haveChromium, launchBrowser, problemsOf, watchPage, type BrowserSession } from '../helpers/browser';
import { REALTIME_KEY, STANDARD_KEY, calls, startTestEmulator, type Emulator } from '../helpers/emulator';
import { espeakSkipNote, haveEspeak, speechWav } from '../helpers/speech-wav';
import { RECORD_PEERS } from '../helpers/voice-rig';

const LIMITS = { RATE_LIMIT_PER_IP_PER_MINUTE: '1000', MAX_SESSIONS_PER_IP: '1000', FALLBACK_RATE_LIMIT_PER_SESSION_PER_MINUTE: '1000', FALLBACK_RATE_LIMIT_PER_IP_PER_MINUTE: '1000' };
const turns = (page: Page, role: 'user' | 'assistant') => page.locator(`[data-testid="voice-turn"][data-role="${role}"]`);
const texts = async (page: Page, role: 'user' | 'assistant') => (await turns(page, role).locator('[data-testid="voice-turn-text"]').allTextContents()).map((t) => t.trim());
const mark = (page: Page, name: string) => page.evaluate((n) => performance.getEntriesByName(n).length, name);

/** Records every text the last assistant turn shows, to prove the reply streamed in pieces. */
const WATCH_STREAMING = `(() => {
  window.__assistantTexts = [];
  new MutationObserver(() => {
    const all = document.querySelectorAll('[data-testid="voice-turn"][data-role="assistant"]');
    const text = all.length ? all[all.length - 1].textContent : '';
    const seen = window.__assistantTexts;
    if (text && seen[seen.length - 1] !== text) seen.push(text);
  }).observe(document, { subtree: true, childList: true, characterData: true });
})();`;

async function typeTurn(page: Page, text: string): Promise<void> {
  await page.getByTestId('voice-text-input').fill(text);
  await page.getByTestId('voice-text-send').click();
}

describe.skipIf(!haveChromium || !haveEspeak)(`fallback mode in Chromium${chromiumSkipNote}${espeakSkipNote}`, () => {
  let emu: Emulator;
  let app: AppServer;

  beforeAll(async () => {
    emu = await startTestEmulator({ transcripts: ['I want to rehearse my budget pitch for the board.'], defaultTranscript: 'Let me think about that.' });
    app = await startAppServer({ OPENAI_API_KEY: STANDARD_KEY, OPENAI_BASE_URL: emu.baseUrl, ...LIMITS });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await emu?.close();
  });

  describe('a spoken turn, then a typed question with a search', () => {
    let browser: BrowserSession;
    beforeAll(async () => {
      // One utterance, then silence long enough for the whole reply to play.
      browser = await launchBrowser({ fakeAudioCapture: speechWav('I want to rehearse my budget pitch for the board.', { tailSeconds: 30 }) });
      await browser.context.addInitScript({ content: WATCH_STREAMING });
    }, 60_000);
    afterAll(() => browser?.close());

    it('hears, transcribes, streams the reply and speaks it sentence by sentence; searches on the server inside a chat turn', async () => {
      const page = await browser.context.newPage();
      const problems = watchPage(page);
      await page.goto(`${app.url}/coach`);
      await page.getByTestId('coach-mode').filter({ hasText: 'fallback' }).waitFor({ timeout: 20_000 });
      expect(await page.getByTestId('voice-title').getAttribute('data-mode')).toBe('fallback');
      await page.getByTestId('voice-start').click();
      await page.locator('[data-testid="voice-status"][data-status="connected"]').waitFor({ timeout: 20_000 });

      await expect.poll(() => texts(page, 'user'), { timeout: 30_000 }).toEqual(['I want to rehearse my budget pitch for the board.']);
      await expect.poll(() => mark(page, 'coach:first-audio'), { timeout: 30_000 }).toBe(1);
      await page.getByTestId('voice-coach-speaking').waitFor({ timeout: 10_000 });
      await expect.poll(() => page.locator('[data-testid="voice-turn"][data-role="assistant"][data-status="done"]').count(), { timeout: 60_000 }).toBe(1);
      const seen = await page.evaluate(() => (window as unknown as { __assistantTexts: string[] }).__assistantTexts);
      expect(seen.length).toBeGreaterThan(2); // shown piece by piece as it streamed
      const reply = (await texts(page, 'assistant'))[0]!;
      expect(reply.split(/(?<=[.!?])\s+/).length).toBeGreaterThan(1);
      // One speech request per sentence, not one for the whole reply.
      expect(calls(emu, 'audio.speech')).toBeGreaterThan(1);
      expect(emu.stats().lastRequest['audio.speech']!.body.input.length).toBeLessThan(reply.length);
      expect(emu.stats().lastRequest['audio.speech']!.body.response_format).toBe('pcm');
      // The coach's instructions are bound on the server, not sent by the page.
      const chatBody = emu.stats().lastRequest['chat.completions']!.body;
      expect(chatBody.messages[0].role).toBe('developer');

      // A typed question the model answers with a web search, run by the server inside the chat turn.
      await typeTurn(page, 'Can you check what the EU AI Act requires for high-risk systems?');
      await expect.poll(() => page.locator('[data-testid="search-result"]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
      expect(await page.getByTestId('search-citation').first().getAttribute('href')).toMatch(/^https?:\/\//);
      await expect.poll(async () => (await texts(page, 'assistant')).at(-1) ?? '', { timeout: 30_000 }).toContain('According to the search');
      expect((await texts(page, 'user')).at(-1)).toContain('EU AI Act');

      expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
      await page.getByTestId('voice-hangup').click();
      await page.close();
    });
  });

  describe('speaking over the coach', () => {
    let browser: BrowserSession;
    beforeAll(async () => {
      // The phrase comes back every ~4 s: the second time, the coach is still speaking its reply.
      browser = await launchBrowser({ fakeAudioCapture: speechWav('Hold on, let me stop you there.', { tailSeconds: 2.5 }) });
    }, 60_000);
    afterAll(() => browser?.close());

    it('stops the coach’s voice and keeps only what was heard', async () => {
      await emu.setFallbackConfig?.({ chatChunkMs: 5 });
      const page = await browser.context.newPage();
      const problems = watchPage(page);
      await page.goto(`${app.url}/coach`);
      await page.getByTestId('coach-mode').filter({ hasText: 'fallback' }).waitFor({ timeout: 20_000 });
      await page.getByTestId('voice-start').click();
      await page.getByTestId('voice-coach-speaking').waitFor({ timeout: 40_000 });
      await page.locator('[data-testid="voice-turn"][data-role="assistant"][data-status="interrupted"]').first().waitFor({ timeout: 40_000 });
      const cut = ((await page.locator('[data-testid="voice-turn"][data-role="assistant"][data-status="interrupted"] [data-testid="voice-turn-text"]').first().textContent()) ?? '').trim();
      // What the emulator's chat produced for that turn, in full (its replies are deterministic).
      const asked = emu.stats().lastRequest['chat.completions']!.body;
      const full = await fetch(`${emu.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${STANDARD_KEY}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: asked.model, messages: asked.messages }),
      }).then(async (r) => ((await r.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content);
      // The transcript keeps what was heard — a prefix of the reply, cut on a word — not the words never spoken.
      expect(cut.endsWith('…')).toBe(true);
      expect(full.startsWith(cut.slice(0, -1).trimEnd())).toBe(true);
      expect(cut.length - 1).toBeLessThan(full.length);
      // The user's interruption becomes the next turn.
      await expect
        .poll(async () => {
          const roles = await page.locator('[data-testid="voice-turn"]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-role')}:${e.getAttribute('data-status')}`));
          return roles.slice(roles.indexOf('assistant:interrupted') + 1).some((r) => r.startsWith('user:'));
        }, { timeout: 20_000 })
        .toBe(true);
      expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
      await page.getByTestId('voice-hangup').click();
      await page.close();
    });
  });
});

describe.skipIf(!haveChromium || !haveEspeak)(`realtime → fallback mid-session in Chromium${chromiumSkipNote}${espeakSkipNote}`, () => {
  let emu: Emulator;
  let app: AppServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    emu = await startTestEmulator({
      realtimeScript: [{ user: 'I want to rehearse my budget pitch for the board.', assistant: 'Good. Give me your opening line, as you would say it on the day.' }],
    });
    [app, browser] = await Promise.all([
      startAppServer({ OPENAI_API_KEY: REALTIME_KEY, OPENAI_BASE_URL: emu.baseUrl, ...LIMITS }),
      launchBrowser({ fakeAudioCapture: speechWav('I want to rehearse my budget pitch for the board.', { tailSeconds: 30 }) }),
    ]);
    await browser.context.addInitScript({ content: RECORD_PEERS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await emu?.close();
  });

  it('keeps the conversation, says why, and carries on in chat + speech in the same session', async () => {
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    await page.goto(`${app.url}/coach`);
    await page.getByTestId('coach-mode').filter({ hasText: 'realtime' }).waitFor({ timeout: 20_000 });
    await page.getByTestId('voice-start').click();
    await page.locator('[data-testid="voice-status"][data-status="connected"]').waitFor({ timeout: 20_000 });
    await expect.poll(async () => (await texts(page, 'assistant')).join(' '), { timeout: 30_000 }).toContain('opening line');
    const sessionBefore = await page.evaluate(() => document.querySelector('[data-testid="coach-status"]')?.textContent ?? '');

    // The live connection drops and every new live connection is refused (the key lost realtime access).
    emu.setFaults([
      { route: 'realtime.calls', status: 403, code: 'model_not_found' },
      { route: 'realtime', status: 403, code: 'model_not_found' },
    ]);
    await page.evaluate(() => (window as unknown as { __peers: RTCPeerConnection[] }).__peers.forEach((pc) => pc.close()));

    await page.getByTestId('voice-notice').waitFor({ timeout: 40_000 });
    expect(await page.getByTestId('voice-notice').textContent()).toContain('Live voice stopped working');
    expect(await page.getByTestId('voice-title').getAttribute('data-mode')).toBe('fallback');
    await page.locator('[data-testid="voice-status"][data-status="connected"]').waitFor({ timeout: 20_000 });
    // The transcript so far is still there.
    expect((await texts(page, 'user'))[0]).toContain('rehearse my budget pitch');
    expect((await texts(page, 'assistant'))[0]).toContain('opening line');
    expect(await axeViolations(page)).toEqual([]); // the notice and the fallback panel included

    // The next turn goes through chat, with the earlier turns as its history.
    // (Mute first: the new engine's microphone replays the fake recording from its start.)
    await page.getByTestId('voice-mute').click();
    const typed = 'Here it is: we will save two million euros in the first year.';
    await typeTurn(page, typed);
    const typedChat = () =>
      emu
        .stats()
        .history.filter((h) => h.route === 'chat.completions')
        .map((h) => (h.body.messages as Array<{ role: string; content: string }>).map((m) => `${m.role}: ${m.content}`))
        .find((messages) => messages.at(-1) === `user: ${typed}`);
    await expect.poll(() => typedChat() !== undefined, { timeout: 20_000 }).toBe(true);
    const history = typedChat()!;
    expect(history.some((m: string) => m.startsWith('user: I want to rehearse my budget pitch'))).toBe(true);
    expect(history.some((m: string) => m.startsWith('assistant: Good. Give me your opening line'))).toBe(true);
    await expect.poll(() => turns(page, 'assistant').count(), { timeout: 30_000 }).toBeGreaterThan(1);
    expect(await page.evaluate(() => document.querySelector('[data-testid="coach-status"]')?.textContent ?? '')).toBe(sessionBefore);

    emu.resetFaults();
    // The browser logs the refused SDP exchange itself; nothing else may go wrong.
    const found = await problemsOf(problems);
    expect({ ...found, consoleErrors: found.consoleErrors.filter((e) => !/403 \(Forbidden\).*\/v1\/realtime\/calls/.test(e)) }).toEqual(NO_PROBLEMS);
    await page.getByTestId('voice-hangup').click();
    await page.close();
  });

  it('continues in fallback when the key loses realtime access mid-session: the server moves the session on refresh', async () => {
    emu.resetFaults();
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    await page.goto(`${app.url}/coach`);
    await page.getByTestId('coach-mode').filter({ hasText: 'realtime' }).waitFor({ timeout: 20_000 });
    await page.getByTestId('voice-start').click();
    await page.locator('[data-testid="voice-status"][data-status="connected"]').waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="voice-turn"][data-role="assistant"][data-status="done"]').first().waitFor({ timeout: 30_000 });

    // From now on the key has no realtime access; the live connection drops and the reconnect's refresh
    // finds out when it tries to mint a new realtime secret.
    emu.setFaults([{ noRealtime: true }]);
    const chatsBefore = calls(emu, 'chat.completions');
    await page.evaluate(() => (window as unknown as { __peers: RTCPeerConnection[] }).__peers.forEach((pc) => pc.close()));

    await page.getByTestId('voice-notice').waitFor({ timeout: 40_000 });
    expect(await page.getByTestId('voice-notice').textContent()).toMatch(/Live voice stopped working: .*realtime/);
    expect(await page.getByTestId('voice-title').getAttribute('data-mode')).toBe('fallback');
    expect((await texts(page, 'user')).length).toBeGreaterThan(0);
    await typeTurn(page, 'Let us continue where we were.');
    await expect.poll(() => calls(emu, 'chat.completions'), { timeout: 20_000 }).toBeGreaterThan(chatsBefore);
    emu.resetFaults();
    const found = await problemsOf(problems);
    expect({ ...found, consoleErrors: found.consoleErrors.filter((e) => !/status of 50[03]|Forbidden/.test(e)) }).toEqual(NO_PROBLEMS);
    await page.getByTestId('voice-hangup').click();
    await page.close();
  });
});
