/**
 * Cost control in Chromium (issue 8), the built server against the OpenAI emulator with metered
 * sessions: the user sees what the session costs, a warning ahead of the limit, and a graceful close
 * with the transcript kept when the server ends the call; a browser that ignores the warning is cut off
 * all the same; a used-up daily budget refuses the next session in plain words; the operator's kill
 * switch ends a session from outside; the WebSocket relay meters a session too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { NO_PROBLEMS, chromiumSkipNote, haveChromium, problemsOf, watchPage } from '../helpers/browser';
import { startVoiceRig, type VoiceRig } from '../helpers/voice-rig';
import { STANDARD_KEY } from '../helpers/emulator';
import { espeakSkipNote, haveEspeak, speechWav } from '../helpers/speech-wav';

const SAID = 'I want to rehearse my budget pitch for the board.';
const SCRIPT = [{ user: SAID, assistant: 'Good. Give me your opening line, as you would say it on the day.' }];
const ADMIN_TOKEN = 'admin-token-for-e2e-tests-0123456789';
const turns = (page: Page, role: 'user' | 'assistant') => page.locator(`[data-testid="voice-turn"][data-role="${role}"]`);

let rig: VoiceRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function start(env: Record<string, string>) {
  rig = await startVoiceRig({ realtimeScript: SCRIPT, fakeAudioCapture: speechWav(SAID), env: { METERED_SESSIONS: 'on', ADMIN_TOKEN, ...env } });
  return rig;
}

async function talk(page: Page, url: string, transport: 'webrtc' | 'websocket' = 'webrtc') {
  await page.goto(`${url}/coach`);
  await page.getByTestId('coach-mode').filter({ hasText: 'realtime' }).waitFor({ timeout: 20_000 });
  if (transport === 'websocket') await page.getByTestId('voice-transport-select').selectOption('websocket');
  await page.getByTestId('voice-start').click();
  await page.locator('[data-testid="voice-status"][data-status="connected"]').waitFor({ timeout: 20_000 });
  expect(await page.getByTestId('voice-transport').getAttribute('data-transport')).toBe(transport);
  await expect.poll(async () => (await turns(page, 'user').first().textContent()) ?? '', { timeout: 30_000 }).toContain('budget pitch');
  await expect.poll(async () => (await turns(page, 'assistant').first().textContent()) ?? '', { timeout: 30_000 }).toContain('opening line');
}

/** The session closed the way a user's own End does: ended notice, transcript kept, no error or reconnect. */
async function expectGracefulEnd(page: Page, reason: string, wording: RegExp) {
  const notice = page.locator(`[data-testid="session-ended-notice"][data-reason="${reason}"]`);
  await notice.waitFor({ timeout: 30_000 });
  expect(await notice.textContent()).toMatch(wording);
  expect(await turns(page, 'user').first().textContent()).toContain('budget pitch');
  expect(await turns(page, 'assistant').first().textContent()).toContain('opening line');
  expect(await page.getByTestId('coach-error').count()).toBe(0);
  await page.locator('[data-testid="session-result"]').waitFor({ timeout: 30_000 });
}

/** The first call's peer lost its events channel (the far end hung up), or the page closed the peer since. */
const firstCallClosed = (page: Page) =>
  page.evaluate(async () => {
    const pc = (window as unknown as { __peers: RTCPeerConnection[] }).__peers[0];
    if (!pc) return false;
    if (pc.signalingState === 'closed') return true;
    const states: string[] = [];
    (await pc.getStats()).forEach((r) => r.type === 'data-channel' && states.push(r.state));
    return states.length > 0 && states.every((s) => s === 'closed');
  });

/** The usage line once the server has priced the coach's reply (an estimate, never "$0.00"). */
const pricedUsage = /< \$0\.01|≈ \$\d/;

