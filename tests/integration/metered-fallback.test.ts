/**
 * Metered sessions in fallback mode (issue 8): the server bounds them by SESSION_MAX_MINUTES at the
 * endpoints that spend the key, whether the session started in fallback (a key without realtime access)
 * or switched to it from live voice; an operator's end closes them the same way.
 */
import { describe, expect, it } from 'vitest';
import type { AppServer } from '../helpers/app-server';
import { LOOSE_LIMITS, useServersWithEmulator } from '../helpers/server-fixture';
import { REALTIME_KEY, STANDARD_KEY } from '../helpers/emulator';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const fixture = useServersWithEmulator((emu) => ({ OPENAI_BASE_URL: emu.baseUrl, METERED_SESSIONS: 'on', ADMIN_TOKEN, ...LOOSE_LIMITS }));
const post = (s: AppServer, path: string, body: unknown, token?: string) =>
  s.fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
const chat = (s: AppServer, token: string) => post(s, '/api/voice-agent/chat', { messages: [{ role: 'user', content: 'How do I open the board meeting?' }] }, token);
const status = async (s: AppServer, sessionId: string) => (await post(s, '/api/voice-agent/session-status', { sessionId })).json();

describe('metered fallback sessions', () => {
  it('a fallback session is told its end, served until then, and refused with session_ended after it', async () => {
    const s = await fixture.server({ OPENAI_API_KEY: STANDARD_KEY, SESSION_MAX_MINUTES: '0.05' });
    const token = await (await s.fetch('/api/voice-agent/token', { method: 'POST' })).json();
    expect(token).toMatchObject({ mode: 'fallback', metered: true });
    const report = await status(s, token.sessionId);
    expect(report).toMatchObject({ metered: true, limit: 'session_minutes', endsAt: report.startedAt + 3_000 });
    expect(report.costUsd).toBeUndefined(); // fallback spend is not priced: no usage line

    const first = await chat(s, token.token);
    expect(first.status).toBe(200);
    await first.text();
    await new Promise((r) => setTimeout(r, Math.max(0, report.endsAt - report.serverTime) + 200));

    const late = await chat(s, token.token);
    expect(late.status).toBe(403);
    expect(await late.json()).toMatchObject({ error: { code: 'session_ended', message: expect.stringContaining('limit') }, reason: 'session_minutes' });
    await s.waitForLog((l) => l.event === 'sessionLimitReached' && l.mode === 'fallback');
    expect((await status(s, token.sessionId)).ended).toMatchObject({ reason: 'session_minutes' });
    expect((await post(s, '/api/voice-agent/refresh-token', { sessionId: token.sessionId })).status).toBe(403);
    const metrics = await (await s.fetch('/metrics')).text();
    expect(metrics).toMatch(/voice_agent_budget_decisions_total\{limit="session_minutes",decision="ended"\} 1/);
  }, 20_000);

  it('a realtime session that switched to fallback keeps its limit', async () => {
    const s = await fixture.server({ OPENAI_API_KEY: REALTIME_KEY, SESSION_MAX_MINUTES: '0.05' });
    const live = await (await s.fetch('/api/voice-agent/token', { method: 'POST' })).json();
    expect(live).toMatchObject({ mode: 'realtime', metered: true });
    const switched = await (await post(s, '/api/voice-agent/refresh-token', { sessionId: live.sessionId, mode: 'fallback' })).json();
    expect(switched).toMatchObject({ mode: 'fallback', metered: true, sessionId: live.sessionId });
    await new Promise((r) => setTimeout(r, 3_300));
    // A silent user learns of the end from the status poll, before any request of theirs.
    expect((await status(s, live.sessionId)).ended).toMatchObject({ reason: 'session_minutes' });
    const late = await chat(s, switched.token);
    expect(late.status).toBe(403);
    expect((await late.json()).reason).toBe('session_minutes');
  }, 20_000);

  it('an operator’s end stops a fallback session at its next request', async () => {
    const s = await fixture.server({ OPENAI_API_KEY: STANDARD_KEY });
    const token = await (await s.fetch('/api/voice-agent/token', { method: 'POST' })).json();
    const ended = await s.fetch(`/api/admin/sessions/${token.sessionId}/end`, { method: 'POST', headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(await ended.json()).toMatchObject({ ended: true, voiceStopped: true });
    const late = await chat(s, token.token);
    expect([403, 404]).toContain(late.status);
    expect((await status(s, token.sessionId)).ended).toMatchObject({ reason: 'operator' });
  });

  it('demo sessions are never metered', async () => {
    const s = await fixture.server({ OPENAI_API_KEY: '', METERED_SESSIONS: 'auto', SESSION_MAX_MINUTES: '1' });
    const token = await (await s.fetch('/api/voice-agent/token', { method: 'POST' })).json();
    expect(token.mode).toBe('demo');
    expect(token.metered).toBeUndefined();
  });
});
