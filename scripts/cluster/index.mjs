/**
 * A real cluster on one machine, for `npm run cluster`, the cluster tests and the load benchmarks: a
 * Redis server, N instances of the built app sharing it (one SESSION_SECRET, TRUST_PROXY=1), nginx in
 * front of them (the production config, deploy/nginx/, on loopback) and a Prometheus scraping each
 * instance. Everything listens on 127.0.0.1 on free ports and lives in a fresh temp dir (configs, logs,
 * Prometheus data); `stop()` stops exactly the processes it started and removes that dir.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { localNginxConfig } from './nginx-config.mjs';
import { localPrometheusConfig } from './prometheus-config.mjs';
import { acceptsConnections, answers, findBinary, freePort, launch, missingBinaries, waitUntil } from './processes.mjs';

export { missingBinaries } from './processes.mjs';

export const ENTRY = fileURLToPath(new URL('../../dist/server/entry.mjs', import.meta.url));
export const HEALTH_PATH = '/api/voice-agent/health';

/**
 * @typedef {object} ClusterOptions
 * @property {number} [instances] how many app instances (default 3)
 * @property {Record<string, string | undefined>} [env] extra environment for every instance (OPENAI_API_KEY, limits…)
 * @property {{ nginx?: number, prometheus?: number, redis?: number, instances?: number[] }} [ports] fixed ports (default: free ones)
 * @property {boolean} [prometheus] start Prometheus (default true)
 * @property {string} [entry] the built server (default dist/server/entry.mjs)
 * @property {(name: string, code: number | null, signal: NodeJS.Signals | null, output: string) => void} [onUnexpectedExit]
 *   a part exited without stop() being asked (a crash, or a kill from outside)
 * @property {boolean} [keepDir] leave the temp dir (logs, configs) in place after stop()
 */

/**
 * @typedef {object} InstanceHandle
 * @property {string} name e.g. `app-1`
 * @property {string} url
 * @property {number} port
 * @property {number} pid the current process (changes after start())
 * @property {(signal?: NodeJS.Signals) => Promise<number | null>} stop sends `signal` (SIGTERM), resolves with the exit code
 * @property {() => Promise<void>} start starts it again on the same port and waits until it answers
 * @property {() => boolean} running
 * @property {() => string} output the tail of its log (JSON lines)
 */

/**
 * @typedef {object} Cluster
 * @property {string} url the site, through nginx
 * @property {string} dir the temp dir (configs, `logs/`)
 * @property {InstanceHandle[]} instances
 * @property {{ url: string, port: number, stop(): Promise<void>, start(): Promise<void> }} redis
 * @property {{ url: string } | undefined} prometheus
 * @property {{ url: string, port: number, pid: number, output(): string }} nginx
 * @property {() => Promise<void>} stop stops everything this cluster started (and nothing else)
 */

/**
 * @param {ClusterOptions} [options]
 * @returns {Promise<Cluster>}
 */
