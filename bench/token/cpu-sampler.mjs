/**
 * CPU accounting for one measured run (Linux /proc): how busy the whole machine was, how much of
 * that was the benchmark's own processes (runner + server + emulator), and therefore how much was
 * somebody else's. On a shared 2-core box "foreign" CPU is the main source of noise, so every
 * result carries it.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function machineTicks() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0); // user..steal (guest is inside user)
    const idle = fields[3] + (fields[4] ?? 0); // idle + iowait
    return { total, idle };
  } catch {
    return undefined;
  }
}

function pidTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14, 15)
  } catch {
    return 0;
  }
}

/** @param {number[]} pids  the benchmark's child processes to account for */
export function startCpuSample(pids) {
  const t0 = performance.now();
  const m0 = machineTicks();
  const p0 = pids.map(pidTicks);
  const self0 = process.cpuUsage();
  const load0 = loadavg()[0];
  return function stop() {
    const seconds = (performance.now() - t0) / 1000;
    const m1 = machineTicks();
    const p1 = pids.map(pidTicks);
    const self = process.cpuUsage(self0);
    const cores = availableParallelism();
    const machineBusyCores =
      m0 && m1 && m1.total > m0.total ? ((m1.total - m0.total - (m1.idle - m0.idle)) / (m1.total - m0.total)) * cores : NaN;
    const childCores = p1.map((t, i) => (t - p0[i]) / TICKS_PER_SECOND / seconds);
    const runnerCores = (self.user + self.system) / 1e6 / seconds;
    const ours = runnerCores + childCores.reduce((a, b) => a + b, 0);
    return {
      cores,
      machineBusyCores: round(machineBusyCores),
      runnerCores: round(runnerCores),
      childCores: childCores.map(round),
      foreignCores: round(Math.max(0, machineBusyCores - ours)),
      loadavg1Before: round(load0),
      loadavg1After: round(loadavg()[0]),
    };
  };
}

const round = (n) => Math.round(n * 100) / 100;

/**
 * Waits (up to `maxWaitSeconds`) until processes other than ours use < 0.3 cores for a second, so a benchmark
 * does not start on a busy machine; returns the foreign load it last saw (reported with the results).
 * @param {number} maxWaitSeconds
 */
export async function waitForQuiet(maxWaitSeconds) {
  const deadline = Date.now() + maxWaitSeconds * 1000;
  for (;;) {
    const stop = startCpuSample([]);
    await new Promise((r) => setTimeout(r, 1000));
    const { foreignCores } = stop();
    if (foreignCores < 0.3 || Date.now() >= deadline) return foreignCores;
    process.stdout.write(`  (machine busy: other processes use ${foreignCores} cores; waiting)\n`);
  }
}
