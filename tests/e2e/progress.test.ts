/**
 * /progress in Chromium against the built server, on the browser's real IndexedDB and localStorage: the
 * empty state points to /scenarios; importing a known history file through the file input fills the list
 * (newest first, with report links) and the charts (overall, one per criterion, pace and fillers) with its
 * points; export downloads the same sessions; a broken file is refused with the field named and nothing
 * written; "Delete my data" asks first, then empties the history and every platform key in localStorage.
 * axe-core finds nothing, and no page logs an error or trips the CSP.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { axeViolations } from '../helpers/axe';
import { NO_PROBLEMS, chromiumSkipNote, haveChromium, launchBrowser, problemsOf, watchPage, type BrowserSession } from '../helpers/browser';
import { sampleRecord } from '../helpers/practice-history';
import type { PracticeRecord } from '../../src/lib/training/history/history-types';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 9, 6, 12);

/** A CFO session on day `day`: payback and phasing scores, overall, pace and fillers. */
function cfo(id: string, day: number, payback: number, phasing: number, overall: number, pace: number, fillers: number): PracticeRecord {
  const base = sampleRecord({ id, at: T0 + day * DAY, durationSeconds: 600 + day });
  return {
    ...base,
    scorecard: {
      ...base.scorecard!,
      overall,
      criteria: base.scorecard!.criteria.map((c) => ({ ...c, score: c.id === 'payback-case' ? payback : phasing })),
    },
    signals: { ...base.signals, paceWpm: pace, fillersPer100Words: fillers },
  };
}

const BOARD: PracticeRecord = {
  ...sampleRecord({
    id: 'board-1',
    at: T0 + 5 * DAY,
    mode: 'fallback',
    scenario: { id: 'pitch-ai-strategy-to-the-board', title: 'Pitch your AI strategy to the board' },
  }),
  scorecard: undefined,
  scorecardMissing: 'The scorecard could not be prepared because the coaching service could not be reached.',
};
const SESSIONS = [cfo('cfo-1', 0, 2, 1, 30, 182, 6.1), cfo('cfo-2', 3, 3, 2, 50, 161, 4), BOARD, cfo('cfo-3', 7, 4, 3, 70, 148, 2.5)];

function historyFile(sessions: readonly PracticeRecord[]): Buffer {
  return Buffer.from(JSON.stringify({ format: 'eatp-history', version: 1, exportedAt: new Date(T0).toISOString(), sessions }, null, 2));
}
const jsonFile = (name: string, buffer: Buffer) => ({ name, mimeType: 'application/json', buffer });

const PLATFORM_KEYS = { 'eatp.paths.v1': '{"version":1,"articles":{"board-reporting-on-ai":1}}', 'eatp.recap-consent.v1': '1' };

