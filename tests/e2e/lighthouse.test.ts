/**
 * Lighthouse accessibility = 100 on the scenario library and the session report page (issue 6), in Debian's
 * Chromium against the built server. The report page reads its session from IndexedDB, so a practice record
 * is seeded into the same browser profile first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { chromiumSkipNote, haveChromium, launchBrowser, type BrowserSession } from '../helpers/browser';
import { accessibilityAudit, freePort } from '../helpers/lighthouse';
import { sampleRecord, seedHistory } from '../helpers/practice-history';

describe.skipIf(!haveChromium)(`Lighthouse accessibility${chromiumSkipNote}`, () => {
  let app: AppServer;
  let browser: BrowserSession;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    [app, browser] = await Promise.all([startAppServer(), launchBrowser({ extraArgs: [`--remote-debugging-port=${port}`] })]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it('scores 100 on the scenario library', async () => {
    const audit = await accessibilityAudit(`${app.url}/scenarios`, port);
    expect(audit.failures).toEqual([]);
    expect(audit.score).toBe(100);
  });

  it('scores 100 on a session report', async () => {
    const record = sampleRecord();
    const page = await browser.context.newPage();
    await page.goto(`${app.url}/privacy`);
    await seedHistory(page, [record]);
    await page.close();
    const audit = await accessibilityAudit(`${app.url}/report?id=${record.id}`, port);
    expect(audit.failures).toEqual([]);
    expect(audit.score).toBe(100);
  });

  it('scores 100 on the report page when there is no such session', async () => {
    const audit = await accessibilityAudit(`${app.url}/report?id=no-such-session`, port);
    expect(audit.failures).toEqual([]);
    expect(audit.score).toBe(100);
  });
});
