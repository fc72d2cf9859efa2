/**
 * Demo mode from a fresh start: the built app with no OpenAI key (what a newcomer gets from the README's
 * first command), in Chromium. The coach is clearly labelled a demo, says what to set for the real one,
 * opens the conversation, coaches on what the user types, looks facts up in the platform library and
 * shows the sources — and not one request leaves the site: every request the page makes goes to the app's
 * own origin, and the OpenAI emulator the app could have been pointed at sees nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { axeViolations } from '../helpers/axe';
import { NO_PROBLEMS, chromiumSkipNote, haveChromium, launchBrowser, problemsOf, watchPage, type BrowserSession } from '../helpers/browser';
import { startTestEmulator, type Emulator } from '../helpers/emulator';
import { silentWav } from '../helpers/speech-wav';

const turns = (page: Page, role: 'user' | 'assistant') => page.locator(`[data-testid="voice-turn"][data-role="${role}"]`);
const lastText = async (page: Page, role: 'user' | 'assistant') => ((await turns(page, role).last().textContent()) ?? '').trim();

async function say(page: Page, text: string): Promise<string> {
  const before = await turns(page, 'assistant').count();
  await page.getByTestId('voice-text-input').fill(text);
  await page.getByTestId('voice-text-send').click();
  await expect.poll(() => turns(page, 'assistant').count(), { timeout: 15_000 }).toBeGreaterThan(before);
  await expect.poll(() => page.locator('[data-testid="voice-turn"][data-role="assistant"][data-status="streaming"]').count(), { timeout: 15_000 }).toBe(0);
  return lastText(page, 'assistant');
}

describe.skipIf(!haveChromium)(`demo mode in Chromium${chromiumSkipNote}`, () => {
  let emu: Emulator;
  let app: AppServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    emu = await startTestEmulator();
    [app, browser] = await Promise.all([
      // No OPENAI_API_KEY: the demo. The base URL points at the emulator only to prove nothing is sent there.
      startAppServer({ OPENAI_BASE_URL: emu.baseUrl }),
      launchBrowser({ fakeAudioCapture: silentWav() }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await emu?.close();
  });

  it('is labelled a demo, holds a coaching conversation, searches the library with sources, and calls nothing outside the site', async () => {
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    const foreign: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.protocol !== 'data:' && url.protocol !== 'blob:' && url.origin !== new URL(app.url).origin) foreign.push(request.url());
    });

    await page.goto(`${app.url}/coach`);
    await page.getByTestId('coach-mode').filter({ hasText: 'demo' }).waitFor({ timeout: 20_000 });
    expect(await page.getByText('set OPENAI_API_KEY', { exact: false }).count()).toBeGreaterThan(0);
    expect(await page.getByTestId('voice-title').getAttribute('data-mode')).toBe('demo');
    expect(await page.getByTestId('demo-badge').textContent()).toContain('Demo');

    await page.getByTestId('voice-start').click();
    await page.locator('[data-testid="voice-status"][data-status="connected"]').waitFor({ timeout: 15_000 });
    // The coach opens the conversation.
    await expect.poll(() => turns(page, 'assistant').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    const opening = await lastText(page, 'assistant');
    expect(opening.length).toBeGreaterThan(20);

    // It coaches on the topic the user brings, and moves the conversation on rather than repeating itself.
    const first = await say(page, 'I need to build the business case for our first AI investment.');
    expect(first).toMatch(/\?/);
    const second = await say(page, 'We want to automate invoice processing in finance, about two million euros.');
    expect(second).toMatch(/\?/);
    expect(second).not.toBe(first);
    expect(await lastText(page, 'user')).toContain('invoice processing');

    // A factual question: the library search runs, its sources are shown, and the coach answers from it.
    await say(page, 'What does the EU AI Act require for high-risk systems?');
    await expect.poll(() => page.locator('[data-testid="search-result"]').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('search-provider').first().textContent()).toMatch(/library/i);
    expect(await page.getByTestId('search-citation').first().getAttribute('href')).toMatch(/^\/library\//);
    await expect.poll(() => lastText(page, 'assistant'), { timeout: 15_000 }).toMatch(/library/i);

    // The demo conversation (badge, transcript, sources) passes the same accessibility rules as the site.
    expect(await axeViolations(page)).toEqual([]);

    // Hanging up ends the session.
    await page.getByTestId('voice-hangup').click();
    await page.getByTestId('coach-status').filter({ hasText: 'Session ended' }).waitFor({ timeout: 10_000 });

    expect(foreign).toEqual([]);
    expect(Object.values(emu.stats().counts).reduce((a, b) => a + b, 0)).toBe(0);
    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
    await page.close();
  });
});
