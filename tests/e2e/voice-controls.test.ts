/**
 * The voice console's controls as a user meets them: a blocked microphone leaves a clear message and a
 * working text box (not a dead page), push-to-talk keeps the microphone closed until held, mute closes
 * it, and the transcript downloads as plain text.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AppServer } from '../helpers/app-server';
import { NO_PROBLEMS, chromiumSkipNote, haveChromium, problemsOf, watchPage, type BrowserSession } from '../helpers/browser';
import { startVoiceRig, type VoiceRig } from '../helpers/voice-rig';
import { silentWav } from '../helpers/speech-wav';

const SCRIPT = [{ user: 'typed', assistant: 'Understood. Start with the number you want the board to remember.' }];
/** What the browser does when the user (or policy) refuses the microphone. */
const DENY_MICROPHONE = `navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));`;

/** Whether the page is sending microphone audio (the sender's track is enabled). */
const micSending = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { __peers: RTCPeerConnection[] }).__peers.some((pc) =>
      pc.getSenders().some((s) => s.track?.kind === 'audio' && s.track.enabled && s.track.readyState === 'live'),
    ),
  );

describe.skipIf(!haveChromium)(`voice console controls${chromiumSkipNote}`, () => {
  let rig: VoiceRig;
  let browser: BrowserSession;
  let app: AppServer;

  beforeAll(async () => {
    rig = await startVoiceRig({ realtimeScript: SCRIPT, fakeAudioCapture: silentWav() });
    ({ browser, app } = rig);
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  async function connect(page: Page) {
    await page.goto(`${app.url}/coach`);
    await page.getByTestId('voice-start').click();
    await page.locator('[data-testid="voice-status"][data-status="connected"]').waitFor({ timeout: 20_000 });
  }

  it('a blocked microphone gets a plain message, and the coach still answers typed messages', async () => {
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    await page.addInitScript({ content: DENY_MICROPHONE });
    await connect(page);
    expect(await page.getByTestId('voice-mic-problem').textContent()).toContain('Microphone access is blocked');
    await page.getByTestId('voice-text-input').fill('Here is my opening line.');
    await page.getByTestId('voice-text-send').click();
    await expect
      .poll(async () => (await page.locator('[data-testid="voice-turn"][data-role="assistant"]').allTextContents()).join(' '), { timeout: 20_000 })
      .toContain('number you want the board to remember');
    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
    await page.getByTestId('voice-hangup').click();
    await page.close();
  });

  it('push-to-talk opens the microphone only while held; mute closes it', async () => {
    const page = await browser.context.newPage();
    await connect(page);
    expect(await micSending(page)).toBe(true);

    await page.getByTestId('voice-mute').click();
    await expect.poll(() => micSending(page)).toBe(false);
    await page.getByTestId('voice-mute').click();
    await expect.poll(() => micSending(page)).toBe(true);

    await page.getByTestId('voice-ptt-toggle').check();
    await expect.poll(() => micSending(page)).toBe(false);
    const hold = page.getByTestId('voice-ptt');
    await hold.hover();
    await page.mouse.down();
    await expect.poll(() => micSending(page)).toBe(true);
    await page.mouse.up();
    await expect.poll(() => micSending(page)).toBe(false);
    // Space works too (focus outside the text box).
    await page.locator('body').click({ position: { x: 2, y: 2 } });
    await page.keyboard.down('Space');
    await expect.poll(() => micSending(page)).toBe(true);
    await page.keyboard.up('Space');
    await expect.poll(() => micSending(page)).toBe(false);
    await page.getByTestId('voice-hangup').click();
    await page.close();
  });

  it('downloads the transcript as plain text with both sides of the conversation', async () => {
    const page = await browser.context.newPage();
    await connect(page);
    await page.getByTestId('voice-text-input').fill('Here is my opening line.');
    await page.getByTestId('voice-text-send').click();
    await page.locator('[data-testid="voice-turn"][data-role="assistant"][data-status="done"]').first().waitFor({ timeout: 20_000 });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('voice-download').click()]);
    expect(download.suggestedFilename()).toMatch(/^coaching-session-.*\.txt$/);
    const text = readFileSync((await download.path())!, 'utf8');
    expect(text).toContain('You: Here is my opening line.');
    expect(text).toContain('Coach: Understood.');
    await page.getByTestId('voice-hangup').click();
    await page.close();
  });
});
