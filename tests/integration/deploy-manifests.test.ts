/**
 * The production Dockerfile, compose file and Kubernetes manifests (deploy/): multi-stage non-root image whose
 * runtime files alone serve the site, app × 3 at 512 MB with health checks on the real route, probes, limits and
 * settings that are a valid configuration. The checks against a running server and promtool are in
 * deploy-config.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../src/server/config';
import { ROOT, DEPLOY, HEALTH, METRICS_TOKEN, SESSION_SECRET, read, listFiles, dockerfile, compose, k8s, appContainer } from '../helpers/deploy-files';
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
