/**
 * Learning paths in Chromium against the built server: /paths lists the curated paths as cards with this
 * browser's progress; a path page reads without JavaScript (steps in order, with links and why); marking
 * an article done survives a reload and counts in every path that lists the article; a scenario step shows
 * done ("Practised on …") once a history holding that scenario is imported on /progress. axe-core finds
 * nothing on /paths or a path page, and neither logs an error or trips the CSP.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { axeViolations } from '../helpers/axe';
import { NO_PROBLEMS, chromiumSkipNote, haveChromium, launchBrowser, problemsOf, watchPage, type BrowserSession } from '../helpers/browser';
import { sampleRecord } from '../helpers/practice-history';
import { formatShortDate } from '../../src/features/training/progress/progress-copy';

const BOARD = 'ai-risk-for-board-members';
const BOARD_STEPS = [
  'board-reporting-on-ai',
  'ai-governance-operating-model',
  'ai-risk-management-nist-ai-rmf',
  'eu-ai-act-high-risk-systems',
  'responsible-ai-and-bias',
  'generative-ai-security',
  'ai-incident-response',
  'auditor-questions-on-ai-act-compliance',
  'press-interview-after-ai-incident',
];
/** In the board path and the CEO path. */
const SHARED_ARTICLE = 'board-reporting-on-ai';
const PRESS = 'press-interview-after-ai-incident';

