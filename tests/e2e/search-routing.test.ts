/**
 * Where the coach console sends searches, as a user in Chromium sees it: the built-in route by
 * default, and PUBLIC_SEARCH_API_URL when configured (here: the standalone search server, another
 * origin sharing the app's Redis) — allowed by the page's CSP and the search server's CORS, with the
 * answer and its sources on screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startAppServer, startSearchServer, type AppServer } from '../helpers/app-server';
import { NO_PROBLEMS, chromiumSkipNote, haveChromium, launchBrowser, problemsOf, watchPage, type BrowserSession } from '../helpers/browser';
import { freePort, haveRedisServer, redisSuiteTitle, startRedisServer, type RedisServerHandle } from '../helpers/redis-server';

const LENIENT = { RATE_LIMIT_PER_IP_PER_MINUTE: '1000', MAX_SESSIONS_PER_IP: '1000' };
const SECRET = 'shared-secret-for-tests-0123456789abcdef';
const HIGH_RISK = 'What does the EU AI Act require for high-risk systems?';

let browser: BrowserSession;
const servers: AppServer[] = [];
let redis: RedisServerHandle | undefined;

/** Opens /coach, waits for the live session, asks the "Check a fact" panel, and records where the search went. */
async function checkFact(app: AppServer, query: string) {
  const page: Page = await browser.context.newPage();
  const problems = watchPage(page);
  await page.goto(`${app.url}/coach`);
  await page.getByTestId('search-panel').waitFor({ state: 'visible', timeout: 20_000 });
  await page.getByTestId('search-input').fill(query);
  const request = page.waitForRequest((r) => r.method() === 'POST' && r.postData()?.includes('"query"') === true, { timeout: 15_000 });
  await page.getByTestId('search-submit').click();
  const searchUrl = (await request).url();
  await page.getByTestId('search-answer').first().waitFor({ state: 'visible', timeout: 15_000 });
  return { page, problems, searchUrl };
}

describe.skipIf(!haveChromium)(`search routing in the coach console${chromiumSkipNote}`, () => {
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop()));
    await browser?.close();
    await redis?.stop();
  });

  it('uses the built-in route by default and shows the answer with its sources', async () => {
    const app = await startAppServer(LENIENT);
    servers.push(app);
    const { page, problems, searchUrl } = await checkFact(app, HIGH_RISK);
    expect(searchUrl).toBe(`${app.url}/api/voice-agent/responses-search`);
    expect(await page.getByTestId('search-provider').first().textContent()).toContain('Platform library');
    const firstSource = page.getByTestId('search-citation').first();
    expect(await firstSource.getAttribute('href')).toBe('/library/eu-ai-act-high-risk-systems');
    expect(await firstSource.getAttribute('rel')).toContain('noopener');
    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
    await page.close();
  });

  describe.skipIf(!haveRedisServer)(redisSuiteTitle('PUBLIC_SEARCH_API_URL pointing at the standalone search server'), () => {
    it('sends the search there (CSP and CORS allow it) for a session the app minted', async () => {
      redis = await startRedisServer();
      const appPort = await freePort();
      const shared = { REDIS_URL: `${redis.url}/5`, SESSION_SECRET: SECRET, PORT: String(appPort), ...LENIENT };
      // The search server allows the app's loopback origin on PORT (no SITE_URL set).
      const searchServer = await startSearchServer(shared);
      servers.push(searchServer);
      const app = await startAppServer({ ...shared, PUBLIC_SEARCH_API_URL: `${searchServer.url}/search` });
      servers.push(app);

      const csp = (await app.fetch('/coach')).headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(new RegExp(`connect-src [^;]*${searchServer.url.replace(/[.]/g, '\\.')}`));

      const { page, problems, searchUrl } = await checkFact(app, HIGH_RISK);
      expect(searchUrl).toBe(`${searchServer.url}/search`);
      expect(await page.getByTestId('search-answer').first().textContent()).toContain('library');
      expect(await page.getByTestId('search-citation').first().getAttribute('href')).toBe('/library/eu-ai-act-high-risk-systems');
      expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
      // The search server, not the app, did the work.
      await searchServer.waitForLog((l) => l.event === 'searchCompleted');
      expect(app.logs.some((l) => l.event === 'searchCompleted')).toBe(false);
      await page.close();
    });
  });
});
