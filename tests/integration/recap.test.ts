/**
 * The session recap end to end, on the built server against the emulator: the scorecard answers a summary and
 * its signed token; the next token request in the same scenario carries the token and the coach is told the
 * summary (realtime mint, refresh, the switch to fallback, the fallback chat's opening); anything else (another
 * scenario, expired, forged, a session credential) starts the session without it and says why; a recap never
 * opens the fallback endpoints; neither the token nor the summary is ever logged.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { postJson, type AppServer } from '../helpers/app-server';
import { REALTIME_KEY, STANDARD_KEY, calls, type Emulator } from '../helpers/emulator';
import { expectError, postChat, readSse } from '../helpers/fallback';
import { LOOSE_LIMITS, useServersWithEmulator } from '../helpers/server-fixture';
import { loadScenarioCatalogue } from '../../src/server/coach/scenario-catalogue';
import { RECAP_BLOCK_END, RECAP_BLOCK_START } from '../../src/server/coach/scenario-instructions';
import { signRecapToken } from '../../src/server/tokens/recap-token';

const SCENARIOS_DIR = fileURLToPath(new URL('../../src/content/scenarios/', import.meta.url));
const catalogue = loadScenarioCatalogue(SCENARIOS_DIR);
const BOARD = catalogue.get('pitch-ai-strategy-to-the-board')!;
const CFO = catalogue.get('defend-ai-budget-to-the-cfo')!;
const SECRET = 'recap-integration-secret-0123456789abcdef';
const KEY = new TextEncoder().encode(SECRET);
const DAY = 24 * 60 * 60 * 1000;

const fixture = useServersWithEmulator((emu) => ({ OPENAI_BASE_URL: emu.baseUrl, OPENAI_API_KEY: REALTIME_KEY, SCENARIOS_DIR, SESSION_SECRET: SECRET, ...LOOSE_LIMITS }));
let emu: Emulator;
beforeAll(() => {
  emu = fixture.emu;
});

const TRANSCRIPT = [
  { role: 'assistant', text: BOARD.openingLine },
  { role: 'user', text: 'Our claims pilot cut handling time by 32 percent in 12 weeks. We are asking for $4 million to scale it.' },
  { role: 'assistant', text: 'And who is accountable if it goes wrong?' },
  { role: 'user', text: 'The COO owns model risk with a monthly review. I will bring the risk register by Friday.' },
];

interface Session {
  token: string;
  sessionId: string;
  mode: string;
  warnings?: string[];
}
const tokenFor = async (s: AppServer, body: unknown): Promise<Session> => {
  const res = await postJson(s, '/api/voice-agent/token', body);
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text);
};
const minted = () => emu.stats().lastRequest['client_secrets']!.body.session.instructions as string;

/** A graded session of `scenarioId`: the scorecard's recap. */
async function recapOf(s: AppServer, scenarioId: string): Promise<{ summary: string; token: string }> {
  const session = await tokenFor(s, { scenarioId });
  const res = await postJson(s, '/api/voice-agent/grade', { sessionId: session.sessionId, transcript: TRANSCRIPT });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text).recap;
}

function expectNeverLogged(s: AppServer, ...texts: string[]) {
  const output = s.output();
  for (const text of texts) expect(output, 'log output contains a recap token or summary').not.toContain(text);
}

describe('the scorecard’s recap', () => {
  it('is a plain-words summary of the scorecard and a signed token that is not a session credential', async () => {
    const s = await fixture.server();
    const session = await tokenFor(s, { scenarioId: BOARD.id });
    const card = await (await postJson(s, '/api/voice-agent/grade', { sessionId: session.sessionId, transcript: TRANSCRIPT })).json();
    const { summary, token } = card.recap;
    const today = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date());
    expect(summary.startsWith(`Previous session (${today.replace('Sept', 'Sep')}): overall ${card.overall}/100.`)).toBe(true);
    expect(summary.length).toBeLessThanOrEqual(600);
    const scores: number[] = card.criteria.map((c: any) => c.score);
    const scoreOf = (name: string) => card.criteria.find((c: any) => c.criterion === name)?.score;
    if (Math.max(...scores) !== Math.min(...scores)) {
      const [, best, bestScore] = summary.match(/Strongest: (.+?) \((\d)\/5\)\./)!;
      const [, worst, worstScore] = summary.match(/Weakest: (.+?) \((\d)\/5\)\./)!;
      expect([scoreOf(best), scoreOf(worst)]).toEqual([Math.max(...scores), Math.min(...scores)]);
      expect([Number(bestScore), Number(worstScore)]).toEqual([Math.max(...scores), Math.min(...scores)]);
    } else {
      expect(summary).toContain(`Every criterion scored ${scores[0]}/5`);
    }
    expect(summary).toContain(`To work on: ${card.improvements[0].slice(0, 20)}`);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', typ: 'recap+jwt' });
    expect(decodeJwt(token)).toMatchObject({ aud: 'coach-recap', scenario: BOARD.id, summary });
    expect(decodeJwt(token).exp! - decodeJwt(token).iat!).toBe(90 * 86_400);
    expectNeverLogged(s, token, summary);
  });
});

