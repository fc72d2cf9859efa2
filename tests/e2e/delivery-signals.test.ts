/**
 * The live delivery signals on /coach, in Chromium against the built server:
 * - demo mode (no API key): typed messages with filler words and a question → the strip appears once the
 *   user has said something and shows the counts a user would check by hand; pace waits for spoken words;
 *   the talk ratio is by words and matches the transcript on screen; the page stays axe-clean;
 * - fallback mode (the fake microphone plays a spoken WAV): a spoken turn is timed by the page's voice
 *   detection, so a pace in words per minute appears, and once the coach's spoken reply has played the
 *   talk ratio is measured by speaking time;
 * - realtime mode (WebRTC, the emulator's voice detection): the same spoken turn is timed from the
 *   server's speech_started/speech_stopped, and the coach's reply from its spoken track.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { axeViolations } from '../helpers/axe';
import { NO_PROBLEMS, chromiumSkipNote, haveChromium, launchBrowser, problemsOf, watchPage, type BrowserSession } from '../helpers/browser';
import { STANDARD_KEY, startTestEmulator, type Emulator } from '../helpers/emulator';
import { espeakSkipNote, haveEspeak, silentWav, speechWav } from '../helpers/speech-wav';
import { startVoiceRig, type VoiceRig } from '../helpers/voice-rig';

const LIMITS = { RATE_LIMIT_PER_IP_PER_MINUTE: '1000', MAX_SESSIONS_PER_IP: '1000', FALLBACK_RATE_LIMIT_PER_SESSION_PER_MINUTE: '1000', FALLBACK_RATE_LIMIT_PER_IP_PER_MINUTE: '1000' };

const turns = (page: Page, role: 'user' | 'assistant') => page.locator(`[data-testid="voice-turn"][data-role="${role}"]`);
const signal = async (page: Page, name: string) => ((await page.getByTestId(`signal-${name}`).textContent()) ?? '').trim();
/** The hint under a signal's value (the next `dd`). */
const hint = async (page: Page, name: string) => ((await page.getByTestId(`signal-${name}`).locator('xpath=following-sibling::dd[1]').textContent()) ?? '').trim();
/** Words as a reader counts them: whitespace-separated, with a letter or digit in them. */
const words = (text: string) => text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;

/** Type a message and wait for the coach's answer to be fully there (no turn still pending or streaming). */
async function typeAndWait(page: Page, text: string): Promise<void> {
  const before = await turns(page, 'assistant').count();
  await page.getByTestId('voice-text-input').fill(text);
  await page.getByTestId('voice-text-send').click();
  await expect.poll(() => turns(page, 'assistant').count(), { timeout: 15_000 }).toBeGreaterThan(before);
  await expect
    .poll(() => page.locator('[data-testid="voice-turn"][data-status="pending"], [data-testid="voice-turn"][data-status="streaming"]').count(), { timeout: 30_000 })
    .toBe(0);
}

describe.skipIf(!haveChromium)(`live delivery signals, demo mode${chromiumSkipNote}`, () => {
  let app: AppServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startAppServer({}), launchBrowser({ fakeAudioCapture: silentWav() })]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('counts fillers, questions and the longest answer in typed turns, and the talk ratio by words', async () => {
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    await page.goto(`${app.url}/coach`);
    await page.getByTestId('coach-mode').filter({ hasText: 'demo' }).waitFor({ timeout: 20_000 });
    await page.getByTestId('voice-start').click();
    await page.locator('[data-testid="voice-status"][data-status="connected"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => turns(page, 'assistant').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    // Nothing said yet: no signals.
    expect(await page.getByTestId('delivery-signals').count()).toBe(0);

    // 12 words; fillers "Um", "you know" (set off by commas), "basically".
    await typeAndWait(page, 'Um, we need to, you know, basically decide on the AI budget.');
    await page.getByTestId('delivery-signals').waitFor({ timeout: 10_000 });
    expect(await signal(page, 'fillers')).toBe('3');
    expect(await hint(page, 'fillers')).toBe('25.0 per 100 words: “basically” ×1, “um” ×1, “you know” ×1.');
    expect(await signal(page, 'questions')).toBe('0');

    // 8 words, one question, no fillers.
    await typeAndWait(page, 'Should we start with one small pilot first?');
    expect(await signal(page, 'questions')).toBe('1');
    expect(await signal(page, 'fillers')).toBe('3');
    expect(await hint(page, 'fillers')).toMatch(/^15\.0 per 100 words/); // 3 of 20 words
    expect(await signal(page, 'monologue')).toBe('12 words'); // typed: no seconds; the coach answered in between
    // Typed turns are not timed: no pace, and it says why.
    expect(await signal(page, 'pace')).toBe('Not yet');
    expect(await hint(page, 'pace')).toBe('After 10 s of your speech; typing is not timed.');

    // The talk ratio by words, as a reader would count the transcript on screen.
    const coachWords = (await turns(page, 'assistant').locator('[data-testid="voice-turn-text"]').allTextContents()).reduce((n, t) => n + words(t), 0);
    expect(coachWords).toBeGreaterThan(0);
    expect(await signal(page, 'talk-ratio')).toBe(`${Math.round((20 / (20 + coachWords)) * 100)}% you`);
    expect(await hint(page, 'talk-ratio')).toContain('(by words)');

    // Readable by screen readers as a labelled region with a description list, and no live region.
    const region = page.getByRole('region', { name: 'Delivery signals' });
    expect(await region.count()).toBe(1);
    expect(await region.locator('dl dt').allTextContents()).toEqual(['Pace', 'Talk ratio', 'Filler words', 'Longest monologue', 'Questions asked']);
    expect(await region.locator('[aria-live]').count()).toBe(0);
    expect(await region.getAttribute('aria-live')).toBeNull();
    expect(await axeViolations(page)).toEqual([]);

    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
    await page.getByTestId('voice-hangup').click();
    await page.close();
  });
});

