/**
 * The production deployment files in deploy/ are checked against the real thing: promtool validates the
 * Prometheus config and alert rules and runs their unit tests; every metric and label the alerts and the
 * Grafana dashboard use is in the built server's real /metrics; the Docker, compose and Kubernetes health
 * checks hit the real health route and are run against a built server; limits match the architecture.
 *
 * Without promtool the promtool checks skip with a visible reason, except under CI=true (then they throw),
 * as tests/helpers/redis-server.ts does for redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, spawn } from 'node:child_process';
import { accessSync, constants, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { basename, delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/server/config';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { REALTIME_KEY, startTestEmulator, type Emulator } from '../helpers/emulator';
import { freePort } from '../helpers/redis-server';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEPLOY = join(ROOT, 'deploy');
const HEALTH = '/api/voice-agent/health';
const METRICS_TOKEN = 'deploy-metrics-token-0123456789';
const SESSION_SECRET = 'deploy-test-session-secret-0123456789abcdef';
const read = (path: string) => readFileSync(join(DEPLOY, path), 'utf8');
const yamlDocs = (path: string) => parseAllDocuments(read(path)).map((d) => d.toJS());

function findPromtool(): string | undefined {
  const candidates = process.env.PROMTOOL_BIN
    ? [process.env.PROMTOOL_BIN]
    : ['/usr/bin/promtool', ...(process.env.PATH ?? '').split(delimiter).map((dir) => dir && join(dir, 'promtool'))];
  for (const candidate of candidates) {
    try {
      if (candidate) return accessSync(candidate, constants.X_OK), candidate;
    } catch {
      /* next */
    }
  }
  return undefined;
}
const PROMTOOL = findPromtool();
const promtoolSkip = 'promtool not found (apt-get install prometheus, or set PROMTOOL_BIN)';
if (!PROMTOOL) {
  if (process.env.CI === 'true') throw new Error(`CI=true and ${promtoolSkip}: deployment checks must not be skipped in CI`);
  console.warn(`[deploy tests] SKIPPED promtool checks: ${promtoolSkip}`);
}
const promtool = (...args: string[]) => {
  const r = spawnSync(PROMTOOL!, args, { encoding: 'utf8' });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
};

