/**
 * The live voice coach in Chromium against the built server and the OpenAI emulator: a fake microphone
 * plays a spoken WAV (espeak-ng), the emulator's voice detection hears it, the transcript shows the
 * user's turn and the coach's streamed reply, the coach's audio arrives (getStats), a web_search call
 * shows its sources, typing works, and hanging up frees the session quota.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { AppServer } from '../helpers/app-server';
import { NO_PROBLEMS, chromiumSkipNote, haveChromium, problemsOf, watchPage, type BrowserSession } from '../helpers/browser';
import { startVoiceRig, type VoiceRig } from '../helpers/voice-rig';
import { espeakSkipNote, haveEspeak, speechWav } from '../helpers/speech-wav';

const SCRIPT = [
  { user: 'I want to rehearse my budget pitch for the board.', assistant: 'Good. Give me your opening line, as you would say it on the day.' },
  {
    user: 'Can you check what the EU AI Act requires for high-risk systems?',
    tool: { name: 'web_search', query: 'EU AI Act high-risk obligations' },
    assistant: 'So name your risk class in the deck before the board asks.',
  },
];

async function inboundPackets(page: Page): Promise<number> {
  return page.evaluate(async () => {
    let packets = 0;
    for (const pc of (window as unknown as { __peers: RTCPeerConnection[] }).__peers) {
      (await pc.getStats()).forEach((r) => {
        if (r.type === 'inbound-rtp' && r.kind === 'audio') packets += r.packetsReceived ?? 0;
      });
    }
    return packets;
  });
}

const turns = (page: Page, role: 'user' | 'assistant') => page.locator(`[data-testid="voice-turn"][data-role="${role}"]`);

describe.skipIf(!haveChromium || !haveEspeak)(`voice conversation in Chromium${chromiumSkipNote}${espeakSkipNote}`, () => {
  let rig: VoiceRig;
  let browser: BrowserSession;
  let app: AppServer;

  beforeAll(async () => {
    rig = await startVoiceRig({ realtimeScript: SCRIPT, fakeAudioCapture: speechWav('I want to rehearse my budget pitch for the board.') });
    ({ browser, app } = rig);
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
  });

  it('connects over WebRTC, hears the user, streams the reply with audio, and searches mid-conversation', async () => {
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    await page.goto(`${app.url}/coach`);
    await page.getByTestId('coach-mode').filter({ hasText: 'realtime' }).waitFor({ timeout: 20_000 });
    const clicked = Date.now();
    await page.getByTestId('voice-start').click();
    await page.locator('[data-testid="voice-status"][data-status="connected"]').waitFor({ timeout: 20_000 });
    const connectMs = Date.now() - clicked;
    expect(await page.getByTestId('voice-transport').getAttribute('data-transport')).toBe('webrtc');

    // The emulator hears the fake microphone and "transcribes" the scripted line.
    await expect.poll(async () => (await turns(page, 'user').first().textContent()) ?? '', { timeout: 30_000 }).toContain('rehearse my budget pitch');
    await expect.poll(async () => (await turns(page, 'assistant').first().textContent()) ?? '', { timeout: 30_000 }).toContain('opening line');
    await expect.poll(() => inboundPackets(page), { timeout: 15_000 }).toBeGreaterThan(0);

    // The second spoken turn triggers web_search: "searching…" then the sources, then the coach quotes it.
    await expect.poll(async () => page.locator('[data-testid="search-result"]').count(), { timeout: 45_000 }).toBeGreaterThan(0);
    // With a key, the coach searches the web (OpenAI's web_search, here the emulator's corpus).
    await expect.poll(async () => (await page.getByTestId('search-citation').first().getAttribute('href')) ?? '', { timeout: 20_000 }).toMatch(/^https:\/\//);
    expect(await page.getByTestId('search-provider').first().textContent()).toContain('Web search');
    await expect.poll(async () => (await turns(page, 'assistant').allTextContents()).join(' '), { timeout: 30_000 }).toContain('According to the search');

    // User turns come before the coach's reply to them, in order.
    const roles = await page.locator('[data-testid="voice-turn"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-role')));
    expect(roles.slice(0, 2)).toEqual(['user', 'assistant']);

    expect(await problemsOf(problems)).toEqual(NO_PROBLEMS);
    console.info(`click → connected: ${connectMs} ms`);

    // Hang up: the server session ends (its quota slot is free again).
    await page.getByTestId('voice-hangup').click();
    await app.waitForLog((l) => l.event === 'sessionEnded', 10_000);
    await page.close();

    // The client's figures reached Prometheus: connection time, reply latency, token usage, the summary.
    const metric = async (pattern: RegExp) => Number((await (await app.fetch('/metrics')).text()).match(pattern)?.[1] ?? 0);
    await expect.poll(() => metric(/voice_agent_webrtc_connection_seconds_count\{transport="webrtc"\} (\d+)/), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => metric(/voice_agent_response_latency_seconds_count (\d+)/), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => metric(/voice_agent_realtime_tokens_total\{direction="output",kind="audio"\} (\d+)/), { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => metric(/voice_agent_conversation_turns_count (\d+)/), { timeout: 10_000 }).toBeGreaterThan(0);
  });
});
