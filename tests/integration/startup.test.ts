import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runAppServerExpectingExit, startAppServer } from '../helpers/app-server';
import { REALTIME_KEY, calls, startTestEmulator } from '../helpers/emulator';

describe('startup', () => {
  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DEMO_MODE: 'maybe' }, 'DEMO_MODE'],
    [{ ALLOWED_ORIGINS: 'https://*.example.com' }, 'ALLOWED_ORIGINS'],
    [{ REDIS_URL: 'redis://127.0.0.1:6379' }, 'SESSION_SECRET'],
  ])('refuses to start with %j and names %s', async (env, variable) => {
    const { code, output } = await runAppServerExpectingExit(env);
    expect(code).toBe(1);
    expect(output).toContain(`Invalid environment variable ${variable}`);
    expect(output).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it('starts in demo mode with in-memory stores when nothing is configured, and warns about SESSION_SECRET', async () => {
    const server = await startAppServer({});
    try {
      const startup = server.logs.find((l) => l.event === 'startup');
      expect(startup).toMatchObject({ mode: 'demo', stores: 'memory' });
      await server.waitForLog((l) => l.event === 'configWarning' && l.variable === 'SESSION_SECRET');
      const res = await server.fetch('/api/voice-agent/token', { method: 'POST' });
      expect(res.status).toBe(200);
      expect((await res.json()).mode).toBe('demo');
    } finally {
      await server.stop();
    }
  });

  it('shuts down gracefully on SIGTERM: stops accepting, finishes the in-flight request, exits 0', async () => {
    const emu = await startTestEmulator();
    emu.setFaults({ route: 'client_secrets', latencyMs: 700 });
    const server = await startAppServer({ OPENAI_API_KEY: REALTIME_KEY, OPENAI_BASE_URL: emu.baseUrl });
    try {
      // Warm the tier cache so the next request's only slow step is the mint.
      await server.fetch('/api/voice-agent/health');
      const inFlight = server.fetch('/api/voice-agent/token', { method: 'POST' });
      await waitFor(() => calls(emu, 'client_secrets') === 1);
      const exited = server.stop('SIGTERM');
      await waitFor(() => server.logs.some((l) => l.event === 'shutdown'));
      await expect(fetch(`${server.url}/api/voice-agent/health`)).rejects.toThrow();
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect((await res.json()).mode).toBe('realtime');
      expect(await exited).toBe(0);
    } finally {
      await server.stop('SIGKILL');
      await emu.close();
    }
  });

  it('does not wait for idle pre-connected sockets (browsers keep spare ones) when shutting down', async () => {
    const server = await startAppServer({});
    const spare = connect(server.port, '127.0.0.1');
    await new Promise((r) => spare.once('connect', r));
    const kept = connect(server.port, '127.0.0.1'); // a used keep-alive socket, too
    await new Promise((r) => kept.once('connect', r));
    kept.write('GET /api/voice-agent/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await new Promise((r) => kept.once('data', r));
    const started = Date.now();
    const code = await server.stop('SIGTERM');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(3_000);
    spare.destroy();
    kept.destroy();
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