type Rule = { alert: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
const alertRules = (): Rule[] => parseYaml(read('prometheus/alerts.yml')).groups.flatMap((g: { rules: Rule[] }) => g.rules);
const dashboardExprs = (): string[] =>
  JSON.parse(read('grafana/dashboard.json')).panels.flatMap((p: { targets?: Array<{ expr: string }> }) => (p.targets ?? []).map((t) => t.expr));
/** Dashboard variables become a match-anything regex so the expression is plain PromQL. */
const plainPromql = (expr: string) => expr.replaceAll('$job', '.+');
const ALERTS = ['VoiceAgentHighErrorRate', 'VoiceAgentRateLimitStorm', 'VoiceAgentRedisDown', 'VoiceAgentInstanceDown', 'VoiceAgentSlowTokenGeneration'];

describe(PROMTOOL ? 'Prometheus config and alert rules (promtool)' : `Prometheus config and alert rules — SKIPPED: ${promtoolSkip}`, () => {
  it.skipIf(!PROMTOOL)('promtool check config passes, with the rule files and the metrics token file resolved', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-prom-'));
    try {
      const tokenFile = join(dir, 'metrics_token');
      writeFileSync(tokenFile, METRICS_TOKEN);
      const config = read('prometheus/prometheus.yml');
      expect(config).toContain('credentials_file: /run/secrets/metrics_token');
      writeFileSync(join(dir, 'prometheus.yml'), config.replace('/run/secrets/metrics_token', tokenFile));
      writeFileSync(join(dir, 'alerts.yml'), read('prometheus/alerts.yml'));
      const r = promtool('check', 'config', join(dir, 'prometheus.yml'));
      expect(r.out).toMatch(/SUCCESS: 5 rules found/);
      expect(r.code, r.out).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!PROMTOOL)('promtool check rules passes; every alert has for, severity, summary, description and a runbook', () => {
    const r = promtool('check', 'rules', join(DEPLOY, 'prometheus/alerts.yml'));
    expect(r.code, r.out).toBe(0);
    const rules = alertRules();
    expect(rules.map((rule) => rule.alert).sort()).toEqual([...ALERTS].sort());
    for (const rule of rules) {
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
      expect(rule.annotations?.runbook, rule.alert).toContain('deploy/README.md#runbooks');
    }
  });

  it.skipIf(!PROMTOOL)('promtool test rules: each alert fires on the series that should fire it and not on healthy ones', () => {
    const r = promtool('test', 'rules', join(DEPLOY, 'prometheus/alerts.test.yml'));
    expect(r.code, r.out).toBe(0);
    const cases = parseYaml(read('prometheus/alerts.test.yml')).tests.flatMap((t: { alert_rule_test: unknown[] }) => t.alert_rule_test);
    for (const alert of ALERTS) {
      const mine = cases.filter((c: { alertname: string }) => c.alertname === alert);
      expect(mine.some((c: { exp_alerts: unknown[] }) => c.exp_alerts.length > 0), `${alert} fires`).toBe(true);
      expect(mine.some((c: { exp_alerts: unknown[] }) => c.exp_alerts.length === 0), `${alert} stays quiet`).toBe(true);
    }
  });

  it.skipIf(!PROMTOOL)('every dashboard query is valid PromQL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-dash-'));
    try {
      const rules = dashboardExprs().map((expr, i) => ({ record: `dashboard:query_${i}`, expr: plainPromql(expr) }));
      writeFileSync(join(dir, 'dashboard-rules.yml'), JSON.stringify({ groups: [{ name: 'dashboard', rules }] }));
      const r = promtool('check', 'rules', join(dir, 'dashboard-rules.yml'));
      expect(r.code, r.out).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Metric families of a /metrics text: name → type, and the label names seen on its series. */
function families(text: string) {
  const types = new Map<string, string>();
  const labels = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const t = line.match(/^# TYPE (\S+) (\S+)/);
    if (t) types.set(t[1]!, t[2]!);
  }
  const familyOf = (series: string) =>
    types.has(series) ? series : [...types.keys()].find((f) => types.get(f) === 'histogram' && /^(_bucket|_sum|_count)$/.test(series.slice(f.length)) && series.startsWith(f));
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-zA-Z_:][\w:]*)\{([^}]*)\}/);
    const family = m && familyOf(m[1]!);
    if (!family) continue;
    const set = labels.get(family) ?? new Set<string>();
    for (const pair of m[2]!.matchAll(/(\w+)="/g)) set.add(pair[1]!);
    labels.set(family, set);
  }
  return { types, labels, familyOf };
}

/** Every path under dir (symlinks not followed), for "nothing was written" checks. */
function listFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}

/** Labels Prometheus or the histogram type adds: not the app's to export. */
const ADDED_LABELS = new Set(['job', 'instance', 'le']);

