/**
 * The local cluster (scripts/cluster/: Redis, N built instances, nginx, Prometheus) for integration
 * tests, plus requests sent from a chosen loopback source address (127.0.0.N): nginx then sees a
 * different client for each, which is how one machine stands in for many users behind the balancer.
 *
 * Where nginx, prometheus or redis-server is missing, cluster suites skip with a visible reason, except
 * under CI=true, where a skipped suite would hide a gap: importing this module then throws.
 */
import http from 'node:http';
import { missingBinaries, startCluster, type Cluster, type ClusterOptions } from '../../scripts/cluster/index.mjs';
import { assertBuilt } from './app-server';

export type { Cluster } from '../../scripts/cluster/index.mjs';

const missing = missingBinaries();
export const haveCluster = missing.length === 0;
export const clusterSkipReason = missing.join('; ');

if (!haveCluster) {
  if (process.env.CI === 'true') throw new Error(`CI=true and ${clusterSkipReason}: cluster tests must not be skipped in CI`);
  console.warn(`[cluster tests] SKIPPED: ${clusterSkipReason}`);
}

/** Suite title that says why it was skipped, so the reason shows in the test report. */
export function clusterSuiteTitle(title: string): string {
  return haveCluster ? title : `${title} — SKIPPED: ${clusterSkipReason}`;
}

export async function startTestCluster(options: ClusterOptions = {}): Promise<Cluster> {
  assertBuilt();
  const cluster = await startCluster({
    ...options,
    env: { LOG_LEVEL: 'info', NODE_ENV: 'test', ...options.env },
    onUnexpectedExit: (name, code, signal, output) => console.error(`[cluster] ${name} exited unexpectedly (${signal ?? code}):\n${output.slice(-2000)}`),
  });
  return cluster;
}

export interface ClientResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  json(): any;
}

export interface ClientRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Source address on loopback (default 127.0.0.1): another "client" for nginx. */
  from?: string;
}

/** One HTTP request on a fresh connection from `from`, body read whole. Network errors reject. */
export function request(url: string, { method = 'GET', headers = {}, body, from = '127.0.0.1' }: ClientRequest = {}): Promise<ClientResponse> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        localAddress: from,
        agent: false,
        headers: { ...(payload !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: () => JSON.parse(text) });
        });
      },
    );
    req.setTimeout(20_000, () => req.destroy(new Error(`no answer from ${url} in 20 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** POST a JSON body (or nothing) from a loopback source address. */
export function post(url: string, body?: unknown, options: Omit<ClientRequest, 'method' | 'body'> = {}) {
  return request(url, { ...options, method: 'POST', body });
}

export async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await Promise.resolve(check()).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
