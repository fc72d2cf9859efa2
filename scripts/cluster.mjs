#!/usr/bin/env node
/**
 * `npm run cluster [-- --instances N]`: the production topology on this machine (scripts/cluster/):
 * Redis, N app instances from the build, nginx in front, Prometheus scraping each instance. Builds
 * first when needed, reads `.env` like `npm start` (demo mode unless OPENAI_API_KEY is set), prints
 * every URL, reports a part that dies, and on Ctrl-C stops what it started and nothing else.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, ensureBuild, ensureDependencies } from './ensure.mjs';
import { missingBinaries, startCluster } from './cluster/index.mjs';

const USAGE = 'usage: npm run cluster [-- --instances N]   (N from 1 to 16, default 3)';

/** @returns {number} */
function instancesArg() {
  try {
    const { values } = parseArgs({ options: { instances: { type: 'string', short: 'n' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    const n = values.instances === undefined ? 3 : Number(values.instances);
    if (!Number.isInteger(n) || n < 1 || n > 16) throw new Error(`--instances must be a whole number from 1 to 16, got "${values.instances}"`);
    return n;
  } catch (error) {
    console.error(`✖ ${error instanceof Error ? error.message : error}\n${USAGE}`);
    process.exit(2);
  }
}

const instances = instancesArg();
const missing = missingBinaries();
if (missing.length) {
  console.error(`✖ The local cluster needs Debian's packages:\n${missing.map((m) => `  - ${m}`).join('\n')}`);
  process.exit(1);
}
ensureDependencies();
ensureBuild();
const envFile = join(ROOT, '.env');
if (existsSync(envFile)) process.loadEnvFile(envFile); // existing variables win

// The app's settings (.env, the shell) pass through, like `npm start`; what makes an instance a member of
// this cluster is the cluster's: its Redis, its port, loopback, and one trusted proxy hop (nginx).
const OWN = new Set(['REDIS_URL', 'PORT', 'HOST', 'TRUST_PROXY']);
/** @type {Record<string, string | undefined>} */
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !OWN.has(key)));

let stopping = false;
console.log(`› starting a cluster of ${instances} instance${instances === 1 ? '' : 's'} (redis-server, nginx, prometheus)…`);
const cluster = await startCluster({
  instances,
  env,
  onUnexpectedExit(name, code, signal, output) {
    if (stopping) return;
    const lastLines = output.trim().split('\n').slice(-10).join('\n');
    console.error(`\n✖ ${name} exited unexpectedly (${signal ?? `code ${code}`}); its last output:\n${lastLines}`);
    if (name === 'nginx' || name === 'redis') console.error(`  The cluster cannot work without ${name}: press Ctrl-C to stop the rest.`);
  },
}).catch((error) => {
  console.error(`✖ the cluster did not start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});

const mode = env.OPENAI_API_KEY ? 'with OPENAI_API_KEY (realtime or fallback, per the key)' : 'in demo mode (no OPENAI_API_KEY)';
console.log(`
  Site (through nginx)  ${cluster.url}   ${mode}
${cluster.instances.map((i) => `  ${i.name.padEnd(20)}  ${i.url}   pid ${i.pid}`).join('\n')}
  Prometheus            ${cluster.prometheus?.url}   (targets: ${cluster.prometheus?.url}/targets)
  Redis                 ${cluster.redis.url}
  Logs and configs      ${cluster.dir}   (removed on exit)

  Ctrl-C stops everything above.`);

for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log(`\n› stopping the cluster (${signal})…`);
    await cluster.stop();
    console.log('› stopped.');
    process.exit(0);
  });
}
