/**
 * Accessibility of the pages as a user of assistive technology meets them: axe-core (WCAG 2.x A/AA
 * rules) finds no violations on the site's pages and on /coach with a live voice session, every voice
 * control is reachable with the keyboard alone, and the transcript is a polite live region.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AppServer } from '../helpers/app-server';
import { axeViolations } from '../helpers/axe';
import { chromiumSkipNote, haveChromium, type BrowserSession } from '../helpers/browser';
import { startVoiceRig, type VoiceRig } from '../helpers/voice-rig';
import { espeakSkipNote, haveEspeak, speechWav } from '../helpers/speech-wav';

describe.skipIf(!haveChromium || !haveEspeak)(`accessibility${chromiumSkipNote}${espeakSkipNote}`, () => {
  let rig: VoiceRig;
  let browser: BrowserSession;
  let app: AppServer;

  beforeAll(async () => {
    rig = await startVoiceRig({ fakeAudioCapture: speechWav('Good morning coach.') });
    ({ browser, app } = rig);
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  it.each(['/', '/library', '/library/eu-ai-act-high-risk-systems', '/privacy'])('%s has no axe violations', async (path) => {
    const page = await browser.context.newPage();
    expect((await page.goto(`${app.url}${path}`))?.status()).toBe(200);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });

  it('/coach has no axe violations before and during a live voice session, and every control is reachable by keyboard', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${app.url}/coach`);
    await page.getByTestId('voice-start').waitFor({ timeout: 20_000 });
    expect(await axeViolations(page)).toEqual([]);

    // Keyboard only: Tab to "Talk to your coach", press Enter.
    const focusedTestId = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? '');
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await focusedTestId()) === 'voice-start';
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await page.locator('[data-testid="voice-status"][data-status="connected"]').waitFor({ timeout: 20_000 });

    const seen = new Set<string>();
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      seen.add(await focusedTestId());
    }
    for (const control of ['voice-mute', 'voice-hangup', 'voice-ptt-toggle', 'voice-text-input', 'search-input']) expect(seen).toContain(control);

    const transcript = page.getByTestId('voice-transcript');
    expect(await transcript.getAttribute('role')).toBe('log');
    expect(await transcript.getAttribute('aria-live')).toBe('polite');
    expect(await axeViolations(page)).toEqual([]);

    await page.getByTestId('voice-hangup').click();
    await page.close();
  });
});