export async function startCluster({ instances = 3, env = {}, ports = {}, prometheus = true, entry = ENTRY, onUnexpectedExit, keepDir = false } = {}) {
  const missing = missingBinaries(prometheus ? ['redis-server', 'nginx', 'prometheus'] : ['redis-server', 'nginx']);
  if (missing.length) throw new Error(missing.join('; '));
  const dir = mkdtempSync(join(tmpdir(), 'voice-agent-cluster-'));
  // nginx's workers run as `nobody` when the master is root: they must reach their temp dirs.
  chmodSync(dir, 0o755);
  const logs = join(dir, 'logs');
  mkdirSync(logs);
  mkdirSync(join(dir, 'nginx-temp'));

  /** @type {import('./processes.mjs').Part[]} */
  const parts = [];
  /** @param {import('./processes.mjs').Part} part @param {number | null} code @param {NodeJS.Signals | null} signal */
  const onExit = (part, code, signal) => onUnexpectedExit?.(part.name, code, signal, part.output());
  /** @param {Parameters<typeof launch>[0]} spec */
  const start = (spec) => {
    const part = launch({ ...spec, onExit });
    parts.push(part);
    return part;
  };

  async function stopAll() {
    const running = () => parts.filter((p) => p.running());
    // The balancer first (fast shutdown: SIGQUIT would wait for open SSE streams), then the apps (they drain), then what they depend on.
    await Promise.all(running().filter((p) => p.name === 'nginx').map((p) => p.stop('SIGTERM', 5_000)));
    await Promise.all(running().filter((p) => p.name.startsWith('app-')).map((p) => p.stop('SIGTERM')));
    await Promise.all(running().map((p) => p.stop('SIGTERM', 5_000)));
    if (!keepDir) rmSync(dir, { recursive: true, force: true });
  }

  try {
    const redisPort = ports.redis ?? (await freePort());
    const redisArgs = ['--bind', '127.0.0.1', '--port', String(redisPort), '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--dir', dir];
    const redisBin = /** @type {string} */ (findBinary('redis-server'));
    let redisPart = await startRedis();
    async function startRedis() {
      const part = start({ name: 'redis', command: redisBin, args: redisArgs, logFile: join(logs, 'redis.log') });
      await waitUntil(() => acceptsConnections(redisPort), { what: `redis on port ${redisPort}`, part, timeoutMs: 10_000 });
      return part;
    }
    const redisUrl = `redis://127.0.0.1:${redisPort}`;

    const instancePorts = ports.instances ?? (await Promise.all(Array.from({ length: instances }, () => freePort())));
    const sessionSecret = randomBytes(32).toString('hex');
    const appHandles = instancePorts.map((port, i) => {
      const name = `app-${i + 1}`;
      const url = `http://127.0.0.1:${port}`;
      const appEnv = instanceEnv({ env, port, redisUrl, sessionSecret });
      let part = /** @type {import('./processes.mjs').Part | undefined} */ (undefined);
      /** @type {InstanceHandle} */
      const handle = {
        name,
        url,
        port,
        get pid() {
          return part?.pid ?? -1;
        },
        running: () => part?.running() ?? false,
        output: () => part?.output() ?? '',
        stop: async (signal = 'SIGTERM') => (part ? part.stop(signal) : null),
        async start() {
          if (part?.running()) await part.stop();
          const started = start({ name, command: process.execPath, args: [entry], env: appEnv, logFile: join(logs, `${name}.log`) });
          part = started;
          await waitUntil(() => answers(url + HEALTH_PATH), { what: `${name} at ${url}`, part: started });
        },
      };
      return handle;
    });
    await Promise.all(appHandles.map((h) => h.start()));

    const nginxPort = ports.nginx ?? (await freePort());
    const nginxConf = join(dir, 'nginx.conf');
    writeFileSync(nginxConf, localNginxConfig({ port: nginxPort, instancePorts, dir }));
    const nginx = start({
      name: 'nginx',
      command: /** @type {string} */ (findBinary('nginx')),
      args: ['-p', dir, '-c', nginxConf, '-e', join(logs, 'nginx-error.log'), '-g', 'daemon off;'],
      logFile: join(logs, 'nginx.log'),
    });
    const url = `http://127.0.0.1:${nginxPort}`;
    const nginxOutput = () => `${nginx.output()}\n(see ${join(logs, 'nginx-error.log')})`;
    await waitUntil(() => answers(url + HEALTH_PATH), { what: `nginx at ${url}`, part: nginx }).catch((error) => {
      throw new Error(`${error.message}\n${nginxOutput()}`);
    });

    /** @type {Cluster['prometheus']} */
    let prom;
    if (prometheus) {
      const promPort = ports.prometheus ?? (await freePort());
      let tokenFile;
      if (appHandles.length && env.METRICS_TOKEN) {
        tokenFile = join(dir, 'metrics-token');
        writeFileSync(tokenFile, env.METRICS_TOKEN, { mode: 0o600 });
      }
      writeFileSync(join(dir, 'prometheus.yml'), localPrometheusConfig({ instancePorts, tokenFile }));
      const promUrl = `http://127.0.0.1:${promPort}`;
      const part = start({
        name: 'prometheus',
        command: /** @type {string} */ (findBinary('prometheus')),
        args: [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'prom')}`,
          `--web.listen-address=127.0.0.1:${promPort}`,
          '--storage.tsdb.retention.time=1d',
        ],
        logFile: join(logs, 'prometheus.log'),
      });
      await waitUntil(() => answers(`${promUrl}/-/ready`, { okOnly: true }), { what: `prometheus at ${promUrl}`, part });
      prom = { url: promUrl };
    }

    return {
      url,
      dir,
      instances: appHandles,
      redis: {
        url: redisUrl,
        port: redisPort,
        async stop() {
          await redisPart.stop();
        },
        async start() {
          if (redisPart.running()) await redisPart.stop();
          redisPart = await startRedis();
        },
      },
      prometheus: prom,
      nginx: { url, port: nginxPort, pid: nginx.pid, output: nginxOutput },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * What every instance runs with: a clean environment (nothing inherited but PATH and HOME), the
 * caller's `env`, then what makes it a member of this cluster. TRUST_PROXY=1: nginx is the one hop.
 * @param {{ env: Record<string, string | undefined>, port: number, redisUrl: string, sessionSecret: string }} options
 */
function instanceEnv({ env, port, redisUrl, sessionSecret }) {
  /** @type {Record<string, string>} */
  const out = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', TRUST_PROXY: '1', SESSION_SECRET: sessionSecret };
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return { ...out, REDIS_URL: redisUrl, PORT: String(port), HOST: '127.0.0.1' };
}
