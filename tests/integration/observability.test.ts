/** Monitoring and Observability: Prometheus metrics, the architecture's log events, and no secret anywhere. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { REALTIME_KEY, startTestEmulator, type Emulator } from '../helpers/emulator';

const METRICS_TOKEN = 'metrics-token-0123456789';
let emu: Emulator;
let s: AppServer;
beforeAll(async () => {
  emu = await startTestEmulator();
  s = await startAppServer({
    OPENAI_API_KEY: REALTIME_KEY,
    OPENAI_BASE_URL: emu.baseUrl,
    METRICS_TOKEN,
    SLOW_RESPONSE_MS: '150',
    RATE_LIMIT_PER_IP_PER_MINUTE: '4',
    MAX_SESSIONS_PER_IP: '10',
    LOG_LEVEL: 'debug',
  });
});
afterAll(async () => {
  await s.stop();
  await emu.close();
});

const metrics = async () => (await s.fetch('/metrics', { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text();

describe('metrics', () => {
  it('require the bearer token when METRICS_TOKEN is set', async () => {
    const res = await s.fetch('/metrics');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect((await s.fetch('/metrics', { headers: { Authorization: 'Bearer wrong-token-000000000' } })).status).toBe(401);
  });

  it('expose every server-side figure of the architecture, plus process metrics', async () => {
    const res = await s.fetch('/metrics', { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    for (const name of [
      'voice_agent_token_generation_seconds',
      'voice_agent_tokens_generated_total',
      'voice_agent_rate_limit_hits_total',
      'voice_agent_api_errors_total',
      'voice_agent_failed_connections_total',
      'voice_agent_active_connections',
      'voice_agent_session_duration_seconds',
      'voice_agent_webrtc_connection_seconds',
      'voice_agent_search_response_seconds',
      'voice_agent_search_requests_total',
      'voice_agent_conversation_turns',
      'voice_agent_user_engagement_seconds',
      'voice_agent_http_request_seconds',
      'voice_agent_process_resident_memory_bytes',
    ]) {
      expect(text, name).toContain(`# TYPE ${name}`);
    }
  });

  it('count tokens, active sessions, rate-limit hits and API errors as they happen', async () => {
    const t = await (await s.fetch('/api/voice-agent/token', { method: 'POST' })).json();
    expect(t.mode).toBe('realtime');
    let text = await metrics();
    expect(text).toMatch(/voice_agent_tokens_generated_total\{mode="realtime",kind="new"\} 1/);
    expect(text).toMatch(/voice_agent_token_generation_seconds_count\{mode="realtime"\} 1/);
    expect(text).toMatch(/voice_agent_active_connections\{scope="instance"\} 1/);

    emu.setFaults({ route: 'client_secrets', status: 500, times: 1 });
    expect((await (await s.fetch('/api/voice-agent/token', { method: 'POST' })).json()).mode).toBe('fallback');
    text = await metrics();
    expect(text).toMatch(/voice_agent_api_errors_total\{service="openai.client_secrets",status="500"\} 1/);
    expect(text).toMatch(/voice_agent_failed_connections_total\{reason="mint_server_error"\} 1/);
    expect(text).toMatch(/voice_agent_active_connections\{scope="instance"\} 2/);

    await s.fetch('/api/voice-agent/end-session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sessionId: t.sessionId }),
    });
    text = await metrics();
    expect(text).toMatch(/voice_agent_active_connections\{scope="instance"\} 1/);
    expect(text).toMatch(/voice_agent_session_duration_seconds_count\{mode="realtime"\} 1/);

    for (let i = 0; i < 4; i++) await s.fetch('/api/voice-agent/token', { method: 'POST' });
    text = await metrics();
    expect(text).toMatch(/voice_agent_rate_limit_hits_total\{limit="ip_requests"\} [1-9]/);
  });
});

describe('logs', () => {
  it('carry tokenGenerated {mode, duration}, apiError {service, error, statusCode}, connectionFailed and slowResponse', async () => {
    const generated = await s.waitForLog((l) => l.event === 'tokenGenerated');
    expect(generated).toMatchObject({ mode: 'realtime' });
    expect(typeof generated!.duration).toBe('number');
    const apiError = await s.waitForLog((l) => l.event === 'apiError');
    expect(apiError).toMatchObject({ service: 'openai.client_secrets', statusCode: 500 });
    expect(typeof apiError.error).toBe('string');
    expect(await s.waitForLog((l) => l.event === 'connectionFailed')).toMatchObject({ reason: 'server_error' });
  });

  it('log slow responses', async () => {
    const fresh = await startAppServer({
      OPENAI_API_KEY: REALTIME_KEY,
      OPENAI_BASE_URL: emu.baseUrl,
      SLOW_RESPONSE_MS: '150',
    });
    try {
      emu.setFaults({ route: 'models', latencyMs: 300, times: 1 });
      await fresh.fetch('/api/voice-agent/token', { method: 'POST' });
      const slow = await fresh.waitForLog((l) => l.event === 'slowResponse');
      expect(slow).toMatchObject({ endpoint: '/api/voice-agent/token' });
      expect(Number(slow!.duration)).toBeGreaterThanOrEqual(150);
    } finally {
      await fresh.stop();
    }
  });
});

describe('secrets never leak', () => {
  it('the API key and issued tokens appear in no log line and no response other than the token itself', async () => {
    const fresh = await startAppServer({ OPENAI_API_KEY: REALTIME_KEY, OPENAI_BASE_URL: emu.baseUrl, LOG_LEVEL: 'trace' });
    try {
      const first = await (await fresh.fetch('/api/voice-agent/token', { method: 'POST' })).json();
      const refreshed = await (
        await fresh.fetch('/api/voice-agent/refresh-token', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ sessionId: first.sessionId }),
        })
      ).json();
      const issued = [first.token, refreshed.token];
      expect(issued.every((t) => typeof t === 'string' && t.startsWith('ek_'))).toBe(true);
      emu.setFaults({ route: 'client_secrets', status: 401, times: 1 });
      const demo = await (await fresh.fetch('/api/voice-agent/token', { method: 'POST' })).json();
      expect(demo.mode).toBe('demo');
      issued.push(demo.token);

      const pages: string[] = [];
      for (const path of ['/api/voice-agent/health', '/', '/coach']) pages.push(await (await fresh.fetch(path)).text());
      pages.push(await (await fresh.fetch('/metrics')).text());
      const all = fresh.output();
      expect(all).not.toContain(REALTIME_KEY);
      for (const tok of issued) expect(all).not.toContain(tok);
      for (const page of pages) {
        expect(page).not.toContain(REALTIME_KEY);
        for (const tok of issued) expect(page).not.toContain(tok);
      }
      // Session ids are bearer credentials for refresh/end: logs carry only a prefix.
      expect(all).not.toContain(first.sessionId);
    } finally {
      await fresh.stop();
    }
  });

  it('the client bundle holds no key, no server module and no coach instructions', () => {
    const root = fileURLToPath(new URL('../../dist/client/', import.meta.url));
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(js|mjs|css|html|json|svg)$/.test(name)) files.push(p);
      }
    };
    walk(root);
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      expect(text, f).not.toMatch(/sk-[A-Za-z0-9_-]{8,}/);
      expect(text, f).not.toContain('OPENAI_API_KEY=');
      expect(text, f).not.toContain('You are the Executive AI Coach');
      expect(text, f).not.toContain('SESSION_SECRET');
      expect(text, f).not.toContain('rate-limiter-flexible');
    }
  });
});
