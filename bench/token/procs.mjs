/**
 * Child processes for the benchmark: start one, wait for its `{"event":"listening",...}` JSON line,
 * stop it (SIGTERM, then SIGKILL). Every child is registered so the runner can kill whatever is still
 * alive on any exit path (normal end, error, Ctrl-C); each child also preloads exit-with-parent.mjs,
 * so even a SIGKILLed runner leaves nothing behind.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const EXIT_WITH_PARENT = fileURLToPath(new URL('./exit-with-parent.mjs', import.meta.url));

/** @type {Set<import('node:child_process').ChildProcess>} */
const live = new Set();

/** Synchronous on purpose: usable from process.on('exit'). */
export function killAllSync() {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  live.clear();
}

let handlersInstalled = false;
function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      killAllSync();
      process.exit(130);
    });
  }
}

/** A port that was free a moment ago (for servers whose `listening` log line may be filtered out). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * @param {string} name  label for messages
 * @param {string[]} args  node arguments (script first, after any node flags)
 * @param {{ env?: Record<string,string>, nodeFlags?: string[], timeoutMs?: number, cwd?: string,
 *           readyUrl?: string }} [opts]  readyUrl: instead of waiting for the `listening` line, poll
 *           this URL until it answers (any HTTP status).
 */
export async function startProcess(name, args, opts = {}) {
  installExitHandlers();
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), '--import', EXIT_WITH_PARENT, ...args], {
    env: opts.env ?? process.env,
    cwd: opts.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  const lines = [];
  let raw = '';
  let buffered = '';
  let onLine = () => {};
  let parsing = true; // until the process is ready; afterwards output is only kept (capped), not parsed
  const onData = (chunk) => {
    if (raw.length < 200_000) raw += chunk.toString('utf8'); // enough for diagnostics
    if (!parsing) return;
    const text = chunk.toString('utf8');
    buffered += text;
    let nl;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      try {
        const parsed = JSON.parse(line);
        if (lines.length < 10_000) lines.push(parsed);
        onLine(parsed);
      } catch {
        /* not JSON */
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  const listening = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in ${opts.timeoutMs ?? 20_000} ms:\n${raw}`)), opts.timeoutMs ?? 20_000);
    if (opts.readyUrl) {
      const poll = async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        try {
          await fetch(opts.readyUrl, { signal: AbortSignal.timeout(1_000) });
          clearTimeout(timer);
          resolve({ event: 'listening', port: Number(new URL(opts.readyUrl).port) });
        } catch {
          setTimeout(poll, 50);
        }
      };
      setTimeout(poll, 50);
      return;
    }
    onLine = (line) => {
      if (line.event === 'listening') {
        clearTimeout(timer);
        onLine = () => {};
        resolve(line);
      }
    };
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before listening:\n${raw}`));
    });
  }).catch((error) => {
    child.kill('SIGKILL');
    throw error;
  });
  parsing = false;
  buffered = '';

  return {
    name,
    pid: child.pid,
    listening,
    url: listening.url ?? `http://127.0.0.1:${listening.port}`,
    lines,
    output: () => raw,
    exited,
    /** SIGTERM, SIGKILL after graceMs; resolves when the process is gone. */
    async stop(graceMs = 12_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      child.stdin.destroy();
      return result;
    },
  };
}
