/**
 * The measuring half of the cluster benchmark: one autocannon run against the token endpoint with
 * per-response timings and status counts, while the memory (VmRSS) of the app instances is sampled
 * from /proc and the CPU of every process involved is accounted (bench/token/cpu-sampler.mjs). Linux
 * only, like the cluster itself.
 */
import { readFileSync, readdirSync } from 'node:fs';
import autocannon from 'autocannon';
import { startCpuSample } from '../token/cpu-sampler.mjs';

export const TOKEN_PATH = '/api/voice-agent/token';

export const round = (n, d = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : n);

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** p50/p99 of the 2xx responses, in ms at microsecond resolution (autocannon's histogram rounds to whole ms). */
export function latencyStats(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  return { p50: round(percentile(sorted, 50), 3), p99: round(percentile(sorted, 99), 3), max: round(sorted.at(-1) ?? NaN, 3) };
}

/** Resident memory of a process in bytes (VmRSS), or NaN once it is gone. */
export function rssBytes(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)\s+kB/m);
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Context switches so far (voluntary + involuntary) of a process's main thread (Node's event loop), 0 once it is gone. */
export function contextSwitches(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const get = (k) => Number(status.match(new RegExp(`^${k}:\\s+(\\d+)`, 'm'))?.[1] ?? 0);
    return get('voluntary_ctxt_switches') + get('nonvoluntary_ctxt_switches');
  } catch {
    return 0;
  }
}

/** Every live descendant of `pid` with its command name (nginx workers, redis-server, node…). */
export function descendants(pid = process.pid) {
  /** @type {Array<{ pid: number, comm: string }>} */
  const out = [];
  const visit = (p) => {
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const tid of tasks) {
      let children = '';
      try {
        children = readFileSync(`/proc/${p}/task/${tid}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const c of children.trim().split(/\s+/).filter(Boolean).map(Number)) {
        let comm = '?';
        try {
          comm = readFileSync(`/proc/${c}/comm`, 'utf8').trim();
        } catch {
          /* gone */
        }
        out.push({ pid: c, comm });
        visit(c);
      }
    }
  };
  visit(pid);
  return out;
}

/** Samples VmRSS of `pids` every `everyMs` until stop(); returns idle (first), peak and last, in MB. */
export function startRssSampler(pids, everyMs = 200) {
  const first = pids.map(rssBytes);
  const peak = [...first];
  const last = [...first];
  const sample = () =>
    pids.forEach((pid, i) => {
      const v = rssBytes(pid);
      if (Number.isFinite(v)) {
        last[i] = v;
        peak[i] = Math.max(peak[i] || 0, v);
      }
    });
  const timer = setInterval(sample, everyMs);
  const mb = (b) => round(b / 2 ** 20, 1);
  return function stop() {
    clearInterval(timer);
    sample();
    return pids.map((pid, i) => ({ pid, startMb: mb(first[i]), peakMb: mb(peak[i]), endMb: mb(last[i]) }));
  };
}

/**
 * One autocannon run: POST the token endpoint at `url` with `headers` (the page's Origin) for
 * `seconds` over `connections` keep-alive connections.
 * @returns {Promise<{ result: any, latencies: number[], statuses: Record<string, number>, elapsed: number }>}
 */
export function cannon({ url, headers = {}, seconds, connections }) {
  const latencies = [];
  /** @type {Record<string, number>} */
  const statuses = {};
  /** @type {Record<string, number>} */
  const errorCodes = {};
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url: `${url}${TOKEN_PATH}`, method: 'POST', headers, connections, duration: seconds, timeout: 10 },
      (error, result) => (error ? reject(error) : resolve({ result, latencies, statuses, errorCodes, elapsed: (performance.now() - started) / 1000 })),
    );
    instance.on('reqError', (error) => (errorCodes[error?.code ?? error?.message] = (errorCodes[error?.code ?? error?.message] ?? 0) + 1));
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
  });
}

/**
 * A measured run: warm-up, then `seconds` of load with memory and CPU accounted. `instancePids` are
 * the servers behind nginx (their RSS is the figure against the 512 MB budget); every other process
 * this runner started (nginx master and workers, Redis, the emulator) is in the CPU account by name.
 * `afterWarmup` runs between warm-up and measurement (e.g. to read counters).
 */
export async function measure({ url, headers, seconds, warmup, connections, instancePids, afterWarmup }) {
  if (warmup > 0) await cannon({ url, headers, seconds: warmup, connections });
  await afterWarmup?.();
  const others = descendants().filter((p) => !instancePids.includes(p.pid));
  const stopRss = startRssSampler(instancePids);
  const all = [...instancePids, ...others.map((p) => p.pid)];
  const switches0 = all.map(contextSwitches);
  const stopCpu = startCpuSample(all);
  const { result, latencies, statuses, errorCodes, elapsed } = await cannon({ url, headers, seconds, connections });
  const switches = all.map(contextSwitches).reduce((a, n, i) => a + Math.max(0, n - switches0[i]), 0);
  const cpuRaw = stopCpu();
  const memory = stopRss();
  const byComm = {};
  others.forEach((p, i) => (byComm[p.comm] = round((byComm[p.comm] ?? 0) + cpuRaw.childCores[instancePids.length + i])));
  const ok = result['2xx'];
  const fivexx = Object.entries(statuses).filter(([s]) => Number(s) >= 500).reduce((a, [, n]) => a + n, 0);
  return {
    seconds: round(elapsed, 2),
    connections,
    requests: result.requests.total,
    ok2xx: ok,
    throughput: round(ok / elapsed, 1),
    latencyMs: latencyStats(latencies),
    statuses,
    non2xx: result.non2xx,
    fivexx,
    errors: result.errors,
    errorCodes,
    timeouts: result.timeouts,
    memory,
    // Context switches of the benchmark's processes (main threads) per successful request: how often
    // the scheduler interleaved them, the cost of more processes than cores.
    contextSwitchesPerRequest: round(switches / Math.max(1, ok), 2),
    cpu: {
      cores: cpuRaw.cores,
      machineBusy: cpuRaw.machineBusyCores,
      instances: cpuRaw.childCores.slice(0, instancePids.length),
      loadGenerator: cpuRaw.runnerCores,
      others: byComm,
      foreign: cpuRaw.foreignCores,
    },
  };
}
