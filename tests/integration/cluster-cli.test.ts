/**
 * `npm run cluster` as a person runs it: the CLI starts Redis, the instances, nginx and Prometheus, prints where
 * they are, serves the site through nginx in demo mode, and Ctrl-C (SIGINT) stops every process it started and
 * removes its temp dir; a bad `--instances` is refused with the usage line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clusterSuiteTitle, haveCluster, waitFor } from '../helpers/cluster';

const CLI = fileURLToPath(new URL('../../scripts/cluster.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Nothing from the developer's shell that would change the cluster (a real key, a Redis URL). */
const ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn' };

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** Every process below `root` (children, grandchildren: nginx's workers, …). */
function descendants(root: number): number[] {
  const rows = spawnSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' }).stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
  const found: number[] = [];
  const visit = (pid: number) => {
    for (const [child, parent] of rows) if (parent === pid && child !== undefined) (found.push(child), visit(child));
  };
  visit(root);
  return found;
}

describe.skipIf(!haveCluster)(clusterSuiteTitle('npm run cluster (the CLI)'), () => {
  it('starts every part, serves the site through nginx, and Ctrl-C stops exactly what it started', async () => {
    const child = spawn(process.execPath, [CLI, '--instances', '2'], { cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(() => /Ctrl-C stops everything above/.test(out), 45_000, 'the cluster to be up');
      const site = out.match(/Site \(through nginx\)\s+(http:\S+)/)![1]!;
      const prometheus = out.match(/Prometheus\s+(http:\S+)/)![1]!;
      const dir = out.match(/Logs and configs\s+(\S+)/)![1]!;
      const pids = [...out.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
      expect(pids).toHaveLength(2);
      expect(out).toContain('in demo mode');

      const health = await fetch(`${site}/api/voice-agent/health`);
      expect(health.status).toBe(200);
      expect((await (await fetch(`${site}/`)).text())).toContain('Executive AI');
      expect((await fetch(`${prometheus}/-/ready`)).status).toBe(200);
      const started = descendants(child.pid!);
      // redis-server, two instances, nginx (master and its workers), prometheus
      expect(started.length).toBeGreaterThanOrEqual(6);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(out).toContain('› stopped.');
      for (const pid of [...pids, ...started]) expect(alive(pid), `process ${pid} still running`).toBe(false);
      expect(existsSync(dir)).toBe(false);
      await expect(fetch(`${site}/api/voice-agent/health`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 90_000);

  it('refuses a bad --instances with the usage line', () => {
    const run = spawnSync(process.execPath, [CLI, '--instances', '40'], { cwd: ROOT, env: ENV, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--instances must be a whole number from 1 to 16');
    expect(run.stderr).toContain('usage: npm run cluster');
  });
});
