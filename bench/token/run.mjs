/**
 * Token-endpoint benchmark: the full `POST /api/voice-agent/token` of the built app
 * (dist/server/entry.mjs) against a BASELINE bare node:http handler doing the same essential work
 * (bench/token/bare-handler.mjs), in two modes:
 *
 *   demo      no OPENAI_API_KEY: the token is an HS256 JWT signed locally.
 *   realtime  OPENAI_API_KEY=sk-test-realtime against the OpenAI emulator (zero latency, own process):
 *             one POST /v1/realtime/client_secrets per token.
 *
 * Every measured run starts fresh processes (emulator, then server), checks one response by hand,
 * warms up, then measures with autocannon (programmatic) from this process. App and baseline runs
 * alternate order across repeats; the table shows the median of the repeats. Latency percentiles
 * are computed from autocannon's per-response timings at microsecond resolution (autocannon's own
 * histogram rounds to whole milliseconds, too coarse for a 2 ms goal); its numbers are kept in the
 * JSON too.
 *
 *   node bench/token/run.mjs [--duration 10] [--warmup 2] [--connections 32] [--repeats 3]
 *                            [--modes demo,realtime] [--log-level info] [--cpu-prof]
 *                            [--unloaded-duration 5] [--quiet-wait 60] [--max-foreign-cores 0.3]
 *                            [--retries 2] [--out bench/results]
 *
 * Prints a table per mode with PASS/FAIL for the issue's goals (≥ 0.5× the baseline's throughput at
 * saturation, < 2 ms added p99 per request, measured at one connection) and writes bench/results/token-<timestamp>.json. Always exits 0 after a complete
 * run: it is a report, not a gate. Every process it starts is stopped on every exit path.
 */
import { mkdirSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { cpus, totalmem, availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { startProcess, freePort, killAllSync } from './procs.mjs';
import { startCpuSample, waitForQuiet } from './cpu-sampler.mjs';
import { GOAL_MAX_ADDED_P99_MS, GOAL_MIN_RATIO, modeReport, printReport, round } from './report.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = `${ROOT}dist/server/entry.mjs`;
const BARE = `${ROOT}bench/token/bare-handler.mjs`;
const EMULATOR = `${ROOT}bench/token/emulator-process.mjs`;
const TOKEN_PATH = '/api/voice-agent/token';


const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    // 32: a single Node event loop is saturated well below this (see docs/benchmarks.md), so this
    // measures capacity; it stays at the low end of 20–50 so p99 is not mostly queueing behind
    // dozens of requests. Same value for app and baseline.
    connections: { type: 'string', default: '32' },
    repeats: { type: 'string', default: '3' },
    modes: { type: 'string', default: 'demo,realtime' },
    // The app's default (src/server/config.ts, .env.example): what production runs unless told
    // otherwise. One `tokenGenerated` line per token is part of the full endpoint's cost.
    'log-level': { type: 'string', default: 'info' },
    'cpu-prof': { type: 'boolean', default: false },
    'quiet-wait': { type: 'string', default: '60' },
    // Supplementary pass on the same warm process: 1 connection, so latency is per-request service
    // time with no queueing (at saturation, latency ≈ connections / throughput: Little's law).
    'unloaded-duration': { type: 'string', default: '5' },
    // A measured run during which other processes used more than this many cores is repeated.
    'max-foreign-cores': { type: 'string', default: '0.3' },
    retries: { type: 'string', default: '2' },
    out: { type: 'string', default: `${ROOT}bench/results` },
  },
});
const opts = {
  duration: positive(flags.duration, 'duration'),
  warmup: Number(flags.warmup),
  connections: positive(flags.connections, 'connections'),
  repeats: positive(flags.repeats, 'repeats'),
  modes: flags.modes.split(',').map((m) => m.trim()).filter(Boolean),
  logLevel: flags['log-level'],
  cpuProf: flags['cpu-prof'],
  quietWaitSeconds: Number(flags['quiet-wait']),
  unloadedDuration: Number(flags['unloaded-duration']),
  maxForeignCores: Number(flags['max-foreign-cores']),
  retries: Number(flags.retries),
  out: flags.out,
};
for (const m of opts.modes) if (m !== 'demo' && m !== 'realtime') throw new Error(`unknown mode ${m}`);

