/**
 * Cluster load benchmark (`npm run bench:cluster`): `POST /api/voice-agent/token` through nginx, as a
 * browser sends it (same-origin `Origin`), against the real local cluster (scripts/cluster/: Redis,
 * N built instances, nginx), in demo mode and realtime mode (OpenAI emulator in its own process).
 *
 * Per mode, each case in a fresh cluster, one after the other on the same machine:
 *   app ×1 via nginx, app ×3 via nginx  → the 3-vs-1 scaling factor
 *   app ×1 direct (same instance, no nginx)          → what the proxy hop costs
 *   bare ×1 / ×3 via nginx (bench/token's bare node:http handler behind the same nginx)
 *                                                     → the BASELINE: what the machine allows at all
 * Then rate-limit accuracy: RATE_LIMIT_PER_IP_PER_MINUTE=N on 3 instances, many connections through
 * nginx for less than one window: admitted (2xx) must be exactly N (never more).
 *
 * Throughput runs set every app limit to config.ts's maximum (see LIMITS) so none refuses a request;
 * sessions are not ended, the quotas are sized instead: a case mints far fewer than 1,000,000 sessions
 * and each case has its own Redis. Instance memory (VmRSS) is sampled during every run.
 *
 *   node bench/cluster/run.mjs [--quick] [--duration 10] [--warmup 2] [--connections 32]
 *        [--modes demo,realtime] [--rate-limit 200] [--rate-limit-connections 64] [--quiet-wait 20]
 *
 * Fails (exit 1, after writing the results) on any 5xx (autocannon's or nginx's log), a timeout, a
 * connection error other than autocannon's keep-alive resets (see checkErrors), a wrong answer, an
 * instance above 512 MB, or a rate limit admitting other than N. Results: bench/results/cluster-<timestamp>.json.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ENTRY, missingBinaries, startCluster } from '../../scripts/cluster/index.mjs';
import { startProcess, killAllSync } from '../token/procs.mjs';
import { waitForQuiet } from '../token/cpu-sampler.mjs';
import { TOKEN_PATH, cannon, measure, round } from './load.mjs';
import { MEMORY_BUDGET_MB, printSummary, summarise } from './report.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BARE_ENTRY = fileURLToPath(new URL('./bare-entry.mjs', import.meta.url));
const EMULATOR = fileURLToPath(new URL('../token/emulator-process.mjs', import.meta.url));

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string', default: '32' },
    modes: { type: 'string', default: 'demo,realtime' },
    'rate-limit': { type: 'string', default: '200' },
    'rate-limit-connections': { type: 'string', default: '64' },
    'quiet-wait': { type: 'string' },
    out: { type: 'string', default: `${ROOT}bench/results` },
  },
});
const quick = flags.quick;
const opts = {
  quick,
  duration: num(flags.duration ?? (quick ? '3' : '10'), 'duration'),
  warmup: num(flags.warmup ?? (quick ? '1' : '2'), 'warmup'),
  connections: num(flags.connections, 'connections'),
  modes: flags.modes.split(',').map((m) => m.trim()).filter(Boolean),
  rateLimit: num(flags['rate-limit'], 'rate-limit'),
  rateLimitConnections: num(flags['rate-limit-connections'], 'rate-limit-connections'),
  quietWait: Number(flags['quiet-wait'] ?? (quick ? '0' : '20')),
  out: flags.out,
};
for (const m of opts.modes) if (m !== 'demo' && m !== 'realtime') throw new Error(`unknown mode ${m}`);
// The per-IP limit uses fixed 60 s windows that start at the first request: a burst shorter than that is one window.
if (opts.duration >= 55) throw new Error('--duration must stay under 55 s (the rate-limit burst must fit one 60 s window)');

function num(value, name) {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${value}"`);
  return n;
}

/** Every request limit at src/server/config.ts's maximum: one client (127.0.0.1) must not meet any. */
const LIMITS = {
  RATE_LIMIT_PER_IP_PER_MINUTE: '1000000',
  MAX_SESSIONS_PER_IP: '1000000',
  MAX_TOKENS_PER_MINUTE: '10000000',
  MAX_CONCURRENT_CONNECTIONS: '10000000',
  TOTAL_ACTIVE_CONNECTIONS: '100000000',
  API_RATE_LIMIT_PER_MINUTE: '100000000',
};
// NODE_ENV=production and LOG_LEVEL=info: what production runs (one log line per token is part of the cost).
const BASE_ENV = { NODE_ENV: 'production', LOG_LEVEL: 'info' };

