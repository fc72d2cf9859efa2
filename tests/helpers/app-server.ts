/**
 * Starts the BUILT server (`dist/server/entry.mjs`) as a real process on a free port and collects its
 * JSON log lines, so integration tests talk HTTP to exactly what users run. `startSearchServer` does
 * the same for the standalone search server, through the very command `npm run search-server` runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ENTRY = `${ROOT}dist/server/entry.mjs`;
export const SEARCH_SERVER_SCRIPT = `${ROOT}scripts/search-server.mjs`;

export interface AppServer {
  url: string;
  port: number;
  logs: Array<Record<string, unknown>>;
  /** Raw stdout+stderr, for "no secret ever appears in a log line" assertions. */
  output(): string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Log lines arrive through a pipe, possibly after the HTTP response: wait for the one wanted. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  process: ChildProcess;
}

export function assertBuilt(): void {
  if (!existsSync(ENTRY)) throw new Error('dist/server/entry.mjs is missing: run `npm run build` first (npm test does).');
}

/** Environment for a server under test: nothing inherited that could change its behaviour. */
export function baseEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
  };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export async function startAppServer(env: Record<string, string | undefined> = {}, timeoutMs = 20_000): Promise<AppServer> {
  assertBuilt();
  return startServerProcess(ENTRY, baseEnv(env), timeoutMs);
}

/** `npm run search-server` on a free port (SEARCH_SERVER_PORT=0 unless given). */
export function startSearchServer(env: Record<string, string | undefined> = {}, timeoutMs = 20_000): Promise<AppServer> {
  return startServerProcess(SEARCH_SERVER_SCRIPT, baseEnv({ SEARCH_SERVER_PORT: '0', ...env }), timeoutMs);
}

async function startServerProcess(script: string, env: Record<string, string>, timeoutMs: number): Promise<AppServer> {
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Array<Record<string, unknown>> = [];
  let raw = '';
  let buffered = '';
  const onData = (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    raw += text;
    buffered += text;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      try {
        logs.push(JSON.parse(line));
      } catch {
        /* non-JSON output is kept in `raw` */
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${raw}`)), timeoutMs);
    const poll = setInterval(() => {
      const listening = logs.find((l) => l.event === 'listening');
      if (listening) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve(Number(listening.port));
      }
    }, 20);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${raw}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    logs,
    output: () => raw,
    fetch: (path, init) => fetch(`${url}${path}`, init),
    async waitForLog(match, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const line = logs.find(match);
        if (line) return line;
        if (Date.now() > deadline) throw new Error(`no matching log line in ${timeoutMs} ms; got:\n${raw.slice(-4000)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    process: child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 12_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs the built server expecting it to exit (e.g. a configuration error); returns code and output. */
export async function runAppServerExpectingExit(env: Record<string, string | undefined>, timeoutMs = 15_000, script = ENTRY) {
  if (script === ENTRY) assertBuilt();
  const child = spawn(process.execPath, [script], { env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output };
}

export function postJson(server: AppServer, path: string, body: unknown, headers: Record<string, string> = {}) {
  return server.fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}