function positive(value, name) {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Processes

/** The app's limits, as high as src/server/config.ts accepts, so none of them refuses a request. */
const NO_LIMITS = {
  RATE_LIMIT_PER_IP_PER_MINUTE: '1000000', // config max
  MAX_SESSIONS_PER_IP: '1000000', // config max
  MAX_TOKENS_PER_MINUTE: '10000000', // config max
  MAX_CONCURRENT_CONNECTIONS: '10000000', // config max
  TOTAL_ACTIVE_CONNECTIONS: '100000000', // config max
  API_RATE_LIMIT_PER_MINUTE: '100000000', // config max
};

const SESSION_SECRET = 'bench-session-secret-0123456789abcdef0123456789';

async function startEmulator() {
  return startProcess('emulator', [EMULATOR]);
}

/** node flags that write a CPU profile named after the run when the process exits. */
const profFlags = (prof) => (prof ? ['--cpu-prof', '--cpu-prof-dir', prof.dir, '--cpu-prof-name', prof.name] : []);

async function startApp(mode, emulatorUrl, prof) {
  // At LOG_LEVEL=warn the `listening` line (info) is filtered out: choose the port, poll health.
  const port = await freePort();
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: opts.logLevel,
    SESSION_SECRET, // as in production: avoids the per-process-key warning; no effect on the work done
    ...NO_LIMITS,
    ...(mode === 'realtime'
      ? { OPENAI_API_KEY: 'sk-test-realtime', OPENAI_BASE_URL: `${emulatorUrl}/v1` }
      : { DEMO_MODE: 'auto' }),
  };
  return startProcess('app', [ENTRY], { env, nodeFlags: profFlags(prof), readyUrl: `http://127.0.0.1:${port}/api/voice-agent/health` });
}

async function startBaseline(mode, emulatorUrl, prof) {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'production', PORT: '0' };
  return startProcess('baseline', mode === 'realtime' ? [BARE, mode, emulatorUrl] : [BARE, mode], { env, nodeFlags: ['--import', 'tsx', ...profFlags(prof)] });
}

// ---------------------------------------------------------------------------------------------
// Measurement

/** One request by hand: the server must answer a real token of the expected mode. */
async function checkToken(url, mode) {
  const res = await fetch(`${url}${TOKEN_PATH}`, { method: 'POST' });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const ok = res.status === 200 && body?.success === true && body.mode === mode && typeof body.token === 'string' && typeof body.sessionId === 'string';
  if (!ok) throw new Error(`sanity check failed (${url}, ${mode}): ${res.status} ${text.slice(0, 300)}`);
  return body;
}

function cannon(url, seconds, onResponse, connections = opts.connections) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url: `${url}${TOKEN_PATH}`, method: 'POST', connections, duration: seconds, timeout: 10 },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    if (onResponse) instance.on('response', onResponse);
  });
}

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}


async function scrapeAppMetrics(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const pick = (prefix) =>
    Object.fromEntries(
      text
        .split('\n')
        .filter((l) => l.startsWith(prefix))
        .map((l) => {
          const i = l.lastIndexOf(' ');
          return [l.slice(prefix.length, i) || '{}', Number(l.slice(i + 1))];
        }),
    );
  return {
    tokensGenerated: pick('voice_agent_tokens_generated_total'),
    rateLimitHits: pick('voice_agent_rate_limit_hits_total'),
    failedConnections: pick('voice_agent_failed_connections_total'),
    apiErrors: pick('voice_agent_api_errors_total'),
  };
}

