/**
 * The built app (dist/server/entry.mjs) in a child process for the browser benchmarks: a clean
 * environment plus `env`, port 0 (the OS picks a free one), and the port read back from the server's
 * startup log line (`"port":N`), so benchmarks never collide with a dev server or with each other.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Resolves once the server logged its port; rejects if it exits first. `stop()` resolves when it has exited. */
export async function startApp(env) {
  const child = spawn(process.execPath, [`${ROOT}dist/server/entry.mjs`], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp', HOST: '127.0.0.1', PORT: '0', NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const port = await new Promise((resolve, reject) => {
    child.stdout.on('data', (c) => {
      out += c;
      const m = out.match(/"port":(\d+)/);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`app exited ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))) };
}
