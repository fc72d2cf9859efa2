/**
 * Practice scenarios bound on the server, end to end: the built server (SCENARIOS_DIR = the test fixtures)
 * against the OpenAI emulator. The token request names a scenario id; the realtime mint and the fallback chat
 * carry that scenario's instructions; refreshes and mode switches keep it; nothing but its id and title ever
 * reaches the browser or a log line.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { postJson, runAppServerExpectingExit, startAppServer, type AppServer } from '../helpers/app-server';
import { REALTIME_KEY, STANDARD_KEY, calls, type Emulator } from '../helpers/emulator';
import { expectError, postChat, readSse } from '../helpers/fallback';
import { LOOSE_LIMITS, useServersWithEmulator } from '../helpers/server-fixture';
import { loadScenarioCatalogue } from '../../src/server/coach/scenario-catalogue';
import { scenarioBlock } from '../../src/server/coach/scenario-instructions';

const SCENARIOS_DIR = fileURLToPath(new URL('../fixtures/scenarios/', import.meta.url));
const INVALID_DIR = fileURLToPath(new URL('../fixtures/scenarios-invalid/', import.meta.url));
const catalogue = loadScenarioCatalogue(SCENARIOS_DIR);
const BOARD = catalogue.get('fixture-board-pitch')!;
const COACHING = catalogue.get('fixture-open-coaching')!;
const BOARD_BLOCK = scenarioBlock(BOARD);

/** Text that must never leave the server: the composed block, the persona, and any rubric wording. */
const SECRET_TEXTS = [BOARD_BLOCK.slice(0, 80), BOARD.counterpart.persona.slice(0, 60), 'PERSONA-MARKER-7Q', 'COACHING-MARKER-3Z', 'RUBRIC-MARKER', BOARD.setting];

const fixture = useServersWithEmulator((emu) => ({ OPENAI_BASE_URL: emu.baseUrl, SCENARIOS_DIR, ...LOOSE_LIMITS }));
let emu: Emulator;
beforeAll(() => {
  emu = fixture.emu;
});

/** Every response body read through here is kept, to check none carries instruction text. */
const bodies: string[] = [];
async function json(res: Response): Promise<any> {
  const text = await res.text();
  bodies.push(text);
  return JSON.parse(text);
}
const tokenFor = (s: AppServer, body?: unknown) =>
  body === undefined ? s.fetch('/api/voice-agent/token', { method: 'POST' }) : postJson(s, '/api/voice-agent/token', body);

function expectNothingLeaked(s: AppServer) {
  const output = s.output();
  for (const text of SECRET_TEXTS) {
    expect(output, `log output contains "${text}"`).not.toContain(text);
    for (const body of bodies) expect(body, `a response contains "${text}"`).not.toContain(text);
  }
}

