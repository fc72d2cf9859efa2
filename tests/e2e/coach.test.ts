/**
 * The coach console in a real browser against the built server: hydration and mode, warnings, the
 * token staying out of the page, ending a session (button and page close / navigation beacon), and
 * rate limits as the user sees them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page, Response as PwResponse } from 'playwright-core';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { REALTIME_KEY, STANDARD_KEY, startTestEmulator, type Emulator } from '../helpers/emulator';
import {
  NO_PROBLEMS,
  chromiumSkipNote,
  haveChromium,
  launchBrowser,
  problemsOf,
  watchPage,
  type BrowserSession,
  type PageProblems,
} from '../helpers/browser';

const TOKEN_PATH = '/api/voice-agent/token';
const LENIENT = { RATE_LIMIT_PER_IP_PER_MINUTE: '1000', MAX_SESSIONS_PER_IP: '1000' };

let browser: BrowserSession;
const openPages: Page[] = [];

async function newPage(): Promise<{ page: Page; problems: PageProblems }> {
  const page = await browser.context.newPage();
  openPages.push(page);
  return { page, problems: watchPage(page) };
}

const isTokenResponse = (r: PwResponse) => new URL(r.url()).pathname === TOKEN_PATH && r.request().method() === 'POST';

interface Opened {
  page: Page;
  problems: PageProblems;
  tokenResponse: PwResponse;
}

/** Opens /coach and returns once the console's own token request (made on hydration) has been answered. */
async function openCoach(server: AppServer, existing?: Page): Promise<Opened> {
  const { page, problems } = existing ? { page: existing, problems: watchPage(existing) } : await newPage();
  const tokenResponse = page.waitForResponse(isTokenResponse, { timeout: 20_000 });
  const nav = await page.goto(`${server.url}/coach`);
  expect(nav?.status()).toBe(200);
  return { page, problems, tokenResponse: await tokenResponse };
}

