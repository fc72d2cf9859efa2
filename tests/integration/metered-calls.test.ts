/**
 * Metered live voice (issue 8), end to end without a browser: the built server against the OpenAI
 * emulator, a werift peer posting its offer to `/api/voice-agent/calls`. The server forwards it through
 * the unified interface, attaches its sideband, meters `response.done` usage into cost, ends the call at
 * its limit (after a warning), and refuses what a closed session or an exhausted budget asks for.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import type { AppServer } from '../helpers/app-server';
import { LOOSE_LIMITS, useServersWithEmulator } from '../helpers/server-fixture';
import { REALTIME_KEY } from '../helpers/emulator';
import { createNodePeer, type NodePeer } from '../helpers/werift-peer';

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const fixture = useServersWithEmulator((emu) => ({
  OPENAI_BASE_URL: emu.baseUrl,
  OPENAI_API_KEY: REALTIME_KEY,
  METERED_SESSIONS: 'on',
  ADMIN_TOKEN,
  ...LOOSE_LIMITS,
}));

const peers: NodePeer[] = [];
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close().catch(() => undefined)));
});

const json = (body: unknown) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

async function newSession(s: AppServer) {
  const res = await s.fetch('/api/voice-agent/token', { method: 'POST' });
  expect(res.status).toBe(200);
  return (await res.json()) as { token: string; sessionId: string; mode: string; realtime: Record<string, unknown> };
}

async function connect(s: AppServer, token: string): Promise<NodePeer> {
  const peer = await createNodePeer();
  peers.push(peer);
  const res = await s.fetch('/api/voice-agent/calls', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/sdp' }, body: peer.offer });
  expect(res.status, await res.clone().text()).toBe(201);
  expect(res.headers.get('content-type')).toContain('application/sdp');
  await peer.answer(await res.text());
  await peer.opened;
  return peer;
}

const status = async (s: AppServer, sessionId: string) => (await s.fetch('/api/voice-agent/session-status', json({ sessionId }))).json();
const metric = async (s: AppServer, pattern: RegExp) => Number((await (await s.fetch('/metrics')).text()).match(pattern)?.[1] ?? 0);

describe('metered realtime sessions: the unified interface and the sideband', () => {
  it('issues the app’s own session token and the app’s endpoints instead of an OpenAI key', async () => {
    const s = await fixture.server();
    const session = await newSession(s);
    expect(session.mode).toBe('realtime');
    expect(session.token).not.toMatch(/^ek_/);
    expect(decodeJwt(session.token)).toMatchObject({ mode: 'realtime', sub: session.sessionId });
    expect(session.realtime).toEqual({ url: '/api/voice-agent', websocketUrl: '/api/voice-agent/realtime', model: 'gpt-realtime-2.1', metered: true });
    expect(fixture.emu.stats().counts['client_secrets'] ?? 0).toBe(0);
  });

  it('sets the call up with the server key and the bound session, meters usage into cost, and reports it', async () => {
    const s = await fixture.server();
    const minted = await newSession(s);
    const peer = await connect(s, minted.token);

    const sent = fixture.emu.stats().lastRequest['realtime.calls'];
    // The emulator masks keys in its log the way OpenAI's dashboard does: the server key, not the session token.
    expect(String(sent.headers.authorization)).toMatch(/^Bearer sk-te\*+\.{3}time$/);
    expect(String(sent.headers['content-type'])).toMatch(/^multipart\/form-data/);

    // The session the call runs is the one the server bound (the browser sent only its offer).
    const created = (await peer.waitFor('session.created')).session as { model: string; instructions: string; tools: Array<{ name: string }> };
    expect(created.model).toBe('gpt-realtime-2.1');
    expect(created.instructions).toContain('Executive AI Coach');
    expect(created.tools.map((t) => t.name)).toEqual(['web_search']);

    peer.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'How do I pitch an AI budget to my board?' }] } });
    peer.send({ type: 'response.create' });
    const done = await peer.waitFor('response.done', 20_000);
    const browserUsage = (done.response as { usage: { output_tokens: number } }).usage;
    expect(browserUsage.output_tokens).toBeGreaterThan(0);

    // The server read the same usage from its sideband: tokens and an estimated cost, shared via the meter.
    await expect.poll(async () => (await status(s, minted.sessionId)).costUsd, { timeout: 10_000 }).toBeGreaterThan(0);
    const report = await status(s, minted.sessionId);
    expect(report).toMatchObject({ success: true, metered: true, limit: 'session_minutes', warningSeconds: 60 });
    expect(report.usage.outputAudioTokens + report.usage.outputTextTokens).toBe(browserUsage.output_tokens);
    expect(report.endsAt).toBeGreaterThan(Date.now() + 29 * 60_000);
    expect(await metric(s, /voice_agent_metered_tokens_total\{model="gpt-realtime-2.1",direction="output",modality="audio"\} (\d+)/)).toBeGreaterThan(0);
    expect(await metric(s, /voice_agent_estimated_cost_usd_total\{model="gpt-realtime-2.1"\} ([\d.e-]+)/)).toBeGreaterThan(0);
    await s.waitForLog((l) => l.event === 'callConnected');

    // Ending the session observes its totals: the per-session cost, minutes and tokens histograms.
    await s.fetch('/api/voice-agent/end-session', json({ sessionId: minted.sessionId }));
    expect(await metric(s, /voice_agent_session_cost_usd_count\{transport="webrtc"\} (\d+)/)).toBe(1);
    expect(await metric(s, /voice_agent_session_cost_usd_sum\{transport="webrtc"\} ([\d.e-]+)/)).toBeCloseTo(report.costUsd, 5);
    expect(await metric(s, /voice_agent_session_tokens_count\{transport="webrtc"\} (\d+)/)).toBe(1);
    expect(await metric(s, /voice_agent_session_connected_minutes_count\{transport="webrtc"\} (\d+)/)).toBe(1);
    expect(s.output()).not.toContain(REALTIME_KEY);
  });

  it('refuses connections it must not pay for, with clear JSON errors', async () => {
    const s = await fixture.server();
    const session = await newSession(s);
    const offer = (await createNodePeer()).offer;
    const post = (headers: Record<string, string>, body: string = offer) => s.fetch('/api/voice-agent/calls', { method: 'POST', headers, body });
    const expectError = async (res: Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect((await res.json()).error.code).toBe(code);
    };
    await expectError(await post({ 'Content-Type': 'application/sdp' }), 401, 'token_missing');
    await expectError(await post({ 'Content-Type': 'application/sdp', Authorization: 'Bearer nonsense' }), 401, 'token_invalid');
    await expectError(await post({ 'Content-Type': 'application/json', Authorization: `Bearer ${session.token}` }), 415, 'unsupported_media_type');
    await expectError(await post({ 'Content-Type': 'application/sdp', Authorization: `Bearer ${session.token}` }, 'hello'), 400, 'invalid_offer');
    await s.fetch('/api/voice-agent/end-session', json({ sessionId: session.sessionId }));
    await expectError(await post({ 'Content-Type': 'application/sdp', Authorization: `Bearer ${session.token}` }), 404, 'session_not_found');
    expect(fixture.emu.stats().counts['realtime.calls'] ?? 0).toBe(0);
  });

  it('warns ahead of SESSION_MAX_MINUTES, then hangs the call up and refuses to reconnect or refresh', async () => {
    const s = await fixture.server({ SESSION_MAX_MINUTES: '0.1', BUDGET_WARNING_SECONDS: '3' });
    const session = await newSession(s);
    const peer = await connect(s, session.token);
    const warned = await s.waitForLog((l) => l.event === 'budgetWarning', 10_000);
    expect(warned).toMatchObject({ limit: 'session_minutes' });
    const report = await status(s, session.sessionId);
    expect(report.endsAt - report.serverTime).toBeLessThanOrEqual(3_500);
    expect(report.ended).toBeUndefined();

    await s.waitForLog((l) => l.event === 'sessionLimitReached', 10_000);
    await s.waitForLog((l) => l.event === 'callHungUp', 5_000);
    await Promise.race([peer.closed, new Promise((_, reject) => setTimeout(() => reject(new Error('the peer was not closed')), 10_000))]);

    const ended = await status(s, session.sessionId);
    expect(ended.ended).toEqual({ reason: 'session_minutes', message: expect.stringContaining('limit') });
    const again = await s.fetch('/api/voice-agent/calls', { method: 'POST', headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/sdp' }, body: (await createNodePeer()).offer });
    expect(again.status).toBe(403);
    expect(await again.json()).toMatchObject({ error: { code: 'session_ended' }, reason: 'session_minutes' });
    const refresh = await s.fetch('/api/voice-agent/refresh-token', json({ sessionId: session.sessionId }));
    expect(refresh.status).toBe(403);
    expect(await metric(s, /voice_agent_budget_decisions_total\{limit="session_minutes",decision="warned"\} (\d+)/)).toBe(1);
    expect(await metric(s, /voice_agent_budget_decisions_total\{limit="session_minutes",decision="ended"\} (\d+)/)).toBe(1);
  }, 30_000);

  it('ends the running session when the day’s spend is used up, then refuses new sessions until midnight UTC', async () => {
    // Prices set so one spoken reply costs more than the whole day's budget.
    const prices = { 'gpt-realtime-2.1': { text: { input: 1000, cachedInput: 1000, output: 10000 }, audio: { input: 1000, cachedInput: 1000, output: 10000 } } };
    const s = await fixture.server({ DAILY_COST_LIMIT_USD: '0.05', MODEL_PRICES: JSON.stringify(prices) });
    const session = await newSession(s);
    const peer = await connect(s, session.token);
    await peer.waitFor('session.created');
    peer.send({ type: 'response.create' });
    await peer.waitFor('response.done', 20_000);
    const ended = await s.waitForLog((l) => l.event === 'sessionLimitReached', 10_000);
    expect(ended).toMatchObject({ limit: 'daily_cost' });
    await Promise.race([peer.closed, new Promise((_, reject) => setTimeout(() => reject(new Error('the peer was not closed')), 10_000))]);

    const refused = await s.fetch('/api/voice-agent/token', { method: 'POST' });
    expect(refused.status).toBe(403);
    const body = await refused.json();
    expect(body.error.code).toBe('daily_budget_exhausted');
    expect(body.error.message).toMatch(/today's voice budget/i);
    expect(body.error.message).toMatch(/00:00 UTC/);
    const midnight = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() + 1);
    expect(body.resetsAt).toBe(midnight);
    await s.waitForLog((l) => l.event === 'budgetRefused' && l.limit === 'daily_cost');
  }, 40_000);

  it('counts an IP’s connected minutes and refuses its next session once DAILY_MINUTES_PER_IP is used', async () => {
    const s = await fixture.server({ DAILY_MINUTES_PER_IP: '0.1', BUDGET_WARNING_SECONDS: '2' });
    const session = await newSession(s);
    const peer = await connect(s, session.token);
    const ended = await s.waitForLog((l) => l.event === 'sessionLimitReached', 15_000);
    expect(ended).toMatchObject({ limit: 'daily_minutes' });
    await Promise.race([peer.closed, new Promise((_, reject) => setTimeout(() => reject(new Error('the peer was not closed')), 10_000))]);
    const refused = await s.fetch('/api/voice-agent/token', { method: 'POST' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await refused.json()).error.code).toBe('daily_minutes_exhausted');
  }, 30_000);
});

describe('the operator’s kill switch', () => {
  it('lists live sessions with their usage and ends one at once', async () => {
    const s = await fixture.server();
    const session = await newSession(s);
    const other = await newSession(s);
    const peer = await connect(s, session.token);
    const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

    expect((await s.fetch('/api/admin/sessions')).status).toBe(401);
    expect((await s.fetch('/api/admin/sessions', { headers: { Authorization: 'Bearer wrong-token-wrong-token-000' } })).status).toBe(401);
    await expect.poll(async () => {
      const list = await (await s.fetch('/api/admin/sessions', { headers: auth })).json();
      return list.sessions.find((x: { sessionId: string }) => x.sessionId === session.sessionId)?.transport;
    }, { timeout: 5_000 }).toBe('webrtc');
    const list = await (await s.fetch('/api/admin/sessions', { headers: auth })).json();
    expect(list.count).toBe(2);
    expect(list.sessions.map((x: { sessionId: string }) => x.sessionId).sort()).toEqual([session.sessionId, other.sessionId].sort());
    expect(list.sessions.find((x: { sessionId: string }) => x.sessionId === session.sessionId)).toMatchObject({ mode: 'realtime', metered: true, costUsd: expect.any(Number) });

    const ended = await s.fetch(`/api/admin/sessions/${session.sessionId}/end`, { method: 'POST', headers: auth });
    expect(ended.status).toBe(200);
    expect(await ended.json()).toMatchObject({ success: true, ended: true, voiceStopped: true });
    await Promise.race([peer.closed, new Promise((_, reject) => setTimeout(() => reject(new Error('the peer was not closed')), 5_000))]);
    expect((await status(s, session.sessionId)).ended).toMatchObject({ reason: 'operator' });
    await s.waitForLog((l) => l.event === 'adminSessionEnded');
    expect((await s.fetch(`/api/admin/sessions/${session.sessionId}/end`, { method: 'POST', headers: auth })).status).toBe(404);
    const after = await (await s.fetch('/api/admin/sessions', { headers: auth })).json();
    expect(after.count).toBe(1);
  }, 30_000);

  it('is off without ADMIN_TOKEN', async () => {
    const s = await fixture.server({ ADMIN_TOKEN: '' });
    const res = await s.fetch('/api/admin/sessions', { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('admin_disabled');
  });
});
