#!/usr/bin/env node
/**
 * `npm test`: the whole suite (unit, emulator fidelity, integration against the built server with a
 * real Redis, browser tests in Chromium). Builds first so integration tests exercise current code.
 * In CI (CI=true) a missing redis-server or Chromium is a failure, never a skip.
 * Extra arguments go to vitest (e.g. `npm test -- tests/unit`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, ensureBuild, ensureDependencies } from './ensure.mjs';

const ci = process.env.CI === 'true';
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const missing = [];
if (!has('redis-server')) missing.push('redis-server (apt-get install redis-server)');
if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) missing.push('chromium (apt-get install chromium)');
if (!existsSync('/usr/bin/espeak-ng')) missing.push('espeak-ng (apt-get install espeak-ng)');
if (!has('nginx') && !existsSync('/usr/sbin/nginx')) missing.push('nginx (apt-get install nginx)');
if (!has('prometheus')) missing.push('prometheus (apt-get install prometheus)');
if (missing.length) {
  const msg = `missing system packages: ${missing.join(', ')}`;
  if (ci) {
    console.error(`✖ ${msg}. CI runs every test; install them (.ci/run does).`);
    process.exit(1);
  }
  console.warn(`⚠ ${msg}: the tests that need them will be SKIPPED on this machine.`);
}

ensureDependencies();
ensureBuild({ force: ci });

const results = join(ROOT, '.vitest-results.json');
rmSync(results, { force: true });
const run = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...process.argv.slice(2)],
  { cwd: ROOT, stdio: 'inherit', env: process.env },
);

// One plain closing line CI can read, whatever vitest printed above it.
if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
  if (ci && skipped > 0) {
    console.error('✖ tests were skipped in CI; every test must run here.');
    process.exit(1);
  }
}
process.exit(run.status ?? 1);