describe.skipIf(!haveChromium)(`learning paths in Chromium${chromiumSkipNote}`, () => {
  let browser: BrowserSession;
  let server: AppServer;
  const pages: Page[] = [];

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startAppServer({ RATE_LIMIT_PER_IP_PER_MINUTE: '1000', MAX_SESSIONS_PER_IP: '1000' })]);
  });
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((p) => p.close().catch(() => undefined)));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Empties this origin's history and localStorage (from a page that holds no history connection). */
  async function resetBrowserData() {
    await Promise.all(pages.splice(0).map((p) => p.close().catch(() => undefined)));
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/privacy`);
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          localStorage.clear();
          const request = indexedDB.deleteDatabase('eatp-history');
          request.onsuccess = () => resolve();
          request.onerror = () => reject(request.error);
          request.onblocked = () => reject(new Error('history database still open in another tab'));
        }),
    );
    await page.close();
  }

  async function open(path: string) {
    const page = await browser.context.newPage();
    pages.push(page);
    const problems = watchPage(page);
    const response = await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
    return { page, problems, status: response?.status() };
  }

  /** A path page once its progress has been read (the island hydrated). */
  async function openPath(slug: string) {
    const opened = await open(`/paths/${slug}`);
    expect(opened.status).toBe(200);
    await opened.page.getByTestId('path-progress').waitFor({ timeout: 15_000 });
    return opened;
  }

  const step = (page: Page, slug: string) => page.locator(`[data-testid="path-step"][data-slug="${slug}"]`);
  const cardProgress = (page: Page, slug: string) => page.locator(`[data-testid="path-list"] > li[data-slug="${slug}"]`).getByTestId('path-card-progress');

  it('/paths lists the curated paths as cards, each with this browser’s progress once read', async () => {
    await resetBrowserData();
    const { page, status, problems } = await open('/paths');
    expect(status).toBe(200);
    expect(await page.locator('h1').count()).toBe(1);
    const slugs = await page.locator('[data-testid="path-list"] > li').evaluateAll((els) => els.map((el) => el.getAttribute('data-slug')));
    expect(slugs.slice(0, 2)).toEqual(['ai-strategy-for-ceos', BOARD]);
    expect(slugs.length).toBeGreaterThanOrEqual(3);

    const card = page.locator(`[data-testid="path-list"] > li[data-slug="${BOARD}"]`);
    expect(await card.getByRole('link', { name: 'AI risk for board members' }).getAttribute('href')).toBe(`/paths/${BOARD}`);
    expect(await card.getByTestId('path-meta').textContent()).toBe('9 steps · 7 articles and 2 scenarios · About 1 h 10 min');
    expect(await card.textContent()).toContain('Audit committee chair');
    await cardProgress(page, BOARD).waitFor({ timeout: 15_000 });
    expect(await cardProgress(page, BOARD).textContent()).toBe('0 of 9 done');
    expect(await card.getByRole('progressbar', { name: 'AI risk for board members: progress' }).getAttribute('aria-valuenow')).toBe('0');

    // The main nav's "Paths" item points here and is marked as the current page.
    const navLink = page.getByRole('navigation', { name: 'Main', exact: true }).getByRole('link', { name: 'Paths' });
    expect(await navLink.getAttribute('href')).toBe('/paths');
    expect(await navLink.getAttribute('aria-current')).toBe('page');
    await page.waitForLoadState('networkidle');
    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
  });

  it('a path page reads without JavaScript: every step in order, with its link, length and why', async () => {
    const page = await browser.context.newPage();
    pages.push(page);
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
    const response = await page.goto(`${server.url}/paths/${BOARD}`);
    expect(response?.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('AI risk for board members');
    const slugs = await page.getByTestId('path-step').evaluateAll((els) => els.map((el) => el.getAttribute('data-slug')));
    expect(slugs).toEqual(BOARD_STEPS);

    const first = step(page, SHARED_ARTICLE);
    expect(await first.getByRole('link', { name: 'Reporting on AI to the board' }).getAttribute('href')).toBe('/library/board-reporting-on-ai');
    expect(await first.textContent()).toMatch(/Read · \d+ min/);
    expect(await first.textContent()).toContain('what a standing AI report should show');
    const press = step(page, PRESS);
    expect(await press.getByRole('link', { name: 'Press interview after an AI incident', exact: true }).getAttribute('href')).toBe(`/scenarios/${PRESS}`);
    expect(await press.getByRole('link', { name: /^Start this scenario/ }).getAttribute('href')).toBe(`/coach?scenario=${PRESS}`);
    expect(await press.textContent()).toContain('Practise · 10 min');
    // The intro (the Markdown body) is there too; progress controls only come with JavaScript.
    expect(await page.getByRole('heading', { name: 'What you will be able to do' }).count()).toBe(1);
    expect(await page.getByTestId('step-done-toggle').count()).toBe(0);
  });

  it('marking an article done survives a reload and counts in every path that lists that article', async () => {
    await resetBrowserData();
    const { page, problems } = await openPath(BOARD);
    expect(await page.getByTestId('path-progress').textContent()).toBe('0 of 9 done');
    const toggle = step(page, SHARED_ARTICLE).getByRole('checkbox', { name: /^Mark as done/ });
    expect(await toggle.isChecked()).toBe(false);

    await toggle.check();
    expect(await page.getByTestId('path-progress').textContent()).toBe('1 of 9 done');
    expect(await step(page, SHARED_ARTICLE).getAttribute('data-done')).toBe('true');
    const stored = JSON.parse((await page.evaluate(() => localStorage.getItem('eatp.paths.v1'))) ?? '{}');
    expect(Object.keys(stored.articles)).toEqual([SHARED_ARTICLE]);

    await page.reload();
    await page.getByTestId('path-progress').waitFor();
    expect(await page.getByTestId('path-progress').textContent()).toBe('1 of 9 done');
    expect(await step(page, SHARED_ARTICLE).getByRole('checkbox', { name: /^Mark as done/ }).isChecked()).toBe(true);
    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);

    // The same article is step 5 of the CEO path: it is done there too; the CFO path does not list it.
    const list = await open('/paths');
    await cardProgress(list.page, 'ai-strategy-for-ceos').waitFor();
    expect(await cardProgress(list.page, BOARD).textContent()).toBe('1 of 9 done');
    expect(await cardProgress(list.page, 'ai-strategy-for-ceos').textContent()).toBe('1 of 8 done');
    expect(await cardProgress(list.page, 'cfo-ai-business-case').textContent()).toBe('0 of 8 done');

    // Unmarking is kept as well.
    await step(page, SHARED_ARTICLE).getByRole('checkbox', { name: /^Mark as done/ }).uncheck();
    await page.reload();
    await page.getByTestId('path-progress').waitFor();
    expect(await page.getByTestId('path-progress').textContent()).toBe('0 of 9 done');
  });

  it('a scenario step shows done once a history holding that scenario is imported', async () => {
    await resetBrowserData();
    const { page, problems } = await openPath(BOARD);
    expect(await step(page, PRESS).getByTestId('step-status').textContent()).toBe('Not practised yet');
    expect(await step(page, PRESS).getAttribute('data-done')).toBe('false');

    // Import, on /progress, a history with two sessions of the press interview (the newest is the one shown).
    const at = Date.now() - 2 * 86_400_000;
    const scenario = { id: PRESS, title: 'Press interview after an AI incident' };
    const sessions = [
      sampleRecord({ id: 'press-old', at: at - 20 * 86_400_000, scenario, scorecard: undefined, scorecardMissing: 'Not scored.' }),
      sampleRecord({ id: 'press-new', at, scenario, scorecard: undefined, scorecardMissing: 'Not scored.' }),
    ];
    const progress = await open('/progress');
    await progress.page.getByTestId('import-history').setInputFiles({
      name: 'history.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ format: 'eatp-history', version: 1, exportedAt: new Date().toISOString(), sessions })),
    });
    await progress.page.getByTestId('history-list').waitFor();
    expect(await progress.page.getByTestId('import-result').textContent()).toBe('Imported 2 sessions.');

    await page.reload();
    await page.getByTestId('path-progress').waitFor();
    expect(await step(page, PRESS).getByTestId('step-status').textContent()).toBe(`Practised on ${formatShortDate(at)}`);
    expect(await step(page, PRESS).getAttribute('data-done')).toBe('true');
    expect(await step(page, PRESS).getByRole('link', { name: /^Practise again/ }).getAttribute('href')).toBe(`/coach?scenario=${PRESS}`);
    expect(await page.getByTestId('path-progress').textContent()).toBe('1 of 9 done');
    // The auditor scenario, never practised, is still to do.
    expect(await step(page, 'auditor-questions-on-ai-act-compliance').getByTestId('step-status').textContent()).toBe('Not practised yet');
    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
  });

  it.each(['/paths', `/paths/${BOARD}`, '/paths/cfo-ai-business-case'])('%s has no axe violations, with progress shown', async (path) => {
    const { page, status } = await open(path);
    expect(status).toBe(200);
    await page.getByTestId(path === '/paths' ? 'path-card-progress' : 'path-progress').first().waitFor({ timeout: 15_000 });
    expect(await axeViolations(page)).toEqual([]);
  });

  it('an unknown path is a 404', async () => {
    const { status } = await open('/paths/ai-for-everyone');
    expect(status).toBe(404);
  });
});