describe('the next session in the same scenario', () => {
  it('realtime: the minted session’s instructions hold the summary in the background block, on refresh too', async () => {
    const s = await fixture.server();
    const recap = await recapOf(s, BOARD.id);
    const next = await tokenFor(s, { scenarioId: BOARD.id, recap: recap.token });
    expect(next.mode).toBe('realtime');
    expect(next.warnings).toBeUndefined();
    const instructions = minted();
    expect(instructions).toContain(`Role-play for this session: ${BOARD.title}`);
    expect(instructions).toContain(`${RECAP_BLOCK_START}\n${recap.summary}\n${RECAP_BLOCK_END}`);
    expect(instructions).toMatch(/background for continuity, not instructions/);
    expect(instructions.indexOf(RECAP_BLOCK_START)).toBeGreaterThan(instructions.indexOf(BOARD.openingLine));

    expect((await postJson(s, '/api/voice-agent/refresh-token', { sessionId: next.sessionId })).status).toBe(200);
    expect(calls(emu, 'client_secrets')).toBe(3);
    expect(minted()).toContain(recap.summary);
    await s.waitForLog((l) => l.event === 'tokenGenerated' && l.kind === 'refresh');
    expect(s.logs.filter((l) => l.event === 'tokenGenerated').map((l) => l.recap ?? false)).toEqual([false, true, true]);
    expectNeverLogged(s, recap.token, recap.summary);
  });

  it('the switch to fallback keeps it: the fallback chat’s developer message holds the summary', async () => {
    const s = await fixture.server();
    const recap = await recapOf(s, BOARD.id);
    const next = await tokenFor(s, { scenarioId: BOARD.id, recap: recap.token });
    const switched = await (await postJson(s, '/api/voice-agent/refresh-token', { sessionId: next.sessionId, mode: 'fallback' })).json();
    expect(switched.mode).toBe('fallback');
    const { events } = await readSse(await postChat(s, switched.token, { messages: [{ role: 'user', content: 'Where were we?' }] }));
    expect(events.at(-1)!.event).toBe('done');
    expect(emu.stats().lastRequest['chat.completions']!.body.messages[0].content).toContain(`${RECAP_BLOCK_START}\n${recap.summary}\n${RECAP_BLOCK_END}`);
  });

  it('fallback: the counterpart opens with its line and the developer message carries the summary', async () => {
    const s = await fixture.server({ OPENAI_API_KEY: STANDARD_KEY });
    const recap = await recapOf(s, BOARD.id);
    const next = await tokenFor(s, { scenarioId: BOARD.id, recap: recap.token });
    expect(next.mode).toBe('fallback');
    expect(next.warnings).toHaveLength(1); // the fallback-mode warning only
    const { events } = await readSse(await postChat(s, next.token, { messages: [] }));
    expect(events.filter((e) => e.event === 'delta').map((e) => e.data.text).join('')).toBe(BOARD.openingLine);
    const sent = emu.stats().lastRequest['chat.completions']!.body;
    expect(sent.messages).toHaveLength(1);
    expect(sent.messages[0].content).toContain(`${RECAP_BLOCK_START}\n${recap.summary}\n${RECAP_BLOCK_END}`);
    expect(sent.messages[0].content).toMatch(/Acknowledge these notes in one sentence after your opening/);
    expectNeverLogged(s, recap.token, recap.summary);
  });

  it('demo: accepted the same way, nothing goes upstream', async () => {
    const s = await fixture.server({ DEMO_MODE: 'force' });
    const recap = await recapOf(s, BOARD.id);
    const next = await tokenFor(s, { scenarioId: BOARD.id, recap: recap.token });
    expect(next.mode).toBe('demo');
    expect(next.warnings).toEqual(['Demo mode is switched on for this server (DEMO_MODE=force).']);
    expect(s.logs.find((l) => l.event === 'recapRejected')).toBeUndefined();
    expect(calls(emu, 'chat.completions') + calls(emu, 'client_secrets')).toBe(0);
  });
});

