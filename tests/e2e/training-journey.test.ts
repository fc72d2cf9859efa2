/**
 * The whole training loop as an executive lives it, in Chromium against the built server and the OpenAI
 * emulator, in the chat + speech mode (a key without realtime access), the fake microphone speaking:
 * choose a scenario in the library → read its brief → start → the counterpart opens → the user answers out
 * loud and sees their delivery signals → ends the session → gets a scorecard graded by the model against the
 * scenario's rubric (evidence in their own words) → opens the printable report and downloads it as Markdown →
 * sees the session on the progress page with a chart per criterion → exports the history. Then, with consent,
 * the next session in the same scenario starts with the previous session's summary bound on the server, and
 * the progress charts gain a second point.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Download, Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { axeViolations } from '../helpers/axe';
import { NO_PROBLEMS, chromiumSkipNote, haveChromium, launchBrowser, problemsOf, watchPage, type BrowserSession } from '../helpers/browser';
import { STANDARD_KEY, startTestEmulator, type Emulator } from '../helpers/emulator';
import { espeakSkipNote, haveEspeak, speechWav } from '../helpers/speech-wav';
import { loadScenarioCatalogue } from '../../src/server/coach/scenario-catalogue';

const SCENARIO = 'defend-ai-budget-to-the-cfo';
const catalogue = loadScenarioCatalogue(fileURLToPath(new URL('../../src/content/scenarios/', import.meta.url)));
const CFO = catalogue.get(SCENARIO)!;
/** What the user says (the emulator's transcription of the fake microphone). */
const SAID = 'Um, the pilot cut handling time by 32 percent in 12 weeks, so we are asking for 4 million to scale it. What would you need to see by March?';
const TYPED = 'We will release the second tranche only if weekly active use is above 60 percent by month four.';
const LIMITS = { RATE_LIMIT_PER_IP_PER_MINUTE: '1000', MAX_SESSIONS_PER_IP: '1000', FALLBACK_RATE_LIMIT_PER_SESSION_PER_MINUTE: '1000', FALLBACK_RATE_LIMIT_PER_IP_PER_MINUTE: '1000' };

const turnTexts = async (page: Page, role: 'user' | 'assistant') =>
  (await page.locator(`[data-testid="voice-turn"][data-role="${role}"] [data-testid="voice-turn-text"]`).allTextContents()).map((t) => t.trim());
const read = async (download: Download) => readFileSync((await download.path())!, 'utf8');
const chatRequests = (emu: Emulator) => emu.stats().history.filter((h) => h.route === 'chat.completions');

