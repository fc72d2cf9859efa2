/**
 * The practice report page (/report?id=…) in Chromium against the built server, on sessions seeded into the
 * browser's real IndexedDB with the app's own layout: what a user sees (scenario, date, overall, criteria
 * with their evidence quotes, strengths, improvements, next steps with titles, the heuristic grader's note,
 * signals, the transcript in order), the Markdown download, the print view (site chrome and buttons hidden,
 * black on white, link URLs printed, a real PDF), a session without a scorecard, the "nothing to show"
 * states with a way on, a 320 px phone, and axe-core clean in both states, with no console error or CSP
 * violation.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { axeViolations } from '../helpers/axe';
import { NO_PROBLEMS, chromiumSkipNote, haveChromium, launchBrowser, problemsOf, watchPage, type BrowserSession } from '../helpers/browser';
import { sampleRecord, seedHistory } from '../helpers/practice-history';

const HEURISTIC = sampleRecord();
const MODEL = sampleRecord({
  id: 'model-record-0002',
  scorecard: { ...HEURISTIC.scorecard!, grader: 'model', notes: [], overall: 48, next: { articles: ['unknown-article-slug'] } },
});
const UNSCORED = sampleRecord({
  id: 'unscored-record-0003',
  scorecard: undefined,
  scorecardMissing: 'The scorecard could not be prepared because the coaching service could not be reached.',
});

describe.skipIf(!haveChromium)(`practice report page in Chromium${chromiumSkipNote}`, () => {
  let browser: BrowserSession;
  let server: AppServer;
  const pages: Page[] = [];

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startAppServer({ RATE_LIMIT_PER_IP_PER_MINUTE: '1000', MAX_SESSIONS_PER_IP: '1000' })]);
    // Seed once through a page of the site (IndexedDB belongs to the origin); every tab of the profile sees it.
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/scenarios`);
    await seedHistory(page, [HEURISTIC, MODEL, UNSCORED, { ...HEURISTIC, id: 'broken-record-0004', transcript: undefined } as never]);
    await page.close();
  });
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((p) => p.close().catch(() => undefined)));
  });
  afterAll(async () => {
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
  async function openReport(id: string, setup?: (page: Page) => Promise<void>) {
    const opened = await open(`/report?id=${encodeURIComponent(id)}`, setup);
    await opened.page.getByTestId('report').waitFor({ timeout: 15_000 });
    return opened;
  }
  const texts = (page: Page, testId: string) => page.getByTestId(testId).allTextContents();

  it('shows a heuristic session: header, overall, criteria with evidence, strengths, next steps, the grader note, the transcript in order', async () => {
    const { page, status, problems } = await openReport(HEURISTIC.id);
    expect(status).toBe(200);
    expect(await page.locator('meta[name="robots"]').getAttribute('content')).toBe('noindex');
    expect(await page.locator('h1').count()).toBe(1);
    expect(await page.locator('h1').textContent()).toBe('Defend your AI budget to the CFO');
    const header = await page.getByTestId('report').locator('header').textContent();
    expect(header).toContain('20 May 2025');
    expect(header).toContain('Scripted demo');
    expect(header).toContain('5 min 12 s');
    expect(await page.title()).toContain('Practice report: Defend your AI budget to the CFO, 20 May 2025');

    // The rule-based grader says what it is, before the scores.
    const note = page.getByTestId('scorecard-grader-note');
    expect(await note.textContent()).toContain('Scored by a simple rule-based grader, not the AI: a rough guide.');
    expect(await note.isVisible()).toBe(true);

    const overall = await page.getByTestId('scorecard-overall').textContent();
    expect(overall).toContain('63');
    expect(overall).toContain('out of 100');
    expect(overall).toContain('A solid base, with clear gaps to work on.');

    const payback = page.locator('[data-testid="scorecard-criterion"][data-criterion-id="payback-case"]');
    expect(await payback.getByRole('heading', { level: 4 }).textContent()).toBe('Payback and unit economics');
    const paybackText = await payback.textContent();
    expect(paybackText).toContain('Weight 60%');
    expect(paybackText).toContain('4 out of 5 (Good)');
    expect(paybackText).toContain('Heuristic: 2 sentences with a figure.');
    expect(await payback.locator('blockquote').textContent()).toBe('In your words: “The pilot pays back in 14 months at 40% adoption.”');
    const phasing = page.locator('[data-testid="scorecard-criterion"][data-criterion-id="phasing"]');
    expect(await phasing.textContent()).toContain('2 out of 5 (Weak)');
    expect(await phasing.textContent()).toContain('No quotation for this criterion.');

    expect(await page.getByTestId('scorecard-strengths').locator('li').allTextContents()).toEqual(HEURISTIC.scorecard!.strengths);
    expect(await page.getByTestId('scorecard-improvements').locator('li').allTextContents()).toEqual(HEURISTIC.scorecard!.improvements);

    // Next steps by title (from the content collections), linking to the library and the scenario.
    const next = page.getByTestId('scorecard-next');
    expect(await next.getByRole('link', { name: 'Building the business case and ROI for AI' }).getAttribute('href')).toBe('/library/building-the-ai-business-case');
    expect(await next.getByRole('link', { name: 'Negotiate an enterprise AI contract' }).getAttribute('href')).toBe('/scenarios/negotiate-enterprise-ai-contract');

    const signals = await page.getByTestId('signals-summary').textContent();
    expect(signals).toContain('138 words a minute');
    expect(signals).toContain('“um” ×1');

    const turns = page.locator('[data-testid="report-transcript"] [data-testid="report-turn"]');
    expect(await turns.evaluateAll((els) => els.map((el) => el.getAttribute('data-role')))).toEqual(['assistant', 'user', 'assistant', 'user']);
    expect(await texts(page, 'report-turn-text')).toEqual(HEURISTIC.transcript.map((t) => t.text));
    expect(await turns.nth(0).textContent()).toMatch(/^Counterpart/);
    expect(await turns.nth(2).textContent()).toContain('(interrupted)');

    expect(await axeViolations(page)).toEqual([]);
    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
  });

  it('downloads the report as Markdown: scorecard, absolute links, signals and transcript', async () => {
    const { page } = await openReport(HEURISTIC.id);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('report-download').click()]);
    expect(download.suggestedFilename()).toBe('practice-report-defend-ai-budget-to-the-cfo-2025-05-20.md');
    const md = readFileSync((await download.path())!, 'utf8');
    expect(md.startsWith('# Practice report: Defend your AI budget to the CFO\n\n- **Date:** 20 May 2025, ')).toBe(true);
    expect(md).toContain('- **Overall:** 63/100. A solid base, with clear gaps to work on.');
    expect(md).toContain('> **Scored by a simple rule-based grader, not the AI: a rough guide.**');
    expect(md).toContain('| Payback and unit economics | 60 | 4 out of 5 (Good) |');
    expect(md).toContain('- In your words: “The pilot pays back in 14 months at 40% adoption.”');
    expect(md).toContain(`- Read: [Building the business case and ROI for AI](${server.url}/library/building-the-ai-business-case)`);
    expect(md).toContain(`- Practise next: [Negotiate an enterprise AI contract](${server.url}/scenarios/negotiate-enterprise-ai-contract)`);
    expect(md).toContain('- **Speaking pace:** 138 words a minute');
    const transcript = md.slice(md.indexOf('## Transcript'));
    expect(transcript.split('\n').filter((l) => l.startsWith('**'))).toEqual([
      '**Counterpart:** You want 2.4 million. Why should finance believe the savings this time?',
      '**You:** Um, the pilot pays back in 14 months at 40% adoption. The contact centre saves the most.',
      '**Counterpart:** And if adoption stalls at twenty percent, then *(interrupted)*',
      '**You:** Then we stop after tranche one. Can we agree the gates today?',
    ]);
  });

  it('prints cleanly: no site chrome or buttons, black on white, whole criteria, link URLs shown, a real PDF', async () => {
    const { page, problems } = await openReport(HEURISTIC.id);
    await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
    for (const hidden of ['body > header', 'body > footer', '[data-testid="report-actions"]', '[data-testid="report-print"]', '[data-testid="report-download"]']) {
      expect(await page.locator(hidden).isVisible(), hidden).toBe(false);
    }
    for (const shown of ['h1', '[data-testid="report-date"]', '[data-testid="scorecard-overall"]', '[data-testid="scorecard-grader-note"]', '[data-testid="report-transcript"]']) {
      expect(await page.locator(shown).first().isVisible(), shown).toBe(true);
    }
    // Title and date open the printed page.
    const firstText = await page.evaluate(() => (document.querySelector('main') as HTMLElement).innerText.trim().split('\n').slice(0, 6).join(' | '));
    expect(firstText).toContain('Defend your AI budget to the CFO');
    expect(firstText).toContain('20 May 2025');

    const style = await page.evaluate(() => {
      const css = (selector: string, pseudo?: string) => getComputedStyle(document.querySelector(selector)!, pseudo);
      return {
        body: [css('body').color, css('body').backgroundColor],
        heading: css('h1').color,
        cardShadow: css('[data-testid="scorecard-overall"]').boxShadow,
        criterionBreak: css('[data-testid="scorecard-criterion"]').breakInside,
        quoteBreak: css('[data-testid="scorecard-evidence"]').breakInside,
        linkAfter: css('[data-testid="scorecard-next"] a', '::after').content,
      };
    });
    expect(style.body).toEqual(['rgb(0, 0, 0)', 'rgb(255, 255, 255)']);
    expect(style.heading).toBe('rgb(0, 0, 0)');
    expect(style.cardShadow).toBe('none');
    expect(style.criterionBreak).toBe('avoid');
    expect(style.quoteBreak).toBe('avoid');
    expect(style.linkAfter).toBe(`" (${server.url}/library/building-the-ai-business-case)"`);

    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page\b/g)?.length ?? 0).toBeGreaterThanOrEqual(1);

    // On screen again, the actions are back.
    await page.emulateMedia({ media: 'screen' });
    expect(await page.getByTestId('report-print').isVisible()).toBe(true);
    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
  });

  it('a model-graded session has no heuristic note; a session without a scorecard says why and keeps its transcript', async () => {
    const { page } = await openReport(MODEL.id);
    expect(await page.getByTestId('scorecard').getAttribute('data-grader')).toBe('model');
    expect(await page.getByTestId('scorecard-grader-note').count()).toBe(0);
    // Below 60 the server suggests no next scenario: practise this one again. Unknown slugs read as words.
    const next = page.getByTestId('scorecard-next');
    expect(await next.getByRole('link', { name: 'Defend your AI budget to the CFO' }).getAttribute('href')).toBe('/scenarios/defend-ai-budget-to-the-cfo');
    expect(await next.textContent()).toContain('Practise again');
    expect(await next.getByRole('link', { name: 'Unknown article slug' }).count()).toBe(1);

    const unscored = await openReport(UNSCORED.id);
    expect(await unscored.page.getByTestId('scorecard').count()).toBe(0);
    expect(await unscored.page.getByTestId('report-no-scorecard').textContent()).toContain('the coaching service could not be reached');
    expect(await unscored.page.getByTestId('report-turn').count()).toBe(4);
    expect(await axeViolations(unscored.page)).toEqual([]);
  });

  it('says plainly when there is nothing to show, with links on, and never a blank page', async () => {
    for (const [path, reason, heading] of [
      ['/report?id=no-such-session', 'not-found', 'We could not find that session'],
      ['/report', 'no-id', 'No report chosen'],
      ['/report?id=broken-record-0004', 'unreadable', 'That session could not be read'],
    ] as const) {
      const { page, status, problems } = await open(path);
      expect(status).toBe(200);
      const missing = page.getByTestId('report-missing');
      await missing.waitFor({ timeout: 15_000 });
      expect(await missing.getAttribute('data-reason')).toBe(reason);
      expect(await page.locator('h1').textContent()).toBe(heading);
      expect(await missing.getByRole('link', { name: 'Your practice sessions' }).getAttribute('href')).toBe('/progress');
      expect(await missing.getByRole('link', { name: 'Choose a scenario' }).getAttribute('href')).toBe('/scenarios');
      expect(await page.getByTestId('report').count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
      expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
    }

    // Without an id there is nothing to look up, so the message is in the server's HTML (no JavaScript needed).
    const html = await (await server.fetch('/report')).text();
    expect(html).toContain('data-testid="report-missing"');
  });

  it('fits a 320 px phone without sideways scrolling', async () => {
    const { page } = await openReport(HEURISTIC.id, (p) => p.setViewportSize({ width: 320, height: 640 }));
    const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: window.innerWidth }));
    expect(widths.doc).toBeLessThanOrEqual(widths.view);
    expect(await page.getByTestId('report-download').isVisible()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
  });
});