/** About 12 s of speech (espeak-ng, 150 wpm setting), commas only: one utterance for the voice detection. */
const LONG_TURN =
  'So here is my opening for the board, we want to put two million euros into one pilot in finance, measure the savings for six months, and then decide together whether to scale it across the group';

describe.skipIf(!haveChromium || !haveEspeak)(`live delivery signals, fallback mode${chromiumSkipNote}${espeakSkipNote}`, () => {
  let emu: Emulator;
  let app: AppServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    emu = await startTestEmulator({ transcripts: [`${LONG_TURN}.`], defaultTranscript: 'Let me think about that.' });
    [app, browser] = await Promise.all([
      startAppServer({ OPENAI_API_KEY: STANDARD_KEY, OPENAI_BASE_URL: emu.baseUrl, ...LIMITS }),
      // One long utterance, then silence long enough for the coach's whole reply to play.
      launchBrowser({ fakeAudioCapture: speechWav(LONG_TURN, { tailSeconds: 40 }) }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await emu?.close();
  });

  it('shows a pace in words per minute for a spoken turn, and the talk ratio by speaking time', async () => {
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    await page.goto(`${app.url}/coach`);
    await page.getByTestId('coach-mode').filter({ hasText: 'fallback' }).waitFor({ timeout: 20_000 });
    await page.getByTestId('voice-start').click();
    await page.locator('[data-testid="voice-status"][data-status="connected"]').waitFor({ timeout: 20_000 });

    await expect.poll(() => signal(page, 'pace').catch(() => ''), { timeout: 60_000 }).toMatch(/^\d+ wpm$/);
    // 37 words over the ~12 s the voice detection heard: a speaking pace, not a unit slip (ms vs s).
    const wpm = Number((await signal(page, 'pace')).split(' ')[0]);
    expect(wpm).toBeGreaterThan(120);
    expect(wpm).toBeLessThan(240);
    expect(await hint(page, 'pace')).toContain('a measured pace for a boardroom is 130–160');
    const seconds = Number(/· (\d+) s$/.exec(await signal(page, 'monologue'))?.[1]);
    expect(await signal(page, 'monologue')).toMatch(/^37 words · \d+ s$/);
    expect(seconds).toBeGreaterThanOrEqual(10);
    expect(seconds).toBeLessThanOrEqual(15);

    // The coach's reply played to the end: both sides are timed, so the ratio is by speaking time.
    await expect.poll(() => page.locator('[data-testid="voice-turn"][data-role="assistant"][data-status="done"]').count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => hint(page, 'talk-ratio'), { timeout: 10_000 }).toContain('(by speaking time)');
    expect(await signal(page, 'talk-ratio')).toMatch(/^\d+% you$/);

    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
    await page.getByTestId('voice-hangup').click();
    await page.close();
  });
});

describe.skipIf(!haveChromium || !haveEspeak)(`live delivery signals, realtime mode${chromiumSkipNote}${espeakSkipNote}`, () => {
  let rig: VoiceRig;

  beforeAll(async () => {
    rig = await startVoiceRig({
      realtimeScript: [{ user: `${LONG_TURN}.`, assistant: 'Good. Now give me the one number you want the board to approve, and why.' }],
      fakeAudioCapture: speechWav(LONG_TURN, { tailSeconds: 40 }),
    });
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('times the spoken turn from the server’s voice detection, and the reply from its audio', async () => {
    const page = await rig.browser.context.newPage();
    const problems = watchPage(page);
    await page.goto(`${rig.app.url}/coach`);
    await page.getByTestId('coach-mode').filter({ hasText: 'realtime' }).waitFor({ timeout: 20_000 });
    await page.getByTestId('voice-start').click();
    await page.locator('[data-testid="voice-status"][data-status="connected"]').waitFor({ timeout: 20_000 });

    await expect.poll(() => signal(page, 'pace').catch(() => ''), { timeout: 60_000 }).toMatch(/^\d+ wpm$/);
    const wpm = Number((await signal(page, 'pace')).split(' ')[0]);
    expect(wpm).toBeGreaterThan(100);
    expect(wpm).toBeLessThan(240);
    expect(await signal(page, 'monologue')).toMatch(/^37 words · \d+ s$/);
    await expect.poll(() => page.locator('[data-testid="voice-turn"][data-role="assistant"][data-status="done"]').count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => hint(page, 'talk-ratio'), { timeout: 10_000 }).toContain('(by speaking time)');

    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
    await page.getByTestId('voice-hangup').click();
    await page.close();
  });
});
