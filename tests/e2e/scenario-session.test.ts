/**
 * From a scenario's brief into a session, in Chromium against the built server and the OpenAI emulator:
 * "Start this scenario" opens /coach for that scenario, the page says what is being practised, the
 * session the page starts is minted with the scenario's role-play bound on the server, and the counterpart
 * speaks first — while nothing the browser receives contains the coach's instructions. An unknown scenario
 * id is a free coaching session, said plainly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { NO_PROBLEMS, chromiumSkipNote, haveChromium, launchBrowser, problemsOf, watchPage, type BrowserSession } from '../helpers/browser';
import { REALTIME_KEY, calls, startTestEmulator, type Emulator } from '../helpers/emulator';
import { silentWav } from '../helpers/speech-wav';

const SCENARIO = 'defend-ai-budget-to-the-cfo';

describe.skipIf(!haveChromium)(`a scenario session in Chromium${chromiumSkipNote}`, () => {
  let emu: Emulator;
  let app: AppServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    emu = await startTestEmulator();
    [app, browser] = await Promise.all([
      startAppServer({ OPENAI_API_KEY: REALTIME_KEY, OPENAI_BASE_URL: emu.baseUrl, RATE_LIMIT_PER_IP_PER_MINUTE: '1000', MAX_SESSIONS_PER_IP: '1000' }),
      launchBrowser({ fakeAudioCapture: silentWav() }),
    ]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await emu?.close();
  });

  it('starts from the brief, binds the role-play on the server, and never sends the instructions to the browser', async () => {
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    const bodies: string[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(app.url)) void response.text().then((t) => bodies.push(t), () => undefined);
    });

    await page.goto(`${app.url}/scenarios/${SCENARIO}`);
    const mints = calls(emu, 'client_secrets');
    await page.getByRole('link', { name: /Start this scenario/ }).first().click();
    await page.waitForURL(`**/coach?scenario=${SCENARIO}`);
    expect(await page.getByTestId('coach-scenario').getAttribute('data-scenario')).toBe(SCENARIO);
    expect(await page.getByTestId('coach-scenario').textContent()).toContain('CFO');

    // The page's session (fetched while it is idle) is minted for the scenario.
    await page.getByTestId('coach-mode').filter({ hasText: 'realtime' }).waitFor({ timeout: 20_000 });
    await expect.poll(() => calls(emu, 'client_secrets'), { timeout: 10_000 }).toBeGreaterThan(mints);
    const instructions = String(emu.stats().lastRequest['client_secrets']!.body.session.instructions);
    expect(instructions).toContain('You are the Executive AI Coach');
    expect(instructions).toMatch(/CFO/);
    // The rubric is for grading, not for the coach.
    expect(instructions).not.toMatch(/weight/i);

    // The counterpart opens the conversation (the microphone is silent: nobody else spoke).
    await page.getByTestId('voice-start').click();
    await page.locator('[data-testid="voice-status"][data-status="connected"]').waitFor({ timeout: 20_000 });
    await page.locator('[data-testid="voice-turn"][data-role="assistant"]').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid="voice-turn"][data-role="user"]').count()).toBe(0);
    await page.getByTestId('voice-hangup').click();

    // Nothing the browser received carries the instruction text (only the scenario's id and title).
    await page.waitForTimeout(500);
    expect(bodies.some((b) => b.includes('You are the Executive AI Coach'))).toBe(false);
    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
    await page.close();
  });

  it('treats an unknown scenario as free coaching and says so', async () => {
    const page = await browser.context.newPage();
    const tokenBodies: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/voice-agent/token')) tokenBodies.push(request.postData() ?? '');
    });
    await page.goto(`${app.url}/coach?scenario=no-such-scenario`);
    await page.getByTestId('coach-scenario-unknown').waitFor();
    await page.getByTestId('coach-mode').filter({ hasText: 'realtime' }).waitFor({ timeout: 20_000 });
    expect(tokenBodies.length).toBeGreaterThan(0);
    expect(tokenBodies.every((b) => !b.includes('scenarioId'))).toBe(true);
    await page.close();
  });
});
