/**
 * The metered WebSocket relay through the BUILT server (issue 8): the browser's subprotocols carry the
 * app's session token, the server mints and holds the ephemeral key, meters `response.done`, keeps the
 * prompt out of the browser's events, and closes the relay (error event, then 4001) when a budget ends it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AppServer } from '../helpers/app-server';
import { LOOSE_LIMITS, useServersWithEmulator } from '../helpers/server-fixture';
import { REALTIME_KEY } from '../helpers/emulator';

const fixture = useServersWithEmulator((emu) => ({ OPENAI_BASE_URL: emu.baseUrl, OPENAI_API_KEY: REALTIME_KEY, METERED_SESSIONS: 'on', ...LOOSE_LIMITS }));

interface BrowserSocket {
  ws: WebSocket;
  events: Array<{ type: string } & Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
  waitFor(type: string, timeoutMs?: number): Promise<{ type: string } & Record<string, unknown>>;
}

const sockets: WebSocket[] = [];
afterEach(() => {
  for (const ws of sockets.splice(0)) ws.terminate();
});

async function session(s: AppServer) {
  const body = await (await s.fetch('/api/voice-agent/token', { method: 'POST' })).json();
  expect(body.realtime.websocketUrl).toBe('/api/voice-agent/realtime');
  return body as { token: string; sessionId: string };
}

function openRelay(s: AppServer, token: string, origin = s.url): Promise<BrowserSocket> {
  const ws = new WebSocket(`${s.url.replace('http', 'ws')}/api/voice-agent/realtime?model=gpt-realtime-2.1`, ['realtime', `openai-insecure-api-key.${token}`], { origin });
  sockets.push(ws);
  const events: BrowserSocket['events'] = [];
  ws.on('message', (data) => events.push(JSON.parse(String(data))));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  const waitFor = async (type: string, timeoutMs = 10_000) => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = events.find((e) => e.type === type);
      if (found) return found;
      if (Date.now() > until) throw new Error(`no ${type} (saw ${events.map((e) => e.type).join(', ')})`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ ws, events, closed, waitFor }));
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c) => (text += c)).on('end', () => reject(Object.assign(new Error(`refused ${res.statusCode}`), { status: res.statusCode, body: text })));
    });
    ws.once('error', reject);
  });
}

describe('the metered WebSocket relay', () => {
  it('relays a conversation, meters it, and never shows the browser the key or the prompt', async () => {
    const s = await fixture.server();
    const { token, sessionId } = await session(s);
    const relay = await openRelay(s, token);
    expect(relay.ws.protocol).toBe('realtime');
    const created = await relay.waitFor('session.created');
    expect((created.session as { instructions: string }).instructions).toBe('');
    relay.ws.send(JSON.stringify({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Help me frame an AI budget.' }] } }));
    relay.ws.send(JSON.stringify({ type: 'response.create' }));
    await relay.waitFor('response.done', 20_000);
    await expect.poll(async () => (await (await s.fetch('/api/voice-agent/session-status', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ sessionId }) })).json()).costUsd, { timeout: 10_000 }).toBeGreaterThan(0);
    const metrics = await (await s.fetch('/metrics')).text();
    expect(metrics).toMatch(/voice_agent_metered_connections\{transport="websocket"\} 1/);
    expect(metrics).toMatch(/voice_agent_relay_connections_total\{outcome="opened"\} 1/);
    const seen = JSON.stringify(relay.events);
    expect(seen).not.toContain('ek_');
    expect(seen).not.toContain('Executive AI Coach');
    expect(s.output()).not.toContain(token);
  });

  it('refuses a foreign origin and a bad token before the upgrade, with the JSON error', async () => {
    const s = await fixture.server();
    const { token } = await session(s);
    await expect(openRelay(s, token, 'https://evil.example')).rejects.toMatchObject({ status: 403, body: expect.stringContaining('origin_not_allowed') });
    await expect(openRelay(s, 'not-a-token')).rejects.toMatchObject({ status: 401, body: expect.stringContaining('token_invalid') });
    expect(fixture.emu.stats().counts['client_secrets'] ?? 0).toBe(0);
    const plain = await s.fetch('/api/voice-agent/realtime');
    expect(plain.status).toBe(426);
  });

  it('tells the browser and closes the relay with 4001 when the session reaches its limit', async () => {
    const s = await fixture.server({ SESSION_MAX_MINUTES: '0.05', BUDGET_WARNING_SECONDS: '1' });
    const { token, sessionId } = await session(s);
    const relay = await openRelay(s, token);
    const closed = await relay.closed;
    expect(closed.code).toBe(4001);
    const error = relay.events.find((e) => e.type === 'error') as { error: { code: string; message: string } } | undefined;
    expect(error?.error).toMatchObject({ code: 'session_ended', message: expect.stringContaining('limit') });
    await expect(openRelay(s, token)).rejects.toMatchObject({ status: 403, body: expect.stringContaining('session_ended') });
    const status = await (await s.fetch('/api/voice-agent/session-status', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ sessionId }) })).json();
    expect(status.ended.reason).toBe('session_minutes');
  }, 20_000);
});
