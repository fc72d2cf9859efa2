/**
 * Headless Chromium for the browser (e2e) tests: the system's Debian Chromium driven by
 * playwright-core (no downloaded browser builds), one persistent context per test file, plus a
 * per-page recorder of what a user's devtools would show (console errors, uncaught page errors,
 * Content-Security-Policy violations).
 *
 * Chromium missing: tests are skipped locally with a visible reason; in CI (`CI=true`) importing
 * this module throws, because CI must run every test.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM_PATH);

/** Appended to describe titles, so a skip says why in the test report. */
export const chromiumSkipNote = haveChromium
  ? ''
  : ` [SKIPPED: no Chromium at ${CHROMIUM_PATH}; apt-get install chromium or set CHROMIUM_PATH]`;

if (!haveChromium) {
  const message = `Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH).`;
  if (process.env.CI === 'true') throw new Error(`${message} CI runs every browser test; it must not skip them.`);
  console.warn(`⚠ ${message} Browser tests are SKIPPED on this machine.`);
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

/** Records `securitypolicyviolation` events on `window.__cspViolations` in every document. */
const CSP_RECORDER = `(() => {
  if (window.__cspViolations) return;
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cspViolations.push({
      directive: e.effectiveDirective || e.violatedDirective,
      blockedURI: e.blockedURI,
      sourceFile: e.sourceFile,
      line: e.lineNumber,
      sample: e.sample,
    });
  }, true);
})();`;

export interface BrowserSession {
  context: BrowserContext;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** A WAV the fake microphone plays (looped) instead of Chromium's beep. */
  fakeAudioCapture?: string;
  /** Extra Chromium flags (e.g. to block WebRTC's UDP for the WebSocket fallback). */
  extraArgs?: string[];
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<BrowserSession> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'e2e-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [
        ...CHROMIUM_ARGS,
        ...(options.fakeAudioCapture ? [`--use-file-for-fake-audio-capture=${options.fakeAudioCapture}`] : []),
        ...(options.extraArgs ?? []),
      ],
      timeout: 30_000,
    });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
  await context.addInitScript({ content: CSP_RECORDER });
  // A persistent context opens with one blank tab; tests open their own pages.
  await Promise.all(context.pages().map((p) => p.close()));
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export interface CspViolation {
  directive: string;
  blockedURI: string;
  sourceFile?: string;
  line?: number;
  sample?: string;
}

export interface PageProblems {
  /** `console.error` and browser-logged errors (failed loads, CSP refusals…), as text with location. */
  consoleErrors: string[];
  /** Uncaught exceptions and unhandled rejections in the page. */
  pageErrors: string[];
  /** Console messages of any level that mention the Content Security Policy. */
  cspConsole: string[];
  /** `securitypolicyviolation` events recorded in the page's current document. */
  cspViolations(): Promise<CspViolation[]>;
}

/** Start recording a page's problems (call before the first `goto`). */
export function watchPage(page: Page): PageProblems {
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const cspConsole: string[] = [];
  const describe = (msg: ConsoleMessage) => {
    const loc = msg.location();
    return `${msg.text()}${loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`;
  };
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(describe(msg));
    if (/content security policy/i.test(msg.text())) cspConsole.push(describe(msg));
  });
  page.on('pageerror', (error) => pageErrors.push(`${error.name}: ${error.message}`));
  return {
    consoleErrors,
    pageErrors,
    cspConsole,
    async cspViolations() {
      return page.evaluate(() => ((window as unknown as { __cspViolations?: CspViolation[] }).__cspViolations ?? []).slice());
    },
  };
}

/** Everything a clean page must have none of, in one object (readable in a failed assertion). */
export async function problemsOf(p: PageProblems) {
  return {
    cspViolations: await p.cspViolations(),
    cspConsole: p.cspConsole,
    consoleErrors: p.consoleErrors,
    pageErrors: p.pageErrors,
  };
}

export const NO_PROBLEMS = { cspViolations: [], cspConsole: [], consoleErrors: [], pageErrors: [] };