describe.skipIf(!haveChromium)(`progress page in Chromium${chromiumSkipNote}`, () => {
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

  /** Empties this origin's history and localStorage from a page that holds no history connection. */
  async function resetBrowserData() {
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

  /** /progress with the history read (the island hydrated and the loading state gone). */
  async function openProgress() {
    const page = await browser.context.newPage();
    pages.push(page);
    const problems = watchPage(page);
    const response = await page.goto(`${server.url}/progress`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    await page.getByTestId('progress-loading').waitFor({ state: 'detached', timeout: 15_000 });
    return { page, problems };
  }

  /** Sessions in the real IndexedDB, read independently of the app. */
  const storedIds = (page: Page) =>
    page.evaluate(
      () =>
        new Promise<string[]>((resolve, reject) => {
          const open = indexedDB.open('eatp-history');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains('sessions')) {
              db.close();
              resolve([]);
              return;
            }
            const keys = db.transaction('sessions').objectStore('sessions').getAllKeys();
            keys.onsuccess = () => {
              db.close();
              resolve((keys.result as string[]).sort());
            };
            keys.onerror = () => reject(keys.error);
          };
        }),
    );

  async function importFile(page: Page, name: string, buffer: Buffer) {
    const before = await page.getByTestId('import-result').textContent();
    await page.getByTestId('import-history').setInputFiles(jsonFile(name, buffer));
    await page.waitForFunction((old) => {
      const text = document.querySelector('[data-testid="import-result"]')?.textContent ?? '';
      return text !== '' && text !== old;
    }, before);
    return (await page.getByTestId('import-result').textContent()) ?? '';
  }

  const listedIds = (page: Page) => page.getByTestId('history-item').evaluateAll((els) => els.map((el) => el.getAttribute('data-record-id')));
  const chartLabel = (page: Page, selector: string) => page.locator(`${selector} svg[role="img"]`).getAttribute('aria-label');

  it('starts empty, pointing to the scenarios; importing a known file fills the list and the charts with its points', async () => {
    await resetBrowserData();
    const { page, problems } = await openProgress();
    const empty = page.getByTestId('progress-empty');
    expect(await empty.isVisible()).toBe(true);
    expect(await empty.getByRole('link', { name: 'Choose a scenario to practise' }).getAttribute('href')).toBe('/scenarios');
    expect(await page.getByTestId('export-history').isDisabled()).toBe(true);
    // The main nav's "Progress" item points here and is marked as the current page.
    const navLink = page.getByRole('navigation', { name: 'Main', exact: true }).getByRole('link', { name: 'Progress' });
    expect(await navLink.getAttribute('aria-current')).toBe('page');

    expect(await importFile(page, 'my-history.json', historyFile(SESSIONS))).toBe('Imported 4 sessions.');
    await page.getByTestId('history-list').waitFor();
    expect(await page.getByTestId('progress-empty').count()).toBe(0);

    // Newest first, each with date, scenario, mode, score (or why not), duration and the report link.
    expect(await listedIds(page)).toEqual(['cfo-3', 'board-1', 'cfo-2', 'cfo-1']);
    const newest = page.locator('[data-testid="history-item"][data-record-id="cfo-3"]');
    const newestText = await newest.textContent();
    expect(newestText).toContain('Defend your AI budget to the CFO');
    expect(newestText).toContain('Scripted demo');
    expect(newestText).toContain('10 min 7 s');
    expect(await newest.getByTestId('history-score').textContent()).toBe('70');
    expect(await newest.getByRole('link', { name: /^Report/ }).getAttribute('href')).toBe('/report?id=cfo-3');
    const unscored = page.locator('[data-testid="history-item"][data-record-id="board-1"]');
    expect(await unscored.textContent()).toContain('Not scored');
    expect(await unscored.textContent()).toContain('Chat with speech');
    expect(await unscored.textContent()).toContain('could not be reached');

    // Overall: the three scored sessions, oldest first, drawn as three points, with the numbers in a table.
    expect(await chartLabel(page, '[data-testid="chart-overall"]')).toBe('Overall score: 30, 50, 70 over 3 sessions');
    expect(await page.locator('[data-testid="chart-overall"] svg circle').count()).toBe(3);
    const overallTable = page.locator('[data-testid="chart-overall"] details');
    await overallTable.locator('summary').click();
    expect(await overallTable.locator('tbody tr').count()).toBe(3);
    expect(await overallTable.locator('tbody tr').last().textContent()).toContain('70');

    // One small chart per criterion of the CFO scenario, scores 1–5 over its three sessions.
    const cfoSection = page.locator('[data-testid="scenario-progress"][data-scenario-id="defend-ai-budget-to-the-cfo"]');
    const criteria = cfoSection.getByTestId('chart-criterion');
    expect(await criteria.evaluateAll((els) => els.map((el) => el.getAttribute('data-criterion-id')))).toEqual(['payback-case', 'phasing']);
    expect(await chartLabel(page, '[data-criterion-id="payback-case"]')).toBe('Payback and unit economics: 2, 3, 4 over 3 sessions');
    expect(await chartLabel(page, '[data-criterion-id="phasing"]')).toBe('Phasing and stop conditions: 1, 2, 3 over 3 sessions');
    expect(await cfoSection.locator('[data-signal="pace"] svg').getAttribute('aria-label')).toBe('Speaking pace: 182, 161, 148 over 3 sessions');
    expect(await cfoSection.locator('[data-signal="fillers"] svg').getAttribute('aria-label')).toBe(
      'Fillers per 100 words: 6.1, 4, 2.5 over 3 sessions',
    );
    // A point sits higher for a higher score (SVG y grows downwards).
    const ys = await page
      .locator('[data-criterion-id="payback-case"] svg circle')
      .evaluateAll((els) => els.map((el) => Number(el.getAttribute('cy'))));
    expect(ys[0]).toBeGreaterThan(ys[1]!);
    expect(ys[1]).toBeGreaterThan(ys[2]!);

    // The board scenario was practised but never scored: it is listed, with no criterion charts.
    const boardSection = page.locator('[data-testid="scenario-progress"][data-scenario-id="pitch-ai-strategy-to-the-board"]');
    expect(await boardSection.getByTestId('chart-criterion').count()).toBe(0);
    expect(await boardSection.textContent()).toContain('No scored session yet');

    // The same file again adds nothing; a file with one more session adds just that one.
    expect(await importFile(page, 'again.json', historyFile(SESSIONS))).toBe('Nothing new: all 4 sessions were already here.');
    expect(await importFile(page, 'more.json', historyFile([...SESSIONS, cfo('cfo-4', 9, 5, 4, 88, 140, 1)]))).toBe(
      'Imported 1 session; 4 were already here.',
    );
    expect(await listedIds(page)).toEqual(['cfo-4', 'cfo-3', 'board-1', 'cfo-2', 'cfo-1']);
    expect(await chartLabel(page, '[data-testid="chart-overall"]')).toBe('Overall score: 30, 50, 70, 88 over 4 sessions');

    // Importing (zod, loaded on demand) trips nothing: no eval under the CSP, no console error.
    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);

    // Survives a reload (it is in IndexedDB, not in the page).
    await page.reload();
    await page.getByTestId('history-list').waitFor();
    expect(await listedIds(page)).toEqual(['cfo-4', 'cfo-3', 'board-1', 'cfo-2', 'cfo-1']);
    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
  });

  it('export downloads the same sessions as eatp-history-YYYY-MM-DD.json, and that file imports back', async () => {
    await resetBrowserData();
    const { page, problems } = await openProgress();
    await importFile(page, 'my-history.json', historyFile(SESSIONS));
    await page.getByTestId('history-list').waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-history').click()]);
    expect(download.suggestedFilename()).toMatch(/^eatp-history-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(exported).toMatchObject({ format: 'eatp-history', version: 1 });
    expect(Number.isNaN(Date.parse(exported.exportedAt))).toBe(false);
    // The same sessions, oldest first, field for field (as a JSON file carries them).
    const expected = JSON.parse(JSON.stringify([...SESSIONS].sort((a, b) => a.at - b.at)));
    expect(exported.sessions).toEqual(expected);
    expect(await page.getByTestId('export-result').textContent()).toContain('with 4 sessions');

    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);

    // Into an emptied browser: the export is a working backup.
    await page.close(); // its history connection would hold up the reset
    await resetBrowserData();
    const fresh = await openProgress();
    expect(await importFile(fresh.page, download.suggestedFilename(), readFileSync((await download.path())!))).toBe('Imported 4 sessions.');
    expect(await storedIds(fresh.page)).toEqual(['board-1', 'cfo-1', 'cfo-2', 'cfo-3']);
    expect(await problemsOf(fresh.problems)).toEqual(NO_PROBLEMS);
  });

  it('a broken file is refused with the bad field named, and nothing from it is written', async () => {
    await resetBrowserData();
    const { page, problems } = await openProgress();
    await importFile(page, 'my-history.json', historyFile(SESSIONS.slice(0, 2)));
    await page.getByTestId('history-list').waitFor();
    const before = await storedIds(page);
    expect(before).toEqual(['cfo-1', 'cfo-2']);

    // Two good new sessions first, then a third with a bad scenario id: none of them may land.
    const bad = [
      cfo('new-1', 10, 3, 3, 50, 150, 2),
      cfo('new-2', 11, 3, 3, 50, 150, 2),
      { ...cfo('new-3', 12, 3, 3, 50, 150, 2), scenario: { id: 'CFO Budget!', title: 'x' } },
    ];
    const message = await importFile(page, 'broken.json', historyFile(bad));
    expect(message).toBe('Nothing was imported. sessions[2].scenario.id: should be lower-case words joined by hyphens (found "CFO Budget!")');
    expect(await page.getByTestId('import-result').getAttribute('role')).toBe('alert');
    expect(await storedIds(page)).toEqual(before);
    expect(await listedIds(page)).toEqual(['cfo-2', 'cfo-1']);

    // A score out of range, a file that is not ours, a file that is not JSON: each said plainly, nothing written.
    const outOfRange = historyFile([
      { ...cfo('new-4', 13, 3, 3, 50, 150, 2), scorecard: { ...cfo('x', 0, 3, 3, 50, 150, 2).scorecard!, overall: 140 } },
    ]);
    expect(await importFile(page, 'range.json', outOfRange)).toBe(
      'Nothing was imported. sessions[0].scorecard.overall: should be at most 100 (found 140)',
    );
    expect(await importFile(page, 'package.json', Buffer.from('{"name":"something-else","version":"1.0.0"}'))).toBe(
      'Nothing was imported. This is not a history file exported from this site.',
    );
    expect(await importFile(page, 'notes.json', Buffer.from('Board pack, v3 — not JSON at all'))).toBe(
      'Nothing was imported. This is not a history file exported from this site (it is not JSON).',
    );
    expect(await storedIds(page)).toEqual(before);
    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
  });

  it('"Delete my data" asks first, then empties the history and every platform key in localStorage, and says so', async () => {
    await resetBrowserData();
    const { page, problems } = await openProgress();
    await importFile(page, 'my-history.json', historyFile(SESSIONS));
    await page.getByTestId('history-list').waitFor();
    await page.evaluate((keys) => {
      for (const [k, v] of Object.entries(keys)) localStorage.setItem(k, v);
      localStorage.setItem('not-ours', 'keep');
    }, PLATFORM_KEYS);

    // The first click only asks; cancelling keeps everything.
    await page.getByTestId('delete-data').click();
    const confirm = page.getByTestId('delete-confirm');
    expect(await confirm.isVisible()).toBe(true);
    expect(await page.getByRole('group', { name: 'Delete everything?' }).textContent()).toContain('All 4 sessions');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Delete everything?');
    await page.getByTestId('delete-cancel').click();
    expect(await confirm.count()).toBe(0);
    expect(await storedIds(page)).toHaveLength(4);

    await page.getByTestId('delete-data').click();
    await page.getByTestId('delete-confirm').click();
    const result = page.getByTestId('delete-result');
    await page.waitForFunction(() => (document.querySelector('[data-testid="delete-result"]')?.textContent ?? '') !== '');
    expect(await result.textContent()).toBe(
      'Deleted 4 practice sessions, your learning-path progress and your choice about session recaps. This browser now holds no data from this site.',
    );
    expect(await page.getByTestId('progress-empty').isVisible()).toBe(true);
    expect(await storedIds(page)).toEqual([]);
    const storage = await page.evaluate(() => ({ ...localStorage }));
    expect(storage).toEqual({ 'not-ours': 'keep' });

    await page.reload();
    await page.getByTestId('progress-empty').waitFor();
    expect(await page.getByTestId('history-item').count()).toBe(0);
    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
  });

  it('has no axe violations, empty or full, with a chart table and the delete confirmation open', async () => {
    await resetBrowserData();
    const { page } = await openProgress();
    expect(await axeViolations(page)).toEqual([]);

    await importFile(page, 'my-history.json', historyFile(SESSIONS));
    await page.getByTestId('history-list').waitFor();
    await page.locator('[data-criterion-id="payback-case"] summary').click();
    await page.getByTestId('delete-data').click();
    expect(await axeViolations(page)).toEqual([]);
  });

  it('lays out on a 320 px phone without sideways scrolling', async () => {
    await resetBrowserData();
    const { page } = await openProgress();
    await importFile(page, 'my-history.json', historyFile(SESSIONS));
    await page.getByTestId('history-list').waitFor();
    await page.setViewportSize({ width: 320, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  });
});
