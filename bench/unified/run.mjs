/**
 * Metered voice (issue 8): how much the unified interface adds to setting up a WebRTC call, against the
 * direct ephemeral-key path, in the same run. Two built apps (dist/server/entry.mjs) — one with
 * METERED_SESSIONS=on, one without — against the OpenAI emulator (in-process), and a werift peer in this
 * process standing in for the browser (see setup-once.mjs):
 *
 *   setup = token request → `oai-events` open and `session.created` received
 *   sdp   = offer POST → SDP answer (direct: to OpenAI; unified: to the app, which forwards it)
 *
 * The two paths alternate (direct, unified, unified, direct, …) after discarded warm-up runs, once per
 * scenario: loopback, then modelled round trips on each hop (topology.mjs explains the mapping).
 * Sequential by design: 2 cores, and this process hosts both peers of every call.
 *
 *   npm run bench:unified -- [--runs 30] [--warmup 3] [--latency 100] [--near 20] [--gap 250]
 *   (node --import tsx bench/unified/run.mjs)
 *
 * Prints a report and writes bench/results/unified-<timestamp>.json. A report, not a gate.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator } from '../../emulator/server.mjs';
import { startApp } from '../shared/start-app.mjs';
import { printReport, scenarioReport } from './report.mjs';
import { setupOnce } from './setup-once.mjs';
import { faultsFor, scenarios } from './topology.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '3' },
    latency: { type: 'string', default: '100' },
    near: { type: 'string', default: '20' },
    gap: { type: 'string', default: '250' },
  },
});
const RUNS = Number(values.runs);
const WARMUP = Number(values.warmup);
const GAP_MS = Number(values.gap); // lets the previous call's teardown (peer close, sideband, hang-up) finish

const KEY = 'sk-test-realtime'; // tests/helpers/emulator.ts REALTIME_KEY
const emu = await startEmulator({ port: 0, log: false });
const common = {
  OPENAI_API_KEY: KEY,
  OPENAI_BASE_URL: `${emu.url}/v1`,
  RATE_LIMIT_PER_IP_PER_MINUTE: '100000',
  MAX_SESSIONS_PER_IP: '100000',
  CALLS_RATE_LIMIT_PER_SESSION_PER_MINUTE: '1000',
  LOG_LEVEL: 'info',
};
const apps = {};

/** One path once under a scenario's faults; checks the emulator saw the calls the path should make. */
async function measure(path, scenario) {
  emu.setFaults(faultsFor(scenario, path));
  const before = { ...emu.stats().counts };
  const result = await setupOnce(path, { appUrl: apps[path].url, browserAppMs: scenario.browserApp });
  const counts = emu.stats().counts;
  const delta = (route) => (counts[route] ?? 0) - (before[route] ?? 0);
  const minted = delta('client_secrets');
  if (delta('realtime.calls') < 1 || minted !== (path === 'direct' ? 1 : 0)) {
    throw new Error(`${path}: the emulator saw ${delta('realtime.calls')} calls and ${minted} mints`);
  }
  await sleep(GAP_MS);
  return result;
}

try {
  apps.direct = await startApp(common);
  apps.unified = await startApp({ ...common, METERED_SESSIONS: 'on' });
  const reports = [];
  for (const scenario of scenarios({ latency: Number(values.latency), near: Number(values.near) })) {
    for (let i = 0; i < WARMUP; i++) {
      await measure('direct', scenario);
      await measure('unified', scenario);
    }
    const runs = { direct: [], unified: [] };
    for (let i = 0; i < RUNS; i++) {
      // ABBA order: neither path always follows the other.
      const order = i % 2 === 0 ? ['direct', 'unified'] : ['unified', 'direct'];
      for (const path of order) runs[path].push(await measure(path, scenario));
    }
    reports.push(scenarioReport(scenario, runs));
    process.stdout.write(`  ${scenario.name}: done\n`);
  }
  emu.resetFaults();
  printReport(reports, RUNS);
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: availableParallelism(), model: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    runs: RUNS,
    warmup: WARMUP,
    gapMs: GAP_MS,
    reports,
  };
  mkdirSync(`${ROOT}bench/results`, { recursive: true });
  const file = `${ROOT}bench/results/unified-${Date.now()}.json`;
  writeFileSync(file, JSON.stringify(result, null, 2));
  console.log(`\nwrote ${file}`);
} finally {
  await Promise.all(Object.values(apps).map((a) => a.stop()));
  await emu.close();
}