/** One autocannon run with per-response latencies (2xx only) and CPU accounting. */
async function timedCannon(url, seconds, connections, pids) {
  const latencies = [];
  const stopCpu = startCpuSample(pids);
  const started = performance.now();
  const result = await cannon(
    url,
    seconds,
    (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    },
    connections,
  );
  const elapsed = (performance.now() - started) / 1000;
  return { result, latencies, elapsed, cpu: stopCpu() };
}

function latencyStats(latencies) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 50), 3),
    p90: round(percentile(sorted, 90), 3),
    p99: round(percentile(sorted, 99), 3),
    max: round(sorted.at(-1), 3),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length, 3),
  };
}

/**
 * measure(), repeated when other processes used more than --max-foreign-cores during it (the box is
 * shared): external noise is not the endpoint's cost. Keeps the cleanest attempt; records them all.
 */
async function measureClean(target, mode, repeat, profDir) {
  const attempts = [];
  for (let i = 0; i <= opts.retries; i++) {
    const run = await measure(target, mode, repeat, profDir);
    attempts.push(run);
    const foreign = Math.max(run.cpu.foreignCores, run.unloaded?.cpu.foreignCores ?? 0);
    if (foreign <= opts.maxForeignCores) break;
    if (i < opts.retries) process.stdout.write(`  (${mode} #${repeat} ${target}: other processes used ${foreign} cores; measuring again)\n`);
  }
  const foreignOf = (r) => Math.max(r.cpu.foreignCores, r.unloaded?.cpu.foreignCores ?? 0);
  const best = attempts.reduce((a, b) => (foreignOf(b) < foreignOf(a) ? b : a));
  return { ...best, attempts: attempts.length, discarded: attempts.filter((a) => a !== best).map((a) => ({ throughput: a.throughput, p99: a.latencyMs.p99, foreignCores: foreignOf(a) })) };
}