const failures = [];
const fail = (message) => {
  failures.push(message);
  console.error(`  ✖ ${message}`);
};


/** One POST by hand, as the page sends it: must be a 200 with a token of `mode`. */
async function checkToken(url, origin, mode, label) {
  const res = await fetch(url + TOKEN_PATH, { method: 'POST', headers: { Origin: origin } });
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    /* reported below */
  }
  const ok = res.status === 200 && body?.success === true && body.mode === mode && typeof body.token === 'string';
  if (!ok) fail(`${label}: sanity request answered ${res.status} ${text.slice(0, 200)}`);
  return ok;
}

/** Counter values by label set from one instance's /metrics. */
async function scrape(url, name) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const out = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const i = line.lastIndexOf(' ');
    const labels = line.slice(name.length, i) || '{}';
    if (labels.startsWith('{') || labels === '') out[labels] = Number(line.slice(i + 1));
  }
  return out;
}
/**
 * Token-request status counts from nginx's access log (warm-up included): the server-side proof that
 * no request reaching the cluster got a 5xx. 499 = the client closed first: autocannon aborts the
 * requests in flight when a run ends, at most one per connection per run (warm-up + measured).
 */
function nginxStatuses(cluster) {
  const out = {};
  for (const m of readFileSync(join(cluster.dir, 'logs', 'nginx-access.log'), 'utf8').matchAll(/"POST \/api\/voice-agent\/token [^"]*" (\d{3}) \d+ rt=/g)) out[m[1]] = (out[m[1]] ?? 0) + 1;
  return out;
}

/**
 * autocannon ignores `Connection: close`: nginx closes a client connection after keepalive_requests
 * (default 1000) responses and autocannon writes its next request into that closing socket, a reset
 * that never reached nginx. Such resets are the load generator's, not the cluster's, when they are
 * ECONNRESET/EPIPE only, at most one per nginx close, and nginx's own log shows no 5xx/499.
 */
const NGINX_KEEPALIVE_REQUESTS = 1000;
function checkErrors(where, m, log) {
  const errors = m.errors + m.timeouts;
  if (log) {
    const bad = Object.entries(log).filter(([s]) => Number(s) >= 500);
    if (bad.length) fail(`${where}: nginx logged ${JSON.stringify(Object.fromEntries(bad))}`);
    if ((log['499'] ?? 0) > 2 * m.connections) fail(`${where}: nginx logged ${log['499']} requests abandoned (499), more than autocannon's ends of run explain`);
  }
  if (!errors) return;
  const closes = Math.ceil(m.requests / NGINX_KEEPALIVE_REQUESTS) + m.connections;
  const onlyResets = Object.keys(m.errorCodes).every((c) => c === 'ECONNRESET' || c === 'EPIPE');
  if (!log || m.timeouts || !onlyResets || errors > closes) fail(`${where}: ${m.errors} connection errors ${JSON.stringify(m.errorCodes)}, ${m.timeouts} timeouts`);
  else console.log(`    (${errors} client-side resets ${JSON.stringify(m.errorCodes)} on connections nginx closed after ${NGINX_KEEPALIVE_REQUESTS} requests: autocannon ignores Connection: close; nginx logged no 5xx)`);
}

const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);

async function withCluster(options, body) {
  const cluster = await startCluster({
    prometheus: false,
    ...options,
    onUnexpectedExit: (name, code, signal, output) => fail(`${name} exited during the run (${signal ?? code}): ${output.slice(-500)}`),
  });
  try {
    return await body(cluster);
  } finally {
    await cluster.stop();
  }
}

