import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../cli.mjs';

const CLI = fileURLToPath(new URL('../cli.mjs', import.meta.url));

describe('cli', () => {
  it('parses flags and env', () => {
    expect(parseArgs([], {})).toEqual({ port: 8787, host: '127.0.0.1', quiet: false });
    expect(parseArgs([], { EMULATOR_PORT: '9000', EMULATOR_HOST: '0.0.0.0' })).toMatchObject({ port: 9000, host: '0.0.0.0' });
    expect(parseArgs(['--port', '1234', '--host=::1', '-q'], { EMULATOR_PORT: '9000' })).toEqual({ port: 1234, host: '::1', quiet: true });
    expect(parseArgs(['--port=0'], {}).port).toBe(0);
    expect(() => parseArgs(['--port', 'x'], {})).toThrow();
    expect(() => parseArgs(['--bogus'], {})).toThrow();
  });

  it('starts, prints its URL, serves, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [CLI, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 5000);
      child.stdout.on('data', (d) => {
        out += d;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on('exit', () => reject(new Error(`exited early: ${out}`)));
    });
    const r = await fetch(`${url}/v1/models`, { headers: { Authorization: 'Bearer sk-test-realtime' } });
    expect(r.status).toBe(200);
    const code = await new Promise((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
  });
});