describe.skipIf(!haveChromium || !haveEspeak)(`cost control in Chromium${chromiumSkipNote}${espeakSkipNote}`, () => {
  it('shows the cost, warns ahead of SESSION_MAX_MINUTES, and closes gracefully with the transcript when the server hangs up', async () => {
    const { browser, app } = await start({ SESSION_MAX_MINUTES: '0.4', BUDGET_WARNING_SECONDS: '15' });
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    await talk(page, app.url);
    await expect.poll(async () => (await page.getByTestId('session-usage').textContent()) ?? '', { timeout: 15_000 }).toMatch(pricedUsage);
    expect(await page.getByTestId('session-usage').getAttribute('title')).toMatch(/estimate/i);
    const warning = page.getByTestId('session-limit-warning');
    await warning.waitFor({ timeout: 30_000 });
    expect(await warning.textContent()).toMatch(/left/i);
    expect(await page.getByTestId('session-ended-notice').count()).toBe(0);
    await app.waitForLog((l) => l.event === 'callHungUp' && l.reason === 'session_minutes', 30_000);
    await expectGracefulEnd(page, 'session_minutes', /limit/i);
    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
  }, 120_000);

  it('cuts off a browser that ignores the warning and keeps talking', async () => {
    const { browser, app, emu } = await start({ SESSION_MAX_MINUTES: '0.25', BUDGET_WARNING_SECONDS: '5' });
    const page = await browser.context.newPage();
    // This browser never learns of its limit: it cannot read the session's status.
    await page.route('**/api/voice-agent/session-status', (route) => route.abort());
    await talk(page, app.url);
    await app.waitForLog((l) => l.event === 'sessionLimitReached', 30_000);
    await app.waitForLog((l) => l.event === 'callHungUp', 10_000);
    await expect.poll(() => firstCallClosed(page), { timeout: 10_000 }).toBe(true);
    // Whatever the page tries next (it reconnects after a lost call), no second call reaches OpenAI.
    await new Promise((r) => setTimeout(r, 5_000));
    expect(emu.stats().counts['realtime.calls']).toBe(1);
  }, 90_000);

  it('ends the session when the day’s budget is used up and refuses the next one in plain words', async () => {
    const prices = { 'gpt-realtime-2.1': { text: { input: 1000, cachedInput: 1000, output: 10000 }, audio: { input: 1000, cachedInput: 1000, output: 10000 } } };
    const { browser, app } = await start({ DAILY_COST_LIMIT_USD: '0.05', MODEL_PRICES: JSON.stringify(prices) });
    const page = await browser.context.newPage();
    await talk(page, app.url);
    await expectGracefulEnd(page, 'daily_cost', /today's voice budget/i);

    const next = await browser.context.newPage();
    await next.goto(`${app.url}/coach`);
    const error = next.getByTestId('coach-error');
    // The page asks for its session when it loads (or at the click, if it has not yet).
    await error.or(next.getByTestId('voice-start')).first().waitFor({ timeout: 20_000 });
    if (!(await error.isVisible())) await next.getByTestId('voice-start').click();
    await error.waitFor({ timeout: 20_000 });
    expect(await error.textContent()).toMatch(/today's voice budget is used up.*00:00 UTC/is);
  }, 120_000);

  it('lets an operator list the session with its usage and end it at once', async () => {
    const { browser, app } = await start({});
    const page = await browser.context.newPage();
    await talk(page, app.url);
    const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    const listed = async () => (await (await app.fetch('/api/admin/sessions', { headers: auth })).json()).sessions as Array<{ sessionId: string; transport?: string; costUsd?: number }>;
    await expect.poll(async () => (await listed())[0]?.costUsd ?? 0, { timeout: 15_000 }).toBeGreaterThan(0);
    const [session] = await listed();
    expect(session).toMatchObject({ transport: 'webrtc' });
    const ended = await app.fetch(`/api/admin/sessions/${session!.sessionId}/end`, { method: 'POST', headers: auth });
    expect(await ended.json()).toMatchObject({ success: true, voiceStopped: true });
    await expectGracefulEnd(page, 'operator', /operator/i);
    await expect.poll(() => firstCallClosed(page), { timeout: 10_000 }).toBe(true);
  }, 90_000);

  it('bounds a fallback session too: warned without a usage line, then closed gracefully by the poll', async () => {
    // A key without realtime access: the session runs in chat + speech (fallback mode).
    const { browser, app } = await start({ OPENAI_API_KEY: STANDARD_KEY, SESSION_MAX_MINUTES: '0.3', BUDGET_WARNING_SECONDS: '10' });
    const page = await browser.context.newPage();
    await page.goto(`${app.url}/coach`);
    await page.getByTestId('coach-mode').filter({ hasText: 'fallback' }).waitFor({ timeout: 20_000 });
    await page.getByTestId('voice-start').click();
    await page.getByTestId('voice-text-input').fill('How should I open the board meeting about our AI budget?');
    await page.getByTestId('voice-text-send').click();
    await expect.poll(async () => (await turns(page, 'assistant').count()), { timeout: 30_000 }).toBeGreaterThan(0);
    await page.getByTestId('session-limit-warning').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('session-usage').count()).toBe(0); // fallback spend is not priced
    const notice = page.locator('[data-testid="session-ended-notice"][data-reason="session_minutes"]');
    await notice.waitFor({ timeout: 30_000 });
    expect(await turns(page, 'user').first().textContent()).toContain('board meeting');
    expect(await page.getByTestId('coach-error').count()).toBe(0);
    await page.locator('[data-testid="session-result"]').waitFor({ timeout: 30_000 });
    await app.waitForLog((l) => l.event === 'sessionLimitReached' && l.mode === 'fallback', 5_000);
  }, 90_000);

  it('meters a WebSocket session through the relay', async () => {
    const { browser, app } = await start({});
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    await talk(page, app.url, 'websocket');
    await expect.poll(async () => (await page.getByTestId('session-usage').textContent()) ?? '', { timeout: 15_000 }).toMatch(pricedUsage);
    const metrics = await (await app.fetch('/metrics')).text();
    expect(metrics).toMatch(/voice_agent_metered_connections\{transport="websocket"\} 1/);
    expect(Number(metrics.match(/voice_agent_estimated_cost_usd_total\{model="gpt-realtime-2.1"\} ([\d.e-]+)/)?.[1] ?? 0)).toBeGreaterThan(0);
    expect(metrics).toMatch(/voice_agent_relay_connections_total\{outcome="opened"\} 1/);
    // The browser never held an OpenAI key: every request went to the app's own origin.
    await page.getByTestId('voice-hangup').click();
    await app.waitForLog((l) => l.event === 'relayClosed', 10_000);
    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
  }, 90_000);
});
