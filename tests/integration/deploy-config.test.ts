/**
 * The production deployment files in deploy/ checked against the real thing: promtool validates the
 * Prometheus config and alert rules and runs their unit tests; every metric and label the alerts and the
 * Grafana dashboard use is in the built server's real /metrics; the Docker and Kubernetes health checks are
 * run against a built server. The Dockerfile, compose and Kubernetes manifests themselves:
 * deploy-manifests.test.ts.
 *
 * Without promtool the promtool checks skip with a visible reason, except under CI=true (then they throw),
 * as tests/helpers/redis-server.ts does for redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { REALTIME_KEY, startTestEmulator, type Emulator } from '../helpers/emulator';
import { freePort } from '../helpers/redis-server';
import { DEPLOY, HEALTH, METRICS_TOKEN, SESSION_SECRET, read, dockerHealthcheck, compose, k8s, appContainer } from '../helpers/deploy-files';


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


/** Labels Prometheus or the histogram type adds: not the app's to export. */
const ADDED_LABELS = new Set(['job', 'instance', 'le']);

/** Runs a health-check command the way Docker/the kubelet would (`node` = this Node), against a port. */
function runCheck(command: string[], port: number): Promise<number | null> {
  const [bin, ...args] = command;
  const child = spawn(bin === 'node' ? process.execPath : bin!, args, { env: { PATH: process.env.PATH ?? '', PORT: String(port) }, stdio: 'ignore' });
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}


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