/** Checks one measured run against the rules and prints its line. */
function record(runs, run) {
  runs.push(run);
  const m = run.measured;
  const peak = Math.max(...m.memory.map((x) => x.peakMb));
  console.log(
    `  ${run.mode.padEnd(8)} ${run.label.padEnd(20)} ${String(Math.round(m.throughput)).padStart(6)} req/s  p50 ${m.latencyMs.p50.toFixed(2)} ms  ` +
      `p99 ${m.latencyMs.p99.toFixed(2)} ms  statuses ${JSON.stringify(m.statuses)}  errors ${m.errors + m.timeouts}  ` +
      `peak RSS ${peak} MB  cpu: servers ${m.cpu.instances.join('+')}, autocannon ${m.cpu.loadGenerator}, foreign ${m.cpu.foreign}`,
  );
  const where = `${run.mode} ${run.label}`;
  if (m.fivexx > 0) fail(`${where}: ${m.fivexx} responses with a 5xx status ${JSON.stringify(m.statuses)}`);
  checkErrors(where, m, run.nginxLog);
  if (m.ok2xx === 0) fail(`${where}: no successful response at all`);
  if (m.non2xx > 0) fail(`${where}: ${m.non2xx} non-2xx responses where every limit was raised ${JSON.stringify(m.statuses)}`);
  if (run.target === 'app' && peak > MEMORY_BUDGET_MB) fail(`${where}: an instance peaked at ${peak} MB (budget ${MEMORY_BUDGET_MB} MB)`);
}

async function throughputCases(mode, runs) {
  const emulator = mode === 'realtime' ? await startProcess('emulator', [EMULATOR]) : undefined;
  try {
    const modeEnv = mode === 'realtime' ? { OPENAI_API_KEY: 'sk-test-realtime', OPENAI_BASE_URL: `${emulator.url}/v1` } : { DEMO_MODE: 'auto' };
    const load = { seconds: opts.duration, warmup: opts.warmup, connections: opts.connections };
    for (const instances of [1, 3]) {
      for (const target of ['bare', 'app']) {
        const env =
          target === 'app'
            ? { ...BASE_ENV, ...LIMITS, ...modeEnv }
            : { NODE_ENV: 'production', BARE_MODE: mode, ...(emulator ? { EMULATOR_URL: emulator.url } : {}) };
        const foreignBefore = await waitForQuiet(opts.quietWait);
        await withCluster({ instances, env, ...(target === 'bare' ? { entry: BARE_ENTRY } : {}) }, async (cluster) => {
          const pids = cluster.instances.map((i) => i.pid);
          const via = { url: cluster.url, headers: { Origin: cluster.url } };
          if (!(await checkToken(cluster.url, cluster.url, mode, `${mode} ${target}×${instances}`))) return;
          const tokens = () => Promise.all(cluster.instances.map((i) => scrape(i.url, 'voice_agent_tokens_generated_total')));
          let tokensBefore = [];
          const afterWarmup = async () => void (tokensBefore = target === 'app' ? await tokens() : []);
          const measured = await measure({ ...via, ...load, instancePids: pids, afterWarmup });
          const run = { mode, target, instances, path: 'nginx', label: `${target} ×${instances} via nginx`, foreignBefore, measured, nginxLog: nginxStatuses(cluster) };
          if (target === 'app') {
            // How nginx spread the load, and (realtime) that no token degraded to another mode.
            const after = await tokens();
            run.tokensPerInstance = after.map((a, i) => sum(a) - sum(tokensBefore[i]));
            const wrongMode = after.flatMap((a) => Object.entries(a)).filter(([k, v]) => !k.includes(`mode="${mode}"`) && v > 0);
            if (wrongMode.length) fail(`${mode} app ×${instances}: tokens of another mode ${JSON.stringify(wrongMode)}`);
          }
          record(runs, run);
          if (target === 'app' && instances === 1) {
            // The same warm instance without nginx: the proxy hop's cost, as a ratio.
            const inst = cluster.instances[0];
            const direct = await measure({ url: inst.url, headers: { Origin: inst.url }, ...load, warmup: 0, instancePids: pids });
            record(runs, { mode, target, instances, path: 'direct', label: 'app ×1 direct', foreignBefore, measured: direct });
          }
        });
      }
    }
  } finally {
    await emulator?.stop();
  }
}

