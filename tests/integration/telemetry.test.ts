/**
 * Client telemetry on the built server: session-bound, validated, rate-limited, exported to
 * Prometheus, `connectionFailed` logged with its reason — and the heartbeat that keeps a long
 * conversation's session alive without spending token refreshes.
 */
import { describe, expect, it } from 'vitest';
import { postJson, type AppServer } from '../helpers/app-server';
import { LOOSE_LIMITS, useServersWithEmulator } from '../helpers/server-fixture';

const fixture = useServersWithEmulator(() => LOOSE_LIMITS);
const server = fixture.server;

async function session(s: AppServer) {
  return (await (await s.fetch('/api/voice-agent/token', { method: 'POST' })).json()) as { sessionId: string; expiresAt: number; token: string };
}
const report = (s: AppServer, body: unknown, headers: Record<string, string> = {}) => postJson(s, '/api/voice-agent/telemetry', body, headers);
const metricsText = async (s: AppServer) => (await s.fetch('/metrics')).text();

describe('telemetry', () => {
  it('exports the client figures to Prometheus and logs connectionFailed with its reason', async () => {
    const s = await server({});
    const { sessionId, token } = await session(s);
    const res = await report(
      s,
      {
        sessionId,
        events: [
          { type: 'connected', transport: 'webrtc', connectMs: 420 },
          { type: 'connection_failed', transport: 'webrtc', reason: 'ice_failed', detail: `ICE failed; token ${token}` },
          { type: 'response_latency', ms: 850 },
          { type: 'usage', inputTextTokens: 120, inputAudioTokens: 300, cachedTokens: 64, outputTextTokens: 40, outputAudioTokens: 900 },
          { type: 'summary', durationSeconds: 95, turns: 6, userSpeechSeconds: 41 },
        ],
      },
      { 'User-Agent': 'Mozilla/5.0 (test) Chromium' },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ success: true, expiresAt: expect.any(Number) });

    const text = await metricsText(s);
    expect(text).toMatch(/voice_agent_webrtc_connection_seconds_sum\{transport="webrtc"\} 0\.42/);
    expect(text).toMatch(/voice_agent_failed_connections_total\{reason="client_ice_failed"\} 1/);
    expect(text).toMatch(/voice_agent_response_latency_seconds_sum 0\.85/);
    expect(text).toMatch(/voice_agent_realtime_tokens_total\{direction="output",kind="audio"\} 900/);
    expect(text).toMatch(/voice_agent_realtime_tokens_total\{direction="input",kind="cached"\} 64/);
    expect(text).toMatch(/voice_agent_conversation_turns_sum 6/);
    expect(text).toMatch(/voice_agent_user_engagement_seconds_sum 41/);

    const failed = await s.waitForLog((l) => l.event === 'connectionFailed');
    expect(failed).toMatchObject({ reason: 'ice_failed', clientInfo: { transport: 'webrtc', userAgent: 'Mozilla/5.0 (test) Chromium', mode: 'demo' } });
    await s.waitForLog((l) => l.event === 'conversationSummary');
    // The token a careless client put in free text never reaches the logs.
    expect(s.output()).not.toContain(token);
  });

  it('keeps a live session alive past its token lifetime without spending refreshes', async () => {
    const s = await server({ TOKEN_TTL_SECONDS: '10', SESSION_IDLE_SECONDS: '30', TOKEN_REFRESH_LIMIT: '0' });
    const { sessionId, expiresAt } = await session(s);
    const before = Date.now();
    const beat = await (await report(s, { sessionId, events: [{ type: 'heartbeat' }] })).json();
    expect(beat.expiresAt).toBeGreaterThan(expiresAt + 15_000);
    expect(beat.expiresAt).toBeGreaterThanOrEqual(before + 29_000);
    // Search (session-bound) still works for it; a refresh would have been refused (limit 0).
    expect((await postJson(s, '/api/voice-agent/refresh-token', { sessionId })).status).toBe(429);
  });

  it('never extends a session beyond SESSION_MAX_SECONDS from its start', async () => {
    const s = await server({ TOKEN_TTL_SECONDS: '10', SESSION_IDLE_SECONDS: '600', SESSION_MAX_SECONDS: '60' });
    const started = Date.now();
    const { sessionId } = await session(s);
    const beat = await (await report(s, { sessionId, events: [{ type: 'heartbeat' }] })).json();
    expect(beat.expiresAt).toBeLessThanOrEqual(started + 61_000);
  });

  it('only live sessions report; ended ones get 404', async () => {
    const s = await server({});
    expect((await report(s, { sessionId: 'sess_' + 'x'.repeat(32), events: [{ type: 'heartbeat' }] })).status).toBe(404);
    const { sessionId } = await session(s);
    await postJson(s, '/api/voice-agent/end-session', { sessionId });
    const res = await report(s, { sessionId, events: [{ type: 'heartbeat' }] });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('session_not_found');
  });

  it.each([
    ['no events', { events: [] }],
    ['an unknown event type', { events: [{ type: 'anything' }] }],
    ['an unknown failure reason (no label cardinality from clients)', { events: [{ type: 'connection_failed', transport: 'webrtc', reason: 'x'.repeat(40) }] }],
    ['a negative figure', { events: [{ type: 'response_latency', ms: -5 }] }],
    ['an extra field', { events: [{ type: 'heartbeat', extra: 1 }] }],
    ['too many events', { events: Array.from({ length: 51 }, () => ({ type: 'heartbeat' })) }],
  ])('refuses %s with a clear 400', async (_label, partial) => {
    const s = await server({});
    const { sessionId } = await session(s);
    const res = await report(s, { sessionId, ...partial });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toMatchObject({ success: false, error: { code: 'invalid_request' } });
    expect(body.error.message.length).toBeGreaterThan(5);
  });

  it('is rate-limited per session with Retry-After', async () => {
    const s = await server({ TELEMETRY_RATE_LIMIT_PER_SESSION_PER_MINUTE: '2' });
    const { sessionId } = await session(s);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await report(s, { sessionId, events: [{ type: 'heartbeat' }] })).status);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await report(s, { sessionId, events: [{ type: 'heartbeat' }] });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
