/**
 * Child processes for the local cluster: finding the Debian binaries (and naming the package to
 * install when one is missing), starting a process with its output kept in a log file and a short
 * in-memory tail, waiting until it answers, and stopping it. Every process is tied to this one: it
 * gets SIGTERM if this process dies, even by SIGKILL (`setpriv --pdeathsig`), so a crashed test run or
 * CLI never leaves a cluster behind.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, createWriteStream } from 'node:fs';
import { connect, createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** The binaries the cluster runs, the variable that overrides each path, and its Debian package. */
export const BINARIES = /** @type {const} */ ({
  nginx: { envVar: 'NGINX_BIN', dirs: ['/usr/sbin'], pkg: 'nginx' },
  prometheus: { envVar: 'PROMETHEUS_BIN', dirs: ['/usr/bin'], pkg: 'prometheus' },
  'redis-server': { envVar: 'REDIS_SERVER_BIN', dirs: ['/usr/bin'], pkg: 'redis-server' },
});

/** @typedef {keyof typeof BINARIES} BinaryName */

/**
 * The executable's path, or undefined. The override variable, when set, is the only candidate (also
 * how to check the "missing" path by hand: NGINX_BIN=/nonexistent).
 * @param {BinaryName} name
 */
export function findBinary(name) {
  const { envVar, dirs } = BINARIES[name];
  const override = process.env[envVar];
  const candidates = override ? [override] : [...dirs, ...(process.env.PATH ?? '').split(delimiter)].filter(Boolean).map((d) => join(d, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* next */
    }
  }
  return undefined;
}

/** What to install for each missing binary, e.g. `nginx not found: apt-get install nginx (or set NGINX_BIN)`. */
export function missingBinaries(names = /** @type {BinaryName[]} */ (Object.keys(BINARIES))) {
  return names
    .filter((name) => !findBinary(name))
    .map((name) => `${name} not found: apt-get install ${BINARIES[name].pkg} (or set ${BINARIES[name].envVar})`);
}

const SETPRIV = (() => {
  try {
    accessSync('/usr/bin/setpriv', constants.X_OK);
    return '/usr/bin/setpriv';
  } catch {
    return undefined;
  }
})();

/**
 * @typedef {object} Part
 * @property {string} name
 * @property {number} pid
 * @property {() => boolean} running
 * @property {() => string} output the last few KB of its stdout+stderr (all of it is in the log file)
 * @property {Promise<{ code: number | null, signal: NodeJS.Signals | null }>} exited
 * @property {(signal?: NodeJS.Signals, graceMs?: number) => Promise<number | null>} stop
 *   sends `signal` (SIGTERM), then SIGKILL after `graceMs`; resolves with the exit code. Marks the exit as expected.
 * @property {() => boolean} expectedExit true once stop() was called
 */

/**
 * @param {{ name: string, command: string, args: string[], env?: Record<string, string>, cwd?: string, logFile: string,
 *   onExit?: (part: Part, code: number | null, signal: NodeJS.Signals | null) => void }} options
 * @returns {Part}
 */
export function launch({ name, command, args, env, cwd, logFile, onExit }) {
  const [cmd, argv] = SETPRIV ? [SETPRIV, ['--pdeathsig', 'SIGTERM', '--', command, ...args]] : [command, args];
  // Own process group: a terminal's Ctrl-C reaches only the cluster's owner, which stops the parts in order.
  const child = spawn(cmd, argv, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const log = createWriteStream(logFile, { flags: 'a' });
  let tail = '';
  /** @param {Buffer} chunk */
  const keep = (chunk) => {
    log.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let expected = false;
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      log.end();
      resolve({ code, signal });
      if (!expected) onExit?.(part, code, signal);
    });
    // spawn failures (ENOENT…) arrive as 'error' without 'exit'
    child.once('error', (error) => {
      tail += `\n${error.message}`;
      if (child.exitCode === null) child.emit('exit', null, null);
    });
  });
  /** @type {Part} */
  const part = {
    name,
    pid: child.pid ?? -1,
    running: () => child.exitCode === null && child.signalCode === null && child.pid !== undefined,
    output: () => tail,
    exited: /** @type {Part['exited']} */ (exited),
    expectedExit: () => expected,
    async stop(signal = 'SIGTERM', graceMs = 12_000) {
      expected = true;
      if (part.running()) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      return (await exited).code;
    },
  };
  liveParts.add(part);
  void exited.then(() => liveParts.delete(part));
  return part;
}

/** Everything started and not yet exited: killed if this process exits without stopping them. */
const liveParts = new Set();
process.once('exit', () => {
  for (const part of liveParts) if (part.running()) process.kill(part.pid, 'SIGKILL');
});

/**
 * Waits until `check` resolves true; fails early, with the part's output, if the part exits.
 * @param {() => Promise<boolean>} check
 * @param {{ what: string, part?: Part, timeoutMs?: number }} options
 */
export async function waitUntil(check, { what, part, timeoutMs = 30_000 }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (part && !part.running()) throw new Error(`${part.name} exited while waiting for ${what}:\n${part.output()}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready within ${timeoutMs / 1000} s${part ? `:\n${part.output()}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * True when `url` answers at all: the process is serving (an app whose OpenAI key is rejected answers
 * its health check 503, and is up). With `okOnly`, only a 2xx counts.
 * @param {string} url
 */
export async function answers(url, { okOnly = false } = {}) {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await res.arrayBuffer();
  return okOnly ? res.ok : true;
}

/** @param {number} port */
export function acceptsConnections(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A port free on 127.0.0.1 right now (the OS's choice). */
export function freePort() {
  return /** @type {Promise<number>} */ (
    new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(port));
      });
    })
  );
}
