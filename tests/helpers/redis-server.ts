/**
 * A throwaway `redis-server` per test file, on a free loopback port, run as a child process (not
 * daemonized) so a test can stop it and start it again on the same port to simulate an outage and a
 * recovery. Nothing is persisted (`--save ''`, no AOF). Never touches the machine's own Redis.
 *
 * Where redis-server is missing, Redis suites skip with a visible reason, except under CI=true, where a
 * skipped suite would hide a gap: importing this module then throws.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

function findRedisServer(): string | undefined {
  // REDIS_SERVER_BIN, when set, is the only candidate (also how to check the skip path by hand).
  const candidates = process.env.REDIS_SERVER_BIN
    ? [process.env.REDIS_SERVER_BIN]
    : ['/usr/bin/redis-server', ...(process.env.PATH ?? '').split(delimiter).map((dir) => dir && join(dir, 'redis-server'))];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* next */
    }
  }
  return undefined;
}

const BINARY = findRedisServer();

export const haveRedisServer = BINARY !== undefined;
export const redisSkipReason = 'redis-server not found (apt-get install redis-server, or set REDIS_SERVER_BIN)';

if (!haveRedisServer) {
  if (process.env.CI === 'true') throw new Error(`CI=true and ${redisSkipReason}: Redis tests must not be skipped in CI`);
  console.warn(`[redis tests] SKIPPED: ${redisSkipReason}`);
}

/** Suite title that says why it was skipped, so the reason shows in the test report. */
export function redisSuiteTitle(title: string): string {
  return haveRedisServer ? title : `${title} — SKIPPED: ${redisSkipReason}`;
}

export interface RedisServerHandle {
  url: string;
  port: number;
  /** Stops the server (clients see the connection drop). Safe to call twice. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is persisted). Stops it first if running. */
  restart(): Promise<void>;
}

export interface StartRedisServerOptions {
  port?: number;
  /** Sets `requirepass`; the url then carries it (for "no password in logs" tests). */
  password?: string;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RedisServerHandle> {
  if (!BINARY) throw new Error(redisSkipReason);
  const port = options.port ?? (await freePort());
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
  args.push('--dir', tmpdir());
  if (options.password) args.push('--requirepass', options.password);

  let child = await launch(BINARY, args, port);
  const auth = options.password ? `:${encodeURIComponent(options.password)}@` : '';
  return {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    stop: () => terminate(child),
    async restart() {
      await terminate(child);
      child = await launch(BINARY, args, port);
    },
  };
}

async function launch(binary: string, args: string[], port: number): Promise<ChildProcess> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.once('exit', () => running.delete(child));

  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`redis-server exited during startup on port ${port}:\n${output}`);
    }
    if (await accepts(port)) return child;
    await sleep(20);
  }
  await terminate(child);
  throw new Error(`redis-server did not accept connections on port ${port} within 5 s:\n${output}`);
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