/** Runs a health-check command the way Docker/the kubelet would (`node` = this Node), against a port. */
function runCheck(command: string[], port: number): Promise<number | null> {
  const [bin, ...args] = command;
  const child = spawn(bin === 'node' ? process.execPath : bin!, args, { env: { PATH: process.env.PATH ?? '', PORT: String(port) }, stdio: 'ignore' });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function dockerfile() {
  const text = read('docker/Dockerfile');
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  return { text, lines };
}
const dockerHealthcheck = (): string[] => JSON.parse(dockerfile().lines.find((l) => l.startsWith('HEALTHCHECK'))!.replace(/^HEALTHCHECK .*?CMD\s+/, ''));
const compose = () => parseYaml(read('compose.yaml'));
const k8sDocs = () => ['deployment.yaml', 'service.yaml', 'configmap.yaml', 'redis.yaml', 'ingress.yaml', 'hpa.yaml', 'pdb.yaml', 'servicemonitor.yaml', 'namespace.yaml', 'secret.template.yaml'].flatMap((f) => yamlDocs(`k8s/${f}`));
const k8s = (kind: string, name?: string) => k8sDocs().find((d) => d.kind === kind && (!name || d.metadata.name === name));
const appContainer = () => k8s('Deployment', 'voice-agent').spec.template.spec.containers[0];

describe('the deployment against the built server', () => {
  let emu: Emulator;
  let healthy: AppServer;
  let metricsText = '';
  beforeAll(async () => {
    emu = await startTestEmulator();
    healthy = await startAppServer({
      OPENAI_API_KEY: REALTIME_KEY,
      OPENAI_BASE_URL: emu.baseUrl,
      METRICS_TOKEN,
      RATE_LIMIT_PER_IP_PER_MINUTE: '2',
      SEARCH_PROVIDER: 'knowledge',
    });
    // Labelled series appear only once something happened: a realtime token (upstream calls), a refused
    // token (rate limit), a search in the session, a health check.
    const token = await (await healthy.fetch('/api/voice-agent/token', { method: 'POST' })).json();
    expect(token.mode).toBe('realtime');
    await healthy.fetch('/api/voice-agent/token', { method: 'POST' });
    expect((await healthy.fetch('/api/voice-agent/token', { method: 'POST' })).status).toBe(429);
    const search = await healthy.fetch('/api/voice-agent/responses-search', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: 'EU AI Act high-risk systems', sessionId: token.sessionId }),
    });
    expect(search.status).toBe(200);
    expect((await healthy.fetch(HEALTH)).status).toBe(200);
    metricsText = await (await healthy.fetch('/metrics', { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  });
  afterAll(async () => {
    await healthy?.stop();
    await emu?.close();
  });

  it('every metric and label the alerts and the dashboard use is in the real /metrics', () => {
    const { types, labels, familyOf } = families(metricsText);
    const exprs = [...alertRules().map((r) => r.expr), ...dashboardExprs().map(plainPromql)];
    for (const expr of exprs) {
      const names = [...new Set(expr.match(/\bvoice_agent_\w+/g) ?? [])];
      for (const name of names) expect(familyOf(name), `${name} (in ${expr})`).toBeTruthy();
      const seen = new Set(names.flatMap((n) => [...(labels.get(familyOf(n)!) ?? [])]));
      const used = [
        ...[...expr.matchAll(/\bvoice_agent_\w+\{([^}]*)\}/g)].flatMap((m) => [...m[1]!.matchAll(/(\w+)\s*[=!]~?"/g)].map((l) => l[1]!)),
        ...[...expr.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((s) => s.trim())),
      ].filter((l) => !ADDED_LABELS.has(l));
      // Labels are checked where the families have series here (gradings, for one, need a graded session).
      if (seen.size > 0) for (const label of used) expect(seen, `label ${label} in ${expr}`).toContain(label);
    }
    // The families the alerts stand on really have series after ordinary traffic.
    for (const family of ['voice_agent_http_request_seconds', 'voice_agent_rate_limit_hits_total', 'voice_agent_token_generation_seconds', 'voice_agent_upstream_request_seconds', 'voice_agent_search_requests_total']) {
      expect(labels.get(family)?.size, family).toBeGreaterThan(0);
    }
    expect(types.get('voice_agent_redis_up')).toBe('gauge');
    expect(metricsText).toMatch(/^voice_agent_process_resident_memory_bytes \d+/m);
  });

  it('the Docker HEALTHCHECK works: healthy passes, an unhealthy (rejected key) or absent server fails', async () => {
    const command = dockerHealthcheck();
    expect(command.join(' ')).toContain(HEALTH);
    expect(await runCheck(command, healthy.port)).toBe(0);
    const unhealthy = await startAppServer({ OPENAI_API_KEY: 'sk-test-rejected-key', OPENAI_BASE_URL: emu.baseUrl });
    try {
      expect((await (await unhealthy.fetch(HEALTH)).json()).status).toBe('unhealthy');
      expect(await runCheck(command, unhealthy.port)).toBe(1);
      // Kubernetes liveness restarts only a server that does not answer: a rejected key is not fixed by a restart.
      const liveness = appContainer().livenessProbe.exec.command;
      expect(liveness.join(' ')).toContain(HEALTH);
      expect(await runCheck(liveness, unhealthy.port)).toBe(0);
      expect(await runCheck(liveness, healthy.port)).toBe(0);
      const nobody = await freePort();
      expect(await runCheck(liveness, nobody)).toBe(1);
      expect(await runCheck(command, nobody)).toBe(1);
    } finally {
      await unhealthy.stop();
    }
    // compose runs the very same check.
    expect(compose().services.app.healthcheck.test).toEqual(['CMD', ...command]);
  });

  it('probes and scrapes from a non-loopback address pass with the Kubernetes ConfigMap settings', async (ctx) => {
    const address = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (!address) return ctx.skip('no non-loopback IPv4 address on this machine');
    const { REDIS_URL: _shared, ...env } = k8s('ConfigMap', 'voice-agent-config').data as Record<string, string>;
    const base = { ...env, PORT: '0', SESSION_SECRET, METRICS_TOKEN };
    const server = await startAppServer(base);
    const strict = await startAppServer({ ...base, REQUIRE_HTTPS: undefined });
    try {
      const viaNetwork = (s: AppServer, path: string, init?: RequestInit) => fetch(`http://${address}:${s.port}${path}`, init);
      const probe = appContainer().readinessProbe.httpGet.path;
      expect(probe).toBe(HEALTH);
      expect((await viaNetwork(server, probe)).status).toBe(200);
      const scrape = await viaNetwork(server, '/metrics', { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(scrape.status).toBe(200);
      expect(await scrape.text()).toContain('voice_agent_active_connections');
      // Why the ConfigMap turns REQUIRE_HTTPS off (TLS ends at the Ingress): in production the default refuses both.
      expect((await viaNetwork(strict, probe)).status).toBe(403);
      expect((await viaNetwork(strict, '/metrics', { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(403);
    } finally {
      await server.stop();
      await strict.stop();
    }
  });
});

describe('Dockerfile', () => {
  it('is multi-stage on node:20-bookworm-slim, ships production deps, dist and the runtime content, and ends non-root', () => {
    const { lines } = dockerfile();
    const froms = lines.filter((l) => l.startsWith('FROM'));
    expect(froms.length).toBeGreaterThanOrEqual(3);
    expect(lines.find((l) => l.startsWith('ARG NODE_IMAGE'))).toBe('ARG NODE_IMAGE=node:20-bookworm-slim');
    expect(lines.some((l) => /RUN npm ci\b/.test(l) && !l.includes('--omit=dev'))).toBe(true);
    expect(lines).toContain('RUN npm run build');
    expect(lines.some((l) => /npm ci .*--omit=dev/.test(l))).toBe(true);
    const runtime = lines.slice(lines.lastIndexOf(froms.at(-1)!));
    expect(runtime.join('\n')).toMatch(/COPY --from=prod-deps .*\/app\/node_modules/);
    expect(runtime.join('\n')).toMatch(/COPY --from=build .*\/app\/dist/);
    // Read at startup relative to the working directory (SCENARIOS_DIR default, the knowledge library).
    expect(loadConfig({}).scenariosDir).toBe(join(process.cwd(), 'src/content/scenarios'));
    for (const dir of ['src/content/scenarios', 'src/content/knowledge']) expect(runtime.join('\n')).toContain(`./${dir}`);
    const user = runtime.filter((l) => l.startsWith('USER ')).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/USER (root|0)\b/);
    expect(runtime.join('\n')).toMatch(/ENV NODE_ENV=production\s+HOST=0\.0\.0\.0\s+PORT=4321/);
    expect(runtime).toContain('EXPOSE 4321');
    expect(runtime.at(-1)).toBe('CMD ["node", "dist/server/entry.mjs"]');
  });

  it("the runtime stage's files alone serve the site: scenarios and the library load, and nothing is written", async () => {
    // Lay out the runtime stage from its COPY lines: build outputs come from this checkout's build.
    const { lines } = dockerfile();
    const froms = lines.filter((l) => l.startsWith('FROM'));
    const copies = lines.slice(lines.lastIndexOf(froms.at(-1)!)).filter((l) => l.startsWith('COPY '));
    const layout = mkdtempSync(join(tmpdir(), 'deploy-runtime-'));
    try {
      for (const copy of copies) {
        const [source, target] = copy.split(/\s+/).filter((w) => !w.startsWith('--')).slice(1);
        const from = join(ROOT, source!.replace(/^\/app\//, ''));
        const to = join(layout, target!);
        mkdirSync(dirname(to.replace(/\/$/, '/x')), { recursive: true });
        if (source === '/app/node_modules') symlinkSync(from, to);
        else cpSync(from, target!.endsWith('/') ? join(to, basename(from)) : to, { recursive: true });
      }
      const before = listFiles(layout);
      const child = spawn(process.execPath, ['dist/server/entry.mjs'], { cwd: layout, env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      try {
        const port = await new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no listening line:\n${out}`)), 20_000);
          const poll = setInterval(() => {
            const m = out.match(/"event":"listening".*?"port":(\d+)/);
            if (m) resolve(Number(m[1])), clearInterval(poll), clearTimeout(timer);
          }, 20);
        });
        const scenarioFiles = readdirSync(join(ROOT, 'src/content/scenarios')).filter((n) => n.endsWith('.md')).length;
        expect(out).toContain(`"scenarios":${scenarioFiles}`);
        expect(out).not.toContain('configWarning","variable":"SCENARIOS_DIR');
        const url = `http://127.0.0.1:${port}`;
        expect((await fetch(`${url}/`)).status).toBe(200);
        const token = await (await fetch(`${url}/api/voice-agent/token`, { method: 'POST' })).json();
        expect(token.mode).toBe('demo');
        const search = await fetch(`${url}/api/voice-agent/responses-search`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ query: 'EU AI Act high-risk systems', sessionId: token.sessionId }),
        });
        expect(search.status).toBe(200);
        const found = await search.json();
        expect(found.provider).toBe('knowledge');
        expect(found.citations[0].url).toMatch(/^\/library\//);
      } finally {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      // The container runs with a read-only root filesystem.
      expect(listFiles(layout)).toEqual(before);
    } finally {
      rmSync(layout, { recursive: true, force: true });
    }
  });

  it('every package the built server imports survives `npm ci --omit=dev`', () => {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).packages as Record<string, { dev?: boolean; devOptional?: boolean }>;
    const imported = new Set<string>();
    for (const file of readdirSync(join(ROOT, 'dist/server'), { recursive: true }) as string[]) {
      if (!file.endsWith('.mjs')) continue;
      const code = readFileSync(join(ROOT, 'dist/server', file), 'utf8');
      for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)['"](@?[a-z0-9][\w.-]*(?:\/[\w.@-]+)*)['"]/g)) {
        if (!m[1]!.startsWith('node:')) imported.add(m[1]!.match(/^(@[^/]+\/[^/]+|[^/]+)/)![1]!);
      }
    }
    expect(imported.size).toBeGreaterThan(5);
    for (const name of imported) {
      expect(lock[`node_modules/${name}`], name).toBeDefined();
      const entry = lock[`node_modules/${name}`]!;
      expect(entry.dev || entry.devOptional, `${name} is a dev dependency`).toBeFalsy();
    }
  });

  it('.dockerignore keeps secrets, installed modules and build output out of the context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    for (const entry of ['.env', 'node_modules', 'dist', '.git']) expect(ignored).toContain(entry);
    expect(ignored).not.toContain('src');
  });
});

describe('compose.yaml', () => {
  it('runs app × 3 (512 MB each) + Redis + nginx + Prometheus, each health-checked, with the files it mounts', () => {
    const { services, secrets } = compose();
    expect(Object.keys(services).sort()).toEqual(['app', 'nginx', 'prometheus', 'redis']);
    expect(services.app.deploy.replicas).toBe(3);
    expect(services.app.deploy.resources.limits.memory).toBe('512M');
    for (const [name, service] of Object.entries<{ healthcheck?: { test: string[] } }>(services)) expect(service.healthcheck?.test, name).toBeDefined();
    expect(services.nginx.healthcheck.test.join(' ')).toContain(HEALTH);
    for (const volume of [...services.nginx.volumes, ...services.prometheus.volumes]) {
      const source = String(volume).split(':')[0]!;
      if (source.startsWith('./')) expect(existsSync(join(DEPLOY, source)), source).toBe(true);
    }
    // Prometheus finds the replicas by the app's service name and port, with the token compose mounts.
    const scrape = parseYaml(read('prometheus/prometheus.yml')).scrape_configs.find((j: { job_name: string }) => j.job_name === 'voice-agent');
    expect(scrape.dns_sd_configs[0].names).toEqual(['app']);
    expect(String(scrape.dns_sd_configs[0].port)).toBe(services.app.environment.PORT);
    expect(scrape.authorization.credentials_file).toBe(`/run/secrets/${services.prometheus.secrets[0]}`);
    expect(secrets[services.prometheus.secrets[0]].environment).toBe('METRICS_TOKEN');
  });

  it('requires SESSION_SECRET and METRICS_TOKEN from the environment, and its app settings are a valid configuration', () => {
    const env = compose().services.app.environment as Record<string, string>;
    expect(env.SESSION_SECRET).toMatch(/^\$\{SESSION_SECRET:\?.+\}$/);
    expect(env.METRICS_TOKEN).toMatch(/^\$\{METRICS_TOKEN:\?.+\}$/);
    const resolved = Object.fromEntries(
      Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{(\w+)(?::[?-]([^}]*))?\}/, (_, name) => ({ SESSION_SECRET, METRICS_TOKEN })[name as 'SESSION_SECRET'] ?? (name === 'DEMO_MODE' ? 'auto' : name === 'LOG_LEVEL' ? 'info' : ''))]),
    );
    const config = loadConfig(resolved);
    expect(config.trustProxy).toBe(1);
    expect(config.redisUrl).toBe('redis://redis:6379');
  });
});

describe('Kubernetes manifests', () => {
  it('Deployment: 3 replicas, 512Mi limit, probes on the health route, non-root read-only, grace covering the drain', () => {
    const deployment = k8s('Deployment', 'voice-agent');
    const pod = deployment.spec.template.spec;
    const app = appContainer();
    expect(deployment.spec.replicas).toBe(3);
    expect(app.resources.limits.memory).toBe('512Mi');
    expect(app.readinessProbe.httpGet.path).toBe(HEALTH);
    expect(app.ports.map((p: { name: string }) => p.name)).toContain(app.readinessProbe.httpGet.port);
    expect(app.livenessProbe.exec.command.join(' ')).toContain(HEALTH);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(app.securityContext.readOnlyRootFilesystem).toBe(true);
    // preStop sleep + the app's 10 s drain must fit in the grace period.
    const preStop = Number(app.lifecycle.preStop.exec.command[1]);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(preStop + 10);
    expect(deployment.spec.template.metadata.annotations['prometheus.io/path']).toBe('/metrics');
  });

  it('Service, Ingress, HPA, PDB and ServiceMonitor point at the Deployment; kustomize applies all but the templates', () => {
    const podLabels = k8s('Deployment', 'voice-agent').spec.template.metadata.labels;
    const service = k8s('Service', 'voice-agent');
    expect(service.spec.selector).toEqual(podLabels);
    expect(service.spec.ports[0].targetPort).toBe('http');
    const ingress = k8s('Ingress', 'voice-agent');
    expect(ingress.spec.rules[0].http.paths[0].backend.service.name).toBe('voice-agent');
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
    expect(Number(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(120);
    const hpa = k8s('HorizontalPodAutoscaler', 'voice-agent');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'voice-agent' });
    expect(hpa.spec.minReplicas).toBe(3);
    expect(k8s('PodDisruptionBudget', 'voice-agent').spec.selector.matchLabels).toEqual(podLabels);
    expect(k8s('ServiceMonitor', 'voice-agent').spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
    const kustomization = parseYaml(read('k8s/kustomization.yaml'));
    for (const file of kustomization.resources) expect(existsSync(join(DEPLOY, 'k8s', file)), file).toBe(true);
    expect(kustomization.resources).not.toContain('secret.template.yaml');
    expect(k8s('Deployment', 'voice-agent-redis')).toBeDefined();
  });

  it('ConfigMap and Secret template name only real variables, and the ConfigMap is a valid configuration', () => {
    const known = new Set([...readFileSync(join(ROOT, '.env.example'), 'utf8').matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]!));
    known.add('NODE_ENV').add('NODE_OPTIONS');
    const data = k8s('ConfigMap', 'voice-agent-config').data as Record<string, string>;
    const secret = k8s('Secret', 'voice-agent-secrets').stringData as Record<string, string>;
    for (const key of [...Object.keys(data), ...Object.keys(secret)]) expect(known, key).toContain(key);
    for (const value of Object.values(secret)) expect(value).toMatch(/^<.+>$/);
    const config = loadConfig({ ...data, SESSION_SECRET, METRICS_TOKEN });
    expect(config.requireHttps).toBe(false);
    expect(config.redisUrl).toBe('redis://voice-agent-redis:6379');
  });
});