describe.skipIf(!haveChromium || !haveEspeak)(`the training journey in Chromium${chromiumSkipNote}${espeakSkipNote}`, () => {
  let emu: Emulator;
  let app: AppServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    emu = await startTestEmulator({ transcripts: [SAID], defaultTranscript: SAID });
    [app, browser] = await Promise.all([
      startAppServer({ OPENAI_API_KEY: STANDARD_KEY, OPENAI_BASE_URL: emu.baseUrl, ...LIMITS }),
      // The counterpart opens first: the user starts talking once the opening has been spoken.
      launchBrowser({ fakeAudioCapture: speechWav(SAID, { leadSeconds: 20, tailSeconds: 60 }) }),
    ]);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await emu?.close();
  });

  it('choose → talk → end → scorecard → report → progress chart → export; then a second session picks up from the first', async () => {
    const page = await browser.context.newPage();
    const problems = watchPage(page);

    // Choose the scenario in the library and start it from its brief.
    await page.goto(`${app.url}/scenarios`);
    await page.getByRole('link', { name: CFO.title, exact: true }).click();
    await page.waitForURL(`**/scenarios/${SCENARIO}`);
    await page.getByRole('link', { name: /Start this scenario/ }).first().click();
    await page.waitForURL(`**/coach?scenario=${SCENARIO}`);
    await page.getByTestId('coach-mode').filter({ hasText: 'fallback' }).waitFor({ timeout: 20_000 });

    // Talk: the counterpart opens with the scenario's first line, then hears the user's answer.
    await page.getByTestId('voice-start').click();
    await expect.poll(async () => (await turnTexts(page, 'assistant'))[0] ?? '', { timeout: 30_000 }).toMatch(/^You’ve asked for two point four million/);
    expect(chatRequests(emu)[0]!.body.messages.filter((m: { role: string }) => m.role === 'user')).toEqual([]);
    await expect.poll(() => turnTexts(page, 'user'), { timeout: 60_000 }).toEqual([SAID]);
    // Live delivery signals for what was just said.
    await expect.poll(() => page.getByTestId('signal-fillers').textContent(), { timeout: 10_000 }).toMatch(/^1\b/);
    expect(await page.getByTestId('signal-questions').textContent()).toMatch(/^1\b/);
    await expect.poll(() => page.getByTestId('signal-pace').textContent(), { timeout: 10_000 }).toMatch(/\d+ wpm/);
    // The counterpart answers before the user ends.
    await expect.poll(async () => (await turnTexts(page, 'assistant')).length, { timeout: 30_000 }).toBe(2);

    // End: the scorecard, graded by the model against the scenario's rubric, quoting the user's own words.
    const gradings = chatRequests(emu).length;
    await page.getByTestId('end-session').click();
    const result = page.locator('[data-testid="session-result"][data-state="scored"]');
    await result.waitFor({ timeout: 30_000 });
    const grading = chatRequests(emu).slice(gradings).find((h) => h.body.response_format?.type === 'json_schema');
    expect(grading, 'the model graded the session').toBeTruthy();
    expect(await page.getByTestId('scorecard-overall').textContent()).toMatch(/\d+/);
    expect(await page.getByTestId('scorecard-criterion').count()).toBe(CFO.rubric.length);
    const quotes = (await page.getByTestId('scorecard-evidence').allTextContents()).map((q) => q.replace(/^In your words:\s*/, '').replace(/^[“"]|[”"]$/g, '').trim());
    expect(quotes.length).toBeGreaterThan(0);
    for (const q of quotes) expect(SAID.includes(q), `"${q}" is the user's own words`).toBe(true);
    expect(await page.getByTestId('scorecard-strengths').locator('li').count()).toBe(3);
    expect(await page.getByTestId('scorecard-improvements').locator('li').count()).toBe(3);
    expect(await axeViolations(page)).toEqual([]);

    // The printable report and its Markdown export.
    await page.getByTestId('report-link').click();
    await page.waitForURL('**/report?id=*');
    await page.getByTestId('report').waitFor();
    expect(await page.getByTestId('report-transcript').textContent()).toContain(SAID);
    const [markdown] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-download').click()]);
    const md = await read(markdown);
    expect(md).toContain(CFO.title);
    expect(md).toContain('32 percent in 12 weeks');
    for (const c of CFO.rubric) expect(md).toContain(c.criterion);

    // Progress: the session in the history, one chart per criterion; the export holds it.
    await page.goto(`${app.url}/progress`);
    await page.getByTestId('history-item').first().waitFor();
    expect(await page.getByTestId('history-item').count()).toBe(1);
    expect(await page.getByTestId('chart-criterion').count()).toBe(CFO.rubric.length);
    expect(await page.locator('[data-testid="chart-overall"] circle').count()).toBe(1);
    const [exported] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-history').click()]);
    const file = JSON.parse(await read(exported));
    expect(file.sessions).toHaveLength(1);
    expect(file.sessions[0]).toMatchObject({ scenario: { id: SCENARIO }, mode: 'fallback', signals: { fillerCount: 1, questionsAsked: 1 } });
    expect(file.sessions[0].scorecard.criteria.map((c: { id: string }) => c.id)).toEqual(CFO.rubric.map((c) => c.id));
    const summary = file.sessions[0].scorecard.recap.summary as string;
    expect(summary).toMatch(/overall \d+\/100/);
    // The export carries no credential of any kind.
    expect(JSON.stringify(file)).not.toMatch(/sk-test|ek_/);

    // The next session in the same scenario, with consent: the coach is given the previous session's summary.
    const tokenBodies: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/api/voice-agent/token')) tokenBodies.push(r.postData() ?? '');
    });
    await page.goto(`${app.url}/coach?scenario=${SCENARIO}`);
    await page.getByTestId('recap-consent').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('recap-summary').textContent()).toContain(summary);
    await page.getByTestId('coach-mode').filter({ hasText: 'fallback' }).waitFor({ timeout: 20_000 });
    expect(tokenBodies.some((b) => b.includes('"recap"'))).toBe(false); // not without consent
    await page.getByTestId('recap-consent').check();
    // The unused session is replaced by one requested with the recap.
    await expect.poll(() => tokenBodies.filter((b) => b.includes('"recap"')).length, { timeout: 20_000 }).toBe(1);
    await page.getByTestId('coach-mode').filter({ hasText: 'fallback' }).waitFor({ timeout: 20_000 });
    const before = chatRequests(emu).length;
    await page.getByTestId('voice-start').click();
    await expect.poll(() => chatRequests(emu).length, { timeout: 20_000 }).toBeGreaterThan(before);
    const opening = chatRequests(emu)[before]!.body.messages[0].content as string;
    expect(opening).toContain(summary);
    await expect.poll(async () => (await turnTexts(page, 'assistant')).length, { timeout: 30_000 }).toBeGreaterThan(0);
    await page.getByTestId('voice-text-input').fill(TYPED);
    await page.getByTestId('voice-text-send').click();
    await expect.poll(async () => (await turnTexts(page, 'user')).includes(TYPED), { timeout: 20_000 }).toBe(true);
    await page.getByTestId('end-session').click();
    await page.locator('[data-testid="session-result"][data-state="scored"]').waitFor({ timeout: 30_000 });

    await page.goto(`${app.url}/progress`);
    await expect.poll(() => page.getByTestId('history-item').count(), { timeout: 10_000 }).toBe(2);
    expect(await page.locator('[data-testid="chart-overall"] circle').count()).toBe(2);
    expect(await page.locator(`[data-testid="chart-criterion"][data-criterion-id="${CFO.rubric[0]!.id}"] circle`).count()).toBe(2);

    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
    await page.close();
  }, 240_000);
});
