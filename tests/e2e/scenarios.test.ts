/**
 * The scenario library in Chromium against the built server: /scenarios lists the seven scenarios as
 * cards, the difficulty and type filters (plain links, no JavaScript needed) narrow the list, a brief page
 * shows the setting, the pushbacks, the rubric with its weights and the linked knowledge articles, and
 * its primary link leads into /coach?scenario=<slug>. axe-core finds nothing on the library or a brief,
 * and neither page logs an error or trips the CSP.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { axeViolations } from '../helpers/axe';
import { NO_PROBLEMS, chromiumSkipNote, haveChromium, launchBrowser, problemsOf, watchPage, type BrowserSession } from '../helpers/browser';

const SEVEN = [
  'pitch-ai-strategy-to-the-board',
  'defend-ai-budget-to-the-cfo',
  'negotiate-enterprise-ai-contract',
  'press-interview-after-ai-incident',
  'town-hall-on-ai-and-jobs',
  'auditor-questions-on-ai-act-compliance',
  'free-coaching',
];
const BRIEF = 'defend-ai-budget-to-the-cfo';

describe.skipIf(!haveChromium)(`scenario library in Chromium${chromiumSkipNote}`, () => {
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

  async function open(path: string) {
    const page = await browser.context.newPage();
    pages.push(page);
    const problems = watchPage(page);
    const response = await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
    return { page, problems, status: response?.status() };
  }
  const listed = (page: Page) => page.locator('[data-testid="scenario-list"] > li').evaluateAll((els) => els.map((el) => el.getAttribute('data-slug')));

  it('/scenarios lists the seven scenarios as cards with title, summary, counterpart, difficulty and length', async () => {
    const { page, status, problems } = await open('/scenarios');
    expect(status).toBe(200);
    expect(await page.locator('h1').count()).toBe(1);
    expect(await listed(page)).toEqual(SEVEN);
    expect(await page.getByTestId('scenario-count').textContent()).toContain('All 7 scenarios');

    const card = page.locator(`[data-slug="${BRIEF}"]`);
    const title = card.getByRole('link', { name: 'Defend your AI budget to the CFO' });
    expect(await title.getAttribute('href')).toBe(`/scenarios/${BRIEF}`);
    expect(await card.textContent()).toContain('£2.4 million');
    expect(await card.getByTestId('scenario-counterpart').textContent()).toBe('Chief financial officer');
    expect(await card.textContent()).toContain('Intermediate');
    expect(await card.getByTestId('scenario-duration').textContent()).toContain('12 min');
    expect(await page.locator('[data-slug="free-coaching"]').textContent()).toContain('Your coach:');

    // The main nav's "Scenarios" item points here and is marked as the current page.
    const navLink = page.getByRole('navigation', { name: 'Main', exact: true }).getByRole('link', { name: 'Scenarios' });
    expect(await navLink.getAttribute('href')).toBe('/scenarios');
    expect(await navLink.getAttribute('aria-current')).toBe('page');

    await page.waitForLoadState('networkidle');
    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
  });

  it('the filters narrow the list, combine, and work as plain links without JavaScript', async () => {
    // JavaScript off for this tab (the persistent context cannot turn it off per page any other way).
    const target = await browser.context.newPage();
    pages.push(target);
    const cdp = await browser.context.newCDPSession(target);
    await cdp.send('Emulation.setScriptExecutionDisabled', { value: true });
    await target.goto(`${server.url}/scenarios`);
    const difficulty = target.getByRole('list', { name: 'Difficulty' });
    await difficulty.getByRole('link', { name: /^Advanced/ }).click();
    await target.waitForURL(/difficulty=advanced/);
    const advanced = await listed(target);
    expect(advanced.length).toBeGreaterThan(0);
    expect(advanced.length).toBeLessThan(SEVEN.length);
    expect(advanced).toContain('negotiate-enterprise-ai-contract');
    expect(advanced).not.toContain('free-coaching');
    expect(await difficulty.getByRole('link', { name: /^Advanced/ }).getAttribute('aria-current')).toBe('page');
    expect(await target.getByTestId('scenario-count').textContent()).toContain(`${advanced.length} of 7 scenarios`);

    // Type, keeping the difficulty: advanced coaching matches nothing, and says so.
    await target.getByRole('list', { name: 'Type' }).getByRole('link', { name: /^Coaching/ }).click();
    await target.waitForURL(/kind=coaching/);
    expect(new URL(target.url()).searchParams.get('difficulty')).toBe('advanced');
    expect(await listed(target)).toEqual([]);
    expect(await target.getByText('No scenario matches both filters.').isVisible()).toBe(true);

    // Clearing the difficulty keeps the type: free coaching alone.
    await target.getByRole('list', { name: 'Difficulty' }).getByRole('link', { name: /^All levels/ }).click();
    await target.waitForURL((url) => !url.searchParams.has('difficulty'));
    expect(await listed(target)).toEqual(['free-coaching']);

    // An unknown value is reported and ignored.
    await target.goto(`${server.url}/scenarios?difficulty=heroic`);
    expect(await listed(target)).toEqual(SEVEN);
    expect(await target.getByRole('status').textContent()).toContain('“heroic”');
  });

  it('a brief shows the setting, pushbacks, rubric with weights and linked articles, and starts the scenario in /coach', async () => {
    const { page, status, problems } = await open(`/scenarios/${BRIEF}`);
    expect(status).toBe(200);
    expect(await page.locator('h1').textContent()).toContain('Defend your AI budget to the CFO');
    for (const heading of ['The setting', 'Who you will face', 'What they will push back on', 'What to prepare', 'What good looks like', 'Watch out for', 'How it is judged', 'Read before you start']) {
      expect(await page.getByRole('heading', { name: heading, level: 2 }).count(), heading).toBe(1);
    }
    expect(await page.getByTestId('scenario-objective').textContent()).toContain('payback case');
    expect(await page.locator('[data-testid="scenario-pushbacks"] > li').count()).toBe(6);

    const criteria = page.locator('[data-testid="scenario-rubric"] > li');
    expect(await criteria.count()).toBe(5);
    const weights = await page.getByTestId('criterion-weight').allTextContents();
    expect(weights.map((w) => Number.parseInt(w, 10)).reduce((a, b) => a + b, 0)).toBe(100);
    const payback = page.locator('[data-criterion="payback-case"]');
    expect(await payback.getByRole('heading', { level: 3 }).textContent()).toBe('Payback and unit economics');
    expect(await payback.getByTestId('criterion-weight').textContent()).toContain('30%');
    expect(await payback.textContent()).toContain('What good looks like');
    expect(await payback.textContent()).toContain('What poor looks like');

    const articles = page.locator('[data-testid="scenario-articles"] > li');
    expect(await articles.count()).toBeGreaterThanOrEqual(3);
    const businessCase = page.getByRole('link', { name: 'Building the business case and ROI for AI' });
    expect(await businessCase.getAttribute('href')).toBe('/library/building-the-ai-business-case');

    const start = page.getByRole('link', { name: /^Start this scenario/ });
    expect(await start.count()).toBe(1);
    expect(await start.getAttribute('href')).toBe(`/coach?scenario=${BRIEF}`);
    await page.waitForLoadState('networkidle');
    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);

    await Promise.all([page.waitForURL(/\/coach\?scenario=/), start.click()]);
    expect(new URL(page.url()).pathname).toBe('/coach');
    expect(new URL(page.url()).searchParams.get('scenario')).toBe(BRIEF);
  });

  it('the free-coaching brief speaks of the coach, not a counterpart', async () => {
    const { page, status } = await open('/scenarios/free-coaching');
    expect(status).toBe(200);
    expect(await page.getByRole('heading', { name: 'How the coach works', level: 2 }).count()).toBe(1);
    expect(await page.getByRole('link', { name: /^Start this scenario/ }).getAttribute('href')).toBe('/coach?scenario=free-coaching');
  });

  it('an unknown scenario is a 404', async () => {
    const { status } = await open('/scenarios/no-such-scenario');
    expect(status).toBe(404);
  });

  it('the landing page links its scenarios to their briefs and to the library', async () => {
    const { page } = await open('/');
    const section = page.locator('section[aria-labelledby="scenarios"]');
    const hrefs = await section.locator('h3 a').evaluateAll((els) => els.map((el) => el.getAttribute('href')));
    expect(hrefs).toEqual(SEVEN.filter((id) => id !== 'free-coaching').map((id) => `/scenarios/${id}`));
    expect(await section.locator('a[href="/scenarios"]').count()).toBe(1);
  });

  it.each(['/scenarios', `/scenarios/${BRIEF}`, '/scenarios/free-coaching', '/'])('%s has no axe violations', async (path) => {
    const { page, status } = await open(path);
    expect(status).toBe(200);
    expect(await axeViolations(page)).toEqual([]);
  });
});