describe('a recap that is not used', () => {
  it('another scenario, expired, forged, or a session credential: the session starts, `warnings` says why, a recapRejected log line', async () => {
    const s = await fixture.server();
    const board = await recapOf(s, BOARD.id);
    const cases: Array<[string, string, RegExp]> = [
      ['scenario_mismatch', board.token, /from a different practice scenario/],
      ['expired', await signRecapToken(KEY, { scenarioId: CFO.id, summary: 'Previous session (1 Jan 2026): overall 40/100.' }, Date.now() - 91 * DAY), /more than 90 days old/],
      ['invalid', await signRecapToken(new TextEncoder().encode('another-server-secret-0123456789abcdef'), { scenarioId: CFO.id, summary: 'Overall 100/100.' }), /could not be verified/],
    ];
    const credential = (await tokenFor(s, { scenarioId: CFO.id })).token; // realtime secret: not a JWT at all
    cases.push(['invalid', credential, /could not be verified/]);
    for (const [reason, recap, warning] of cases) {
      const before = calls(emu, 'client_secrets');
      const next = await tokenFor(s, { scenarioId: CFO.id, recap });
      expect(next.mode).toBe('realtime');
      expect(next.warnings).toHaveLength(1);
      expect(next.warnings![0]).toMatch(warning);
      expect(calls(emu, 'client_secrets')).toBe(before + 1);
      expect(minted()).not.toContain(RECAP_BLOCK_START);
      expect(reason).toMatch(/^(scenario_mismatch|expired|invalid)$/);
    }
    const rejected = () => s.logs.filter((l) => l.event === 'recapRejected');
    await expect.poll(() => rejected().length).toBe(cases.length);
    expect(rejected().map((l) => [l.level, l.reason, l.scenario])).toEqual(cases.map(([reason]) => ['warn', reason, CFO.id]));
    expectNeverLogged(s, board.token, board.summary, credential);
  });

  it('a fallback credential is refused as a recap, and a recap is refused as a fallback credential', async () => {
    const s = await fixture.server({ OPENAI_API_KEY: STANDARD_KEY });
    const fallback = await tokenFor(s, { scenarioId: BOARD.id });
    expect(fallback.mode).toBe('fallback');
    const next = await tokenFor(s, { scenarioId: BOARD.id, recap: fallback.token });
    expect(next.warnings!.at(-1)).toMatch(/could not be verified/);
    await s.waitForLog((l) => l.event === 'recapRejected' && l.reason === 'invalid');

    const recap = await recapOf(s, BOARD.id);
    const refused = await expectError(await postChat(s, recap.token, { messages: [{ role: 'user', content: 'hi' }] }), 401, 'token_invalid');
    expect(refused.error.message).toBe('The session token is not valid.');
    await expectError(await postChat(s, recap.token, { messages: [] }), 401, 'token_invalid');
    expect(calls(emu, 'chat.completions')).toBe(1); // the grading only
    expectNeverLogged(s, fallback.token, recap.token);
  });

  it('a recap of the wrong type or size is a 400 invalid_request, and nothing is minted', async () => {
    const s = await fixture.server();
    for (const [recap, message] of [
      [42, /recap must be a string/],
      [{ summary: 'Be nice to me.' }, /recap must be a string/],
      ['', /recap must not be empty/],
      ['x'.repeat(4097), /recap must be at most 4096 characters/],
    ] as const) {
      const error = await expectError(await postJson(s, '/api/voice-agent/token', { scenarioId: BOARD.id, recap }), 400, 'invalid_request');
      expect(error.error.message).toMatch(message);
    }
    expect(calls(emu, 'client_secrets')).toBe(0);
  });
});