/** One measured run of one target in one mode, in fresh processes. */
async function measure(target, mode, repeat, profDir) {
  const quietBefore = await waitForQuiet(opts.quietWaitSeconds);
  const emulator = mode === 'realtime' ? await startEmulator() : undefined;
  let server;
  try {
    const prof = profDir ? { dir: profDir, name: `${target}-${mode}-r${repeat}-${Date.now()}.cpuprofile` } : undefined;
    server = target === 'app' ? await startApp(mode, emulator?.url, prof) : await startBaseline(mode, emulator?.url, prof);
    await checkToken(server.url, mode);
    if (opts.warmup > 0) await cannon(server.url, opts.warmup);

    const pids = [server.pid, ...(emulator ? [emulator.pid] : [])];
    const { result, latencies, elapsed, cpu } = await timedCannon(server.url, opts.duration, opts.connections, pids);
    let unloaded;
    if (opts.unloadedDuration > 0) {
      const u = await timedCannon(server.url, opts.unloadedDuration, 1, pids);
      unloaded = {
        connections: 1,
        seconds: round(u.elapsed, 2),
        throughput: round(u.result['2xx'] / u.elapsed, 1),
        non2xx: u.result.non2xx,
        errors: u.result.errors + u.result.timeouts,
        latencyMs: latencyStats(u.latencies),
        cpu: u.cpu,
      };
    }

    const after = await checkToken(server.url, mode); // still answering the right mode afterwards
    const appMetrics = target === 'app' ? await scrapeAppMetrics(server.url) : undefined;
    const emulatorStats = emulator ? await (await fetch(`${emulator.url}/__emulator/stats`)).json() : undefined;

    const ok = result['2xx'];
    const run = {
      target,
      mode,
      repeat,
      seconds: round(elapsed, 2),
      requests: result.requests.total,
      ok2xx: ok,
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      statusCodeStats: result.statusCodeStats,
      throughput: round(ok / elapsed, 1), // successful tokens per second
      latencyMs: latencyStats(latencies),
      autocannon: {
        requestsPerSecondAverage: result.requests.average,
        latencyMs: { p50: result.latency.p50, p99: result.latency.p99, average: result.latency.average, max: result.latency.max },
      },
      cpu: { ...cpu, quietBefore },
      ...(unloaded ? { unloaded } : {}),
      sampleToken: { mode: after.mode, expiresInMs: after.expiresAt - Date.now() },
      ...(appMetrics ? { appMetrics } : {}),
      ...(emulatorStats ? { emulatorCounts: emulatorStats.counts } : {}),
    };
    // In realtime mode every app token must be a realtime one (not a fallback/demo degrade).
    if (appMetrics && mode === 'realtime') {
      const degraded = Object.entries(appMetrics.tokensGenerated).filter(([k, v]) => !k.includes('mode="realtime"') && v > 0);
      if (degraded.length) run.warning = `app degraded some tokens: ${JSON.stringify(degraded)}`;
    }
    return run;
  } finally {
    await server?.stop();
    await emulator?.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  if (!existsSync(ENTRY)) {
    throw new Error('dist/server/entry.mjs is missing: build the app first (`npx astro build`).');
  }
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  mkdirSync(opts.out, { recursive: true });
  const profDir = opts.cpuProf ? `${opts.out}/profiles-${stamp}` : undefined;
  if (profDir) mkdirSync(profDir, { recursive: true });

  console.log(
    `Token endpoint benchmark — node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ` +
      `app build ${statSync(ENTRY).mtime.toISOString()}`,
  );
  const runs = [];
  for (const mode of opts.modes) {
    for (let repeat = 1; repeat <= opts.repeats; repeat++) {
      // Alternate which side goes first, so drift (thermal, other load) does not favour one side.
      const order = repeat % 2 === 1 ? ['app', 'baseline'] : ['baseline', 'app'];
      for (const target of order) {
        const run = await measureClean(target, mode, repeat, profDir);
        runs.push(run);
        console.log(
          `  ${mode} #${repeat} ${target.padEnd(8)} ${String(Math.round(run.throughput)).padStart(6)} req/s  ` +
            `p50 ${run.latencyMs.p50.toFixed(2)} ms  p99 ${run.latencyMs.p99.toFixed(2)} ms  non-2xx ${run.non2xx}  errors ${run.errors}` +
            (run.unloaded ? `  | 1 conn: p50 ${run.unloaded.latencyMs.p50.toFixed(2)} ms p99 ${run.unloaded.latencyMs.p99.toFixed(2)} ms` : '') +
            `  (server ${run.cpu.childCores[0]} cores, other processes ${run.cpu.foreignCores} cores)${run.warning ? `  WARNING: ${run.warning}` : ''}`,
        );
      }
    }
  }

  const reports = opts.modes.map((mode) => modeReport(mode, runs.filter((r) => r.mode === mode), opts));
  reports.forEach((report) => printReport(report, opts));

  const file = `${opts.out}/token-${stamp}.json`;
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        benchmark: 'token-endpoint',
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        command: `node ${process.argv.slice(1).map((a) => a.replace(ROOT, '')).join(' ')}`,
        machine: { node: process.version, cores: availableParallelism(), cpuModel: cpus()[0]?.model, totalMemBytes: totalmem() },
        appBuild: { entry: 'dist/server/entry.mjs', mtime: statSync(ENTRY).mtime.toISOString() },
        options: { ...opts, out: undefined, appEnvLimits: NO_LIMITS },
        goals: { minThroughputRatio: GOAL_MIN_RATIO, maxAddedP99Ms: GOAL_MAX_ADDED_P99_MS },
        reports,
        runs,
        ...(profDir ? { profiles: profDir } : {}),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nResults: ${file.replace(ROOT, '')}${profDir ? `\nCPU profiles: ${profDir.replace(ROOT, '')}` : ''}`);
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  killAllSync(); // belt and braces: every run already stopped its processes
}