/** RATE_LIMIT_PER_IP_PER_MINUTE=N, 3 instances, one client, many connections for less than one window. */
async function rateLimitCase() {
  const n = opts.rateLimit;
  const env = { ...BASE_ENV, ...LIMITS, DEMO_MODE: 'auto', RATE_LIMIT_PER_IP_PER_MINUTE: String(n) };
  await waitForQuiet(opts.quietWait);
  return withCluster({ instances: 3, env }, async (cluster) => {
    const { result, statuses, errorCodes, elapsed } = await cannon({
      url: cluster.url,
      headers: { Origin: cluster.url },
      seconds: opts.duration,
      connections: opts.rateLimitConnections,
    });
    const after = await fetch(cluster.url + TOKEN_PATH, { method: 'POST', headers: { Origin: cluster.url } });
    const afterBody = await after.json().catch(() => ({}));
    const tokens = await Promise.all(cluster.instances.map((i) => scrape(i.url, 'voice_agent_tokens_generated_total')));
    const hits = await Promise.all(cluster.instances.map((i) => scrape(i.url, 'voice_agent_rate_limit_hits_total')));
    const admitted = result['2xx'];
    const rl = {
      limit: n,
      instances: 3,
      connections: opts.rateLimitConnections,
      seconds: round(elapsed, 2),
      requests: result.requests.total,
      admitted,
      statuses,
      errors: result.errors + result.timeouts,
      errorCodes,
      nginxLog: nginxStatuses(cluster),
      admittedPerInstance: tokens.map(sum),
      rateLimitHitsPerInstance: hits.map(sum),
      nextRequest: { status: after.status, code: afterBody?.error?.code, retryAfter: after.headers.get('retry-after') },
    };
    console.log(
      `  rate limit N=${n}: ${rl.requests} requests in ${rl.seconds} s over ${rl.connections} connections → admitted ${admitted} ` +
        `(per instance ${rl.admittedPerInstance.join(' + ')}), statuses ${JSON.stringify(statuses)}, next request ${after.status} ${rl.nextRequest.code}`,
    );
    if (admitted > n) fail(`rate limit: ${admitted} admitted, more than the limit ${n}`);
    else if (admitted !== n) fail(`rate limit: ${admitted} admitted in one quiet window, expected exactly ${n}`);
    const others = Object.keys(statuses).filter((s) => s !== '200' && s !== '429');
    if (others.length) fail(`rate limit: statuses other than 200/429: ${JSON.stringify(statuses)}`);
    checkErrors('rate limit', { errors: result.errors, timeouts: result.timeouts, errorCodes, requests: rl.requests, connections: rl.connections }, rl.nginxLog);
    if ((rl.nginxLog['200'] ?? 0) > n) fail(`rate limit: nginx logged ${rl.nginxLog['200']} answers 200, more than ${n}`);
    if (after.status !== 429 || rl.nextRequest.code !== 'rate_limited') fail(`rate limit: the request after the burst got ${after.status} ${rl.nextRequest.code}`);
    return rl;
  });
}

async function main() {
  if (!existsSync(ENTRY)) throw new Error('dist/server/entry.mjs is missing: build the app first (`npx astro build`).');
  const missing = missingBinaries(['redis-server', 'nginx']);
  if (missing.length) throw new Error(missing.join('; '));
  const startedAt = new Date();
  console.log(
    `Cluster token benchmark${quick ? ' (--quick: smoke run, not for the docs)' : ''} — node ${process.version}, ` +
      `${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ${opts.connections} connections, ${opts.warmup} s warm-up + ${opts.duration} s per case`,
  );
  const runs = [];
  for (const mode of opts.modes) await throughputCases(mode, runs);
  const rateLimit = await rateLimitCase();

  const summary = summarise(runs, opts.modes);
  printSummary(summary, rateLimit, opts);
  mkdirSync(opts.out, { recursive: true });
  const file = `${opts.out}/cluster-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`;
  const json = {
    benchmark: 'cluster-token-endpoint',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: `node ${process.argv.slice(1).map((a) => a.replace(ROOT, '')).join(' ')}`,
    machine: { node: process.version, cores: availableParallelism(), cpuModel: cpus()[0]?.model, totalMemBytes: totalmem() },
    appBuild: { entry: 'dist/server/entry.mjs', mtime: statSync(ENTRY).mtime.toISOString() },
    options: { ...opts, out: undefined, appEnv: { ...BASE_ENV, ...LIMITS } },
    memoryBudgetMb: MEMORY_BUDGET_MB,
    summary,
    rateLimit,
    runs,
    failures,
  };
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\nResults: ${file.replace(ROOT, '')}`);
  if (failures.length) {
    console.error(`\n✖ FAILED (${failures.length}):\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    process.exitCode = 1;
  } else console.log('✔ zero 5xx (client and nginx log), no failed request, memory within budget, rate limit exact');
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  killAllSync(); // the emulator, on every exit path (the clusters stop their own parts)
}