const testId = (page: Page, id: string) => page.getByTestId(id);
const text = async (page: Page, id: string) => ((await testId(page, id).textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** Waits for the console to show an active session and returns its mode string. */
async function activeMode(page: Page): Promise<string> {
  await testId(page, 'coach-mode').waitFor({ state: 'visible', timeout: 15_000 });
  return text(page, 'coach-mode');
}

const sessionEndedFor = (sessionId: string) => (l: Record<string, unknown>) =>
  l.event === 'sessionEnded' && l.sessionId === `${sessionId.slice(0, 8)}…`;

/**
 * Closes the pages, then waits (briefly, best effort) until every session the server issued has
 * ended: a closed /coach tab sends an end-session beacon, and that should land before the server stops.
 */
async function closeAll(server?: AppServer) {
  await Promise.all(openPages.splice(0).map((p) => p.close().catch(() => undefined)));
  if (!server) return;
  const count = (event: string) => server.logs.filter((l) => l.event === event).length;
  const deadline = Date.now() + 3_000;
  while (count('sessionEnded') < count('tokenGenerated') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** Ends a describe block's server after its pages' beacons have landed. */
async function retire(server: AppServer | undefined) {
  if (!server) return;
  await closeAll(server);
  await server.stop();
}

describe.skipIf(!haveChromium)(`coach console in Chromium${chromiumSkipNote}`, () => {
  let emu: Emulator;
  beforeAll(async () => {
    [browser, emu] = await Promise.all([launchBrowser(), startTestEmulator()]);
  });
  afterAll(async () => {
    await closeAll();
    await browser?.close();
    await emu?.close();
  });

  describe('no OpenAI key (demo)', () => {
    let server: AppServer;
    beforeAll(async () => {
      server = await startAppServer(LENIENT);
    });
    afterAll(async () => {
      await retire(server);
    });

    it('hydrates into demo mode, says to set OPENAI_API_KEY, never puts the token in the page, and is clean (CSP, console)', async () => {
      const { page, problems, tokenResponse } = await openCoach(server);
      expect(tokenResponse.status()).toBe(200);
      const body = await tokenResponse.json();
      expect(body).toMatchObject({ success: true, mode: 'demo' });
      expect(typeof body.token).toBe('string');
      expect(body.token.length).toBeGreaterThan(20);

      // Hydrated: the server-rendered console is idle; only the running React tree shows a mode.
      expect(await activeMode(page)).toBe('demo');
      expect(await page.locator('#coach-console-root').getAttribute('data-mounted')).toBe('true');
      expect(await text(page, 'coach-status')).toContain('token received');

      const warnings = testId(page, 'coach-warnings');
      expect(await warnings.isVisible()).toBe(true);
      expect(await warnings.textContent()).toContain('OPENAI_API_KEY');

      await testId(page, 'end-session').waitFor({ state: 'visible' });
      const html = await page.content();
      expect(html).not.toContain(body.token);
      // Nor in storage, nor in anything the page logged.
      const storage = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
      expect(storage).not.toContain(body.token);
      expect(JSON.stringify(problems)).not.toContain(body.token);

      expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
    });
  });

  describe('with an OpenAI key (emulator)', () => {
    const servers: AppServer[] = [];
    afterAll(async () => {
      for (const s of servers) await retire(s);
    });

    it('a realtime-capable key gets mode "realtime" and no warnings', async () => {
      const server = await startAppServer({ ...LENIENT, OPENAI_BASE_URL: emu.baseUrl, OPENAI_API_KEY: REALTIME_KEY });
      servers.push(server);
      const { page, problems, tokenResponse } = await openCoach(server);
      expect(tokenResponse.status()).toBe(200);
      expect(await activeMode(page)).toBe('realtime');
      expect(await testId(page, 'coach-warnings').count()).toBe(0);
      expect(await page.content()).not.toContain((await tokenResponse.json()).token);
      expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
    });

    it('a key without realtime access gets mode "fallback" and a warning saying so', async () => {
      const server = await startAppServer({ ...LENIENT, OPENAI_BASE_URL: emu.baseUrl, OPENAI_API_KEY: STANDARD_KEY });
      servers.push(server);
      const { page, problems, tokenResponse } = await openCoach(server);
      expect(tokenResponse.status()).toBe(200);
      expect(await activeMode(page)).toBe('fallback');
      const warnings = testId(page, 'coach-warnings');
      expect(await warnings.isVisible()).toBe(true);
      expect(await warnings.textContent()).toMatch(/no access to the realtime model/i);
      expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
    });
  });

  describe('ending sessions (MAX_SESSIONS_PER_IP=1)', () => {
    let server: AppServer;
    beforeAll(async () => {
      server = await startAppServer({ RATE_LIMIT_PER_IP_PER_MINUTE: '1000', MAX_SESSIONS_PER_IP: '1' });
    });
    afterAll(async () => {
      await retire(server);
    });

    it('"End session" ends it on the server, and "Start a new session" then gets a new one', async () => {
      const { page, tokenResponse } = await openCoach(server);
      const first = await tokenResponse.json();
      expect(await activeMode(page)).toBe('demo');

      await testId(page, 'end-session').click();
      await server.waitForLog(sessionEndedFor(first.sessionId));
      await expect.poll(() => text(page, 'coach-status')).toBe('Session ended.');
      expect(await testId(page, 'coach-mode').count()).toBe(0);

      const start = testId(page, 'start-session');
      expect(await start.textContent()).toContain('Start a new session');
      const again = page.waitForResponse(isTokenResponse);
      await start.click();
      const second = await again;
      // 200, not 429: with one session allowed per IP, the first one really was released.
      expect(second.status()).toBe(200);
      const secondBody = await second.json();
      expect(secondBody.sessionId).not.toBe(first.sessionId);
      expect(await activeMode(page)).toBe('demo');

      // Leave nothing live for the next test (the slot is per IP).
      await testId(page, 'end-session').click();
      await server.waitForLog(sessionEndedFor(secondBody.sessionId));
    });

    it('closing the page ends the session with a beacon, freeing the slot for the next page', async () => {
      const a = await openCoach(server);
      const aSession = (await a.tokenResponse.json()).sessionId as string;
      expect(await activeMode(a.page)).toBe('demo');

      // While A is live the one-session quota is used up: a second page is turned away…
      const b = await openCoach(server);
      expect(b.tokenResponse.status()).toBe(429);
      expect((await b.tokenResponse.json()).error.code).toBe('session_limit_reached');
      await testId(b.page, 'coach-error').waitFor({ state: 'visible' });
      await b.page.close();

      // …then A's tab is closed: its pagehide beacon must end the session on the server.
      await a.page.close({ runBeforeUnload: true });
      await server.waitForLog(sessionEndedFor(aSession), 10_000);

      const c = await openCoach(server);
      expect(c.tokenResponse.status()).toBe(200);
      expect(await activeMode(c.page)).toBe('demo');
      const cSession = (await c.tokenResponse.json()).sessionId as string;

      // Navigating away sends the beacon too: coming back to /coach gets a session again.
      await c.page.goto(`${server.url}/privacy`);
      await server.waitForLog(sessionEndedFor(cSession), 10_000);
      const d = await openCoach(server, c.page);
      expect(d.tokenResponse.status()).toBe(200);
      expect(await activeMode(d.page)).toBe('demo');
    });
  });

  describe('rate limit (RATE_LIMIT_PER_IP_PER_MINUTE=1)', () => {
    let server: AppServer;
    beforeAll(async () => {
      server = await startAppServer({ RATE_LIMIT_PER_IP_PER_MINUTE: '1', MAX_SESSIONS_PER_IP: '1000' });
    });
    afterAll(async () => {
      await retire(server);
    });

    it('a second start within the minute shows the wait and locks the start button until it is over', async () => {
      const { page, tokenResponse } = await openCoach(server);
      expect(tokenResponse.status()).toBe(200);
      const sessionId = (await tokenResponse.json()).sessionId as string;
      expect(await activeMode(page)).toBe('demo');

      await testId(page, 'end-session').click();
      await server.waitForLog(sessionEndedFor(sessionId));
      const start = testId(page, 'start-session');
      await expect.poll(() => start.textContent()).toContain('Start a new session');

      const limited = page.waitForResponse(isTokenResponse);
      await start.click();
      const res = await limited;
      expect(res.status()).toBe(429);
      const retryAfter = Number(res.headers()['retry-after']);
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);

      const error = testId(page, 'coach-error');
      await error.waitFor({ state: 'visible' });
      const errorText = (await error.textContent()) ?? '';
      expect(errorText).toMatch(/too many session requests/i);
      // Retry-After is up to 60 s: shown as "1 minute" or "N seconds".
      expect(errorText).toMatch(/You can try again in (1 minute|\d+ seconds?)\./);
      expect(errorText).toContain('HTTP 429');

      expect(await start.getAttribute('aria-disabled')).toBe('true');
      expect(await start.textContent()).toMatch(/Try again in \d+ s/);
      expect(await text(page, 'coach-status')).toMatch(/could not start a session/i);

      // The countdown ticks down.
      const seconds = async () => Number(/Try again in (\d+) s/.exec((await start.textContent()) ?? '')?.[1]);
      const before = await seconds();
      await expect.poll(seconds, { timeout: 3_000 }).toBeLessThan(before);

      // Clicking the locked button sends nothing.
      let tokenRequests = 0;
      page.on('request', (r) => {
        if (new URL(r.url()).pathname === TOKEN_PATH) tokenRequests += 1;
      });
      await start.click({ force: true }); // force: Playwright itself treats aria-disabled as not clickable
      await page.waitForTimeout(300);
      expect(tokenRequests).toBe(0);
      expect(await error.isVisible()).toBe(true);
    });
  });
});