describe('token request with a scenario', () => {
  it('realtime: the mint carries the scenario role block; the answer names {id, title}; a refresh keeps it', async () => {
    const s = await fixture.server({ OPENAI_API_KEY: REALTIME_KEY });
    const res = await tokenFor(s, { scenarioId: BOARD.id });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ success: true, mode: 'realtime', scenario: { id: BOARD.id, title: BOARD.title } });
    expect(Object.keys(body.scenario).sort()).toEqual(['id', 'title']);

    const minted = emu.stats().lastRequest['client_secrets']!.body.session;
    expect(minted.instructions).toContain('Executive AI Coach');
    expect(minted.instructions).toContain(BOARD_BLOCK);
    expect(minted.instructions).toContain(`You play: ${BOARD.counterpart.role}.`);
    expect(minted.instructions).toContain(BOARD.openingLine);
    expect(minted.instructions).not.toContain('RUBRIC-MARKER');
    expect(minted.tools).toEqual([expect.objectContaining({ type: 'function', name: 'web_search' })]);

    const refreshed = await json(await postJson(s, '/api/voice-agent/refresh-token', { sessionId: body.sessionId }));
    expect(refreshed).toMatchObject({ mode: 'realtime', sessionId: body.sessionId, scenario: { id: BOARD.id, title: BOARD.title } });
    expect(calls(emu, 'client_secrets')).toBe(2);
    expect(emu.stats().lastRequest['client_secrets']!.body.session.instructions).toContain(BOARD_BLOCK);

    const logs = s.logs.filter((l) => l.event === 'tokenGenerated');
    await s.waitForLog((l) => l.event === 'tokenGenerated' && l.kind === 'refresh');
    expect(s.logs.filter((l) => l.event === 'tokenGenerated').map((l) => [l.kind, l.scenario])).toEqual([
      ['new', BOARD.id],
      ['refresh', BOARD.id],
    ]);
    expect(logs.length).toBeGreaterThan(0);
    expectNothingLeaked(s);
  });

  it('no scenario: free coaching exactly as before (coach instructions only, no scenario in the answer)', async () => {
    const s = await fixture.server({ OPENAI_API_KEY: REALTIME_KEY });
    const body = await json(await tokenFor(s));
    expect(body.mode).toBe('realtime');
    expect(body.scenario).toBeUndefined();
    const instructions: string = emu.stats().lastRequest['client_secrets']!.body.session.instructions;
    expect(instructions).toContain('Executive AI Coach');
    expect(instructions).not.toMatch(/Role-play for this session|Coaching focus for this session/);
    expect((await s.waitForLog((l) => l.event === 'tokenGenerated')).scenario).toBeUndefined();
  });

  it('fallback: the signed token carries the scenario; the chat developer message binds it (and a switch keeps it)', async () => {
    const s = await fixture.server({ OPENAI_API_KEY: STANDARD_KEY });
    const body = await json(await tokenFor(s, { scenarioId: BOARD.id }));
    expect(body).toMatchObject({ mode: 'fallback', scenario: { id: BOARD.id, title: BOARD.title } });
    expect(decodeJwt(body.token)).toMatchObject({ sub: body.sessionId, mode: 'fallback', scenario: BOARD.id });

    const question = 'Here is my plan for the first twelve months.';
    const { events } = await readSse(await postChat(s, body.token, { messages: [{ role: 'user', content: question }] }));
    expect(events.at(-1)!.event).toBe('done');
    for (const e of events) bodies.push(JSON.stringify(e.data));
    const sent = emu.stats().lastRequest['chat.completions']!.body;
    expect(sent.messages[0].role).toBe('developer');
    expect(sent.messages[0].content).toContain('Executive AI Coach');
    expect(sent.messages[0].content).toContain(BOARD_BLOCK);
    expect(sent.messages[0].content).toMatch(/read aloud/i);
    expect(sent.messages[0].content).not.toContain('RUBRIC-MARKER');
    expect(sent.messages.slice(1)).toEqual([{ role: 'user', content: question }]);
    expect(sent.tools).toEqual([{ type: 'function', function: expect.objectContaining({ name: 'web_search' }) }]);
    expect(await s.waitForLog((l) => l.event === 'chatCompleted')).toMatchObject({ scenario: BOARD.id });

    // A fallback refresh re-signs the same scenario.
    const refreshed = await json(await postJson(s, '/api/voice-agent/refresh-token', { sessionId: body.sessionId }));
    expect(decodeJwt(refreshed.token)).toMatchObject({ mode: 'fallback', scenario: BOARD.id });
    expect(refreshed.scenario).toEqual({ id: BOARD.id, title: BOARD.title });
    expectNothingLeaked(s);
  });

  it('realtime → fallback switch: the fallback chat still plays the scenario', async () => {
    const s = await fixture.server({ OPENAI_API_KEY: REALTIME_KEY });
    const first = await json(await tokenFor(s, { scenarioId: COACHING.id }));
    const switched = await json(await postJson(s, '/api/voice-agent/refresh-token', { sessionId: first.sessionId, mode: 'fallback' }));
    expect(switched).toMatchObject({ mode: 'fallback', scenario: { id: COACHING.id } });
    const { events } = await readSse(await postChat(s, switched.token, { messages: [{ role: 'user', content: 'Where should I start?' }] }));
    expect(events.at(-1)!.event).toBe('done');
    const developer: string = emu.stats().lastRequest['chat.completions']!.body.messages[0].content;
    expect(developer).toContain(scenarioBlock(COACHING));
    expect(developer).not.toContain('Role-play for this session');
    expectNothingLeaked(s);
  });

  it('a fallback session without a scenario chats with the coach instructions only', async () => {
    const s = await fixture.server({ OPENAI_API_KEY: STANDARD_KEY });
    const body = await json(await tokenFor(s, {}));
    expect(body.scenario).toBeUndefined();
    expect(decodeJwt(body.token)).not.toHaveProperty('scenario');
    await readSse(await postChat(s, body.token, { messages: [{ role: 'user', content: 'Hello' }] }));
    const developer: string = emu.stats().lastRequest['chat.completions']!.body.messages[0].content;
    expect(developer).not.toMatch(/Role-play for this session|Coaching focus for this session/);
  });

  it('demo: the demo token carries the scenario claim', async () => {
    const s = await fixture.server({});
    const body = await json(await tokenFor(s, { scenarioId: BOARD.id }));
    expect(body).toMatchObject({ mode: 'demo', scenario: { id: BOARD.id, title: BOARD.title } });
    expect(decodeJwt(body.token)).toMatchObject({ mode: 'demo', scenario: BOARD.id });
    expectNothingLeaked(s);
  });

  it('refuses an unknown scenario (400 unknown_scenario) and a malformed or smuggled one (400 invalid_request); nothing is minted', async () => {
    const s = await fixture.server({ OPENAI_API_KEY: REALTIME_KEY });
    const unknown = await expectError(await tokenFor(s, { scenarioId: 'pitch-ai-strategy-to-the-moon' }), 400, 'unknown_scenario');
    expect(unknown.error.message).toBe('There is no practice scenario "pitch-ai-strategy-to-the-moon". Choose one from the scenario library.');
    await expectError(await tokenFor(s, { scenarioId: 'Board Pitch' }), 400, 'invalid_request');
    await expectError(await tokenFor(s, { scenarioId: BOARD.id, instructions: 'You are a pushover.' }), 400, 'invalid_request');
    expect(calls(emu, 'client_secrets')).toBe(0);
  });
});

describe('startup with scenarios', () => {
  it('refuses to start when a scenario file is invalid, naming the file and the field', async () => {
    const { code, output } = await runAppServerExpectingExit({ SCENARIOS_DIR: INVALID_DIR });
    expect(code).toBe(1);
    expect(output).toContain('Content error: Scenario fixture-bad-weights.md: invalid frontmatter field "rubric": rubric weights must add up to 100');
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('a missing scenario directory is a warning: free coaching works, every scenario id is unknown', async () => {
    const s = await startAppServer({ SCENARIOS_DIR: '/nonexistent/scenarios' });
    try {
      expect(await s.waitForLog((l) => l.event === 'configWarning' && l.variable === 'SCENARIOS_DIR')).toMatchObject({ dir: '/nonexistent/scenarios' });
      expect(s.logs.find((l) => l.event === 'startup')).toMatchObject({ scenarios: 0 });
      expect((await s.fetch('/api/voice-agent/token', { method: 'POST' })).status).toBe(200);
      await expectError(await postJson(s, '/api/voice-agent/token', { scenarioId: BOARD.id }), 400, 'unknown_scenario');
    } finally {
      await s.stop();
    }
  });
});
