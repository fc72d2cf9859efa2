/**
 * The site shell in a real browser against the built server: page structure and landmarks, keyboard
 * skip link, a clean console under the strict CSP, the 404 page, dark mode that follows the system,
 * and a 390 px phone layout without horizontal scrolling.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../helpers/app-server';
import {
  NO_PROBLEMS,
  chromiumSkipNote,
  haveChromium,
  launchBrowser,
  problemsOf,
  watchPage,
  type BrowserSession,
} from '../helpers/browser';

const UNKNOWN_PATH = '/no-such-page-e2e';

describe.skipIf(!haveChromium)(`site shell in Chromium${chromiumSkipNote}`, () => {
  let browser: BrowserSession;
  let server: AppServer;
  const pages: Page[] = [];

  beforeAll(async () => {
    [browser, server] = await Promise.all([
      launchBrowser(),
      startAppServer({ RATE_LIMIT_PER_IP_PER_MINUTE: '1000', MAX_SESSIONS_PER_IP: '1000' }),
    ]);
  });
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((p) => p.close().catch(() => undefined)));
  });
  afterAll(async () => {
    // A closed /coach tab beacons end-session: let that land before stopping the server.
    const count = (event: string) => server?.logs.filter((l) => l.event === event).length ?? 0;
    const deadline = Date.now() + 3_000;
    while (count('sessionEnded') < count('tokenGenerated') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await browser?.close();
    await server?.stop();
  });

  async function open(path: string, setup?: (page: Page) => Promise<void>) {
    const page = await browser.context.newPage();
    pages.push(page);
    const problems = watchPage(page);
    await setup?.(page);
    const response = await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
    return { page, problems, status: response?.status() };
  }

  describe('structure and accessibility', () => {
    for (const path of ['/', '/coach']) {
      it(`${path}: header with nav, one h1, a main landmark, footer, lang="en"`, async () => {
        const { page, status } = await open(path);
        expect(status).toBe(200);
        expect(await page.locator('html').getAttribute('lang')).toBe('en');
        expect(await page.locator('body > header').count()).toBe(1);
        expect(await page.locator('body > footer').count()).toBe(1);
        expect(await page.locator('body > header').isVisible()).toBe(true);
        expect(await page.locator('body > footer').isVisible()).toBe(true);
        // Desktop viewport (Playwright default 1280 px): the main nav is shown, with a link to every section.
        const nav = page.getByRole('navigation', { name: 'Main', exact: true });
        expect(await nav.isVisible()).toBe(true);
        expect(await nav.getByRole('link', { name: 'Coach' }).getAttribute('href')).toBe('/coach');
        expect(await page.getByRole('navigation', { name: 'Footer' }).isVisible()).toBe(true);

        expect(await page.locator('h1').count()).toBe(1);
        expect(((await page.locator('h1').textContent()) ?? '').trim().length).toBeGreaterThan(0);
        expect(await page.getByRole('main').count()).toBe(1);
        expect(await page.locator('main#main').isVisible()).toBe(true);
      });

      it(`${path}: the first Tab reaches a visible "Skip to content" link that moves to main`, async () => {
        const { page } = await open(path);
        await page.keyboard.press('Tab');
        const focused = await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          const box = el?.getBoundingClientRect();
          return { tag: el?.tagName, href: el?.getAttribute('href'), text: el?.textContent?.trim(), width: box?.width ?? 0, height: box?.height ?? 0 };
        });
        expect(focused).toMatchObject({ tag: 'A', href: '#main', text: 'Skip to content' });
        // sr-only until focused: a sighted keyboard user must see it.
        expect(focused.width).toBeGreaterThan(20);
        expect(focused.height).toBeGreaterThan(10);

        await page.keyboard.press('Enter');
        await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');
      });
    }
  });

  describe('no CSP violations, console errors or page errors', () => {
    for (const path of ['/', '/coach', '/privacy']) {
      it(`${path} is clean`, async () => {
        const { page, problems, status } = await open(path);
        expect(status).toBe(200);
        if (path === '/coach') await page.getByTestId('coach-mode').waitFor({ timeout: 15_000 }); // hydrated and fetched
        await page.waitForLoadState('networkidle');
        expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
      });
    }

    it('an unknown path gets the 404 page (status 404) with the site shell, and nothing else goes wrong', async () => {
      const { page, problems, status } = await open(UNKNOWN_PATH);
      expect(status).toBe(404);
      expect(await page.locator('h1').count()).toBe(1);
      expect(await page.locator('h1').textContent()).toContain('not on the agenda');
      expect(await page.getByRole('main').count()).toBe(1);
      expect(await page.locator('body > header').isVisible()).toBe(true);
      expect(await page.locator('meta[name="robots"]').getAttribute('content')).toBe('noindex');
      expect(await page.getByRole('link', { name: /back to the home page/i }).getAttribute('href')).toBe('/');
      await page.waitForLoadState('networkidle');
      const found = await problemsOf(problems);
      // Chromium reports the document's own 404 as a failed resource load; that one is expected.
      found.consoleErrors = found.consoleErrors.filter((e) => !(/status of 404/.test(e) && e.includes(UNKNOWN_PATH)));
      expect(found).toEqual(NO_PROBLEMS);
    });
  });

  describe('dark mode follows the system', () => {
    /** Resolves any CSS colour (oklch included) to sRGB through a canvas, and gives its relative luminance. */
    const colours = (page: Page) =>
      page.evaluate(() => {
        const ctx = document.createElement('canvas').getContext('2d')!;
        const rgb = (css: string) => {
          ctx.clearRect(0, 0, 1, 1);
          ctx.fillStyle = '#000';
          ctx.fillStyle = css;
          ctx.fillRect(0, 0, 1, 1);
          const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
          return { r: r!, g: g!, b: b!, a: a! };
        };
        const luminance = ({ r, g, b }: { r: number; g: number; b: number }) => {
          const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
          return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
        };
        // The canvas colour shows through body when body itself is transparent.
        const bodyStyle = getComputedStyle(document.body);
        const htmlStyle = getComputedStyle(document.documentElement);
        const bgCss = rgb(bodyStyle.backgroundColor).a === 0 ? htmlStyle.backgroundColor : bodyStyle.backgroundColor;
        const bg = rgb(bgCss);
        const fg = rgb(bodyStyle.color);
        return { bgCss, fgCss: bodyStyle.color, bgLum: luminance(bg), fgLum: luminance(fg), bgAlpha: bg.a };
      });

    it('body background and text flip between light and dark schemes', async () => {
      const { page: light } = await open('/', (p) => p.emulateMedia({ colorScheme: 'light' }));
      const { page: dark, problems } = await open('/', (p) => p.emulateMedia({ colorScheme: 'dark' }));
      expect(await dark.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(true);
      expect(await light.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(false);

      const l = await colours(light);
      const d = await colours(dark);
      expect(l.bgAlpha).toBe(255);
      expect(d.bgAlpha).toBe(255);
      expect(d.bgCss).not.toBe(l.bgCss);
      // Light scheme: dark text on a light background; dark scheme: light text on a dark background.
      expect(l.bgLum).toBeGreaterThan(0.7);
      expect(l.fgLum).toBeLessThan(0.1);
      expect(d.bgLum).toBeLessThan(0.1);
      expect(d.fgLum).toBeGreaterThan(0.7);
      expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
    });
  });

  describe('phone layout (390 px)', () => {
    for (const path of ['/', '/coach', '/privacy', UNKNOWN_PATH]) {
      it(`${path}: no horizontal overflow, and the menu is reachable`, async () => {
        const { page } = await open(path, (p) => p.setViewportSize({ width: 390, height: 844 }));
        if (path === '/coach') await page.getByTestId('coach-mode').waitFor({ timeout: 15_000 });
        const widths = await page.evaluate(() => ({
          scroll: document.documentElement.scrollWidth,
          client: document.documentElement.clientWidth,
          body: document.body.scrollWidth,
        }));
        expect(widths.client).toBe(390);
        expect(widths.scroll).toBeLessThanOrEqual(390);
        expect(widths.body).toBeLessThanOrEqual(390);

        // The desktop nav is hidden; the "Menu" disclosure opens the mobile nav.
        expect(await page.getByRole('navigation', { name: 'Main', exact: true }).isVisible()).toBe(false);
        const mobileNav = page.getByRole('navigation', { name: 'Main (mobile)' });
        expect(await mobileNav.isVisible()).toBe(false);
        await page.locator('header summary').click();
        expect(await mobileNav.isVisible()).toBe(true);
        expect(await mobileNav.getByRole('link', { name: 'Coach' }).isVisible()).toBe(true);
        // The open menu stays inside the viewport too.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      });
    }
  });
});
