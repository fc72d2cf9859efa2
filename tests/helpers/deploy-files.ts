/**
 * The production deployment files (deploy/) as the deploy tests read them: the Dockerfile's instructions, the
 * compose file, the Kubernetes manifests, and the constants both deploy test files share.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEPLOY = join(ROOT, 'deploy');
export const HEALTH = '/api/voice-agent/health';
export const METRICS_TOKEN = 'deploy-metrics-token-0123456789';
export const SESSION_SECRET = 'deploy-test-session-secret-0123456789abcdef';
export const read = (path: string) => readFileSync(join(DEPLOY, path), 'utf8');
export const yamlDocs = (path: string) => parseAllDocuments(read(path)).map((d) => d.toJS());
/** Every path under dir (symlinks not followed), for "nothing was written" checks. */
export function listFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}
export function dockerfile() {
  const text = read('docker/Dockerfile');
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  return { text, lines };
}
export const dockerHealthcheck = (): string[] => JSON.parse(dockerfile().lines.find((l) => l.startsWith('HEALTHCHECK'))!.replace(/^HEALTHCHECK .*?CMD\s+/, ''));
export const compose = () => parseYaml(read('compose.yaml'));
export const k8sDocs = () => ['deployment.yaml', 'service.yaml', 'configmap.yaml', 'redis.yaml', 'ingress.yaml', 'hpa.yaml', 'pdb.yaml', 'servicemonitor.yaml', 'namespace.yaml', 'secret.template.yaml'].flatMap((f) => yamlDocs(`k8s/${f}`));
export const k8s = (kind: string, name?: string) => k8sDocs().find((d) => d.kind === kind && (!name || d.metadata.name === name));
export const appContainer = () => k8s('Deployment', 'voice-agent').spec.template.spec.containers[0];
