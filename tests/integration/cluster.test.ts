/**
 * The production topology on one machine (scripts/cluster/): nginx in front of three built instances
 * sharing one Redis, Prometheus scraping them. Everything goes through nginx as a browser's requests
 * would, from distinct loopback addresses standing in for distinct users, except where the test is
 * about one instance (a session crossing instances, a shutdown). Processes are real and are killed for
 * real: SIGKILL, SIGTERM, Redis stopped and restarted on its port.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_KEY, startTestEmulator, type Emulator } from '../helpers/emulator';
import { clusterSuiteTitle, haveCluster, post, request, startTestCluster, waitFor, type Cluster } from '../helpers/cluster';

const TOKEN = '/api/voice-agent/token';
const REFRESH = '/api/voice-agent/refresh-token';
const END = '/api/voice-agent/end-session';
const HEALTH = '/api/voice-agent/health';

/** The instance ports nginx's access log says served requests from `client` (log_format `upstream`). */
function upstreamsServing(cluster: Cluster, client: string): Set<string> {
  const log = readFileSync(join(cluster.dir, 'logs', 'nginx-access.log'), 'utf8');
  const ports = new Set<string>();
  for (const line of log.split('\n')) {
    if (!line.startsWith(`${client} `)) continue;
    for (const m of line.matchAll(/127\.0\.0\.1:(\d+)/g)) ports.add(m[1]!);
  }
  return ports;
}
const instancePorts = (cluster: Cluster) => new Set(cluster.instances.map((i) => String(i.port)));
/** nginx writes the log line just after the response: give it a moment. */
async function expectServedByAll(cluster: Cluster, ...clients: string[]) {
  const count = () => clients.map((c) => [...upstreamsServing(cluster, c)]).flat();
  await waitFor(() => new Set(count()).size === cluster.instances.length, 2_000, `requests from ${clients} logged on every instance`).catch(() => {});
  expect(new Set(count())).toEqual(instancePorts(cluster));
}
const codes = (responses: Array<{ status: number; body: string }>) =>
  responses.map((r) => (r.status === 200 ? 200 : `${r.status} ${JSON.parse(r.body).error?.code}`));

describe.skipIf(!haveCluster)(clusterSuiteTitle('cluster: global limits through nginx'), () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startTestCluster({
      prometheus: false,
      env: { RATE_LIMIT_PER_IP_PER_MINUTE: '5', MAX_SESSIONS_PER_IP: '3', TOTAL_ACTIVE_CONNECTIONS: '4' },
    });
  });
  afterAll(() => cluster?.stop());

  it('a per-IP limit of 5 lets exactly 5 requests through across 3 instances, and sessions per IP hold at 3', async () => {
    const burst = await Promise.all(Array.from({ length: 12 }, () => post(cluster.url + TOKEN, undefined, { from: '127.0.0.2' })));
    const outcome = codes(burst);
    // 5 pass the rate limit (exactly, though they landed on three instances): 3 get sessions, 2 meet the session cap.
    expect(outcome.filter((c) => c === '429 rate_limited')).toHaveLength(7);
    expect(outcome.filter((c) => c === 200)).toHaveLength(3);
    expect(outcome.filter((c) => c === '429 session_limit_reached')).toHaveLength(2);
    await expectServedByAll(cluster, '127.0.0.2');

    // The instances see the client nginx saw: another address has its own budget, and a forged
    // X-Forwarded-For does not buy a new one (nginx appends the real address, the app takes the last).
    const forged = await post(cluster.url + TOKEN, undefined, { from: '127.0.0.2', headers: { 'X-Forwarded-For': '198.51.100.7' } });
    expect(codes([forged])).toEqual(['429 rate_limited']);
    const other = await post(cluster.url + TOKEN, undefined, { from: '127.0.0.3' });
    expect(other.status).toBe(200);

    for (const r of [...burst.filter((r) => r.status === 200), other]) {
      expect((await post(cluster.url + END, { sessionId: r.json().sessionId })).status).toBe(200);
    }
  });

  it('TOTAL_ACTIVE_CONNECTIONS holds across instances; the app’s JSON 503 reaches the client and no instance leaves the rotation', async () => {
    const admitted = [];
    for (let n = 10; n < 14; n++) {
      const r = await post(cluster.url + TOKEN, undefined, { from: `127.0.0.${n}` });
      expect(r.status).toBe(200);
      admitted.push(r.json().sessionId as string);
    }
    // Four sessions, on three instances: the fifth, from yet another client, on any instance, is refused.
    for (let n = 20; n < 23; n++) {
      const refused = await post(cluster.url + TOKEN, undefined, { from: `127.0.0.${n}` });
      expect(codes([refused])).toEqual(['503 service_at_capacity']);
      expect(refused.headers['content-type']).toMatch(/application\/json/);
    }
    await expectServedByAll(cluster, '127.0.0.20', '127.0.0.21', '127.0.0.22');
    // Ending one frees a place cluster-wide; every instance is still in rotation.
    expect((await post(cluster.url + END, { sessionId: admitted.pop() })).status).toBe(200);
    expect((await post(cluster.url + TOKEN, undefined, { from: '127.0.0.30' })).status).toBe(200);
    const health = await Promise.all(Array.from({ length: 6 }, () => request(cluster.url + HEALTH, { from: '127.0.0.31' })));
    expect(health.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    await expectServedByAll(cluster, '127.0.0.31');
  });
});

describe.skipIf(!haveCluster)(clusterSuiteTitle('cluster: the app’s own 503 is an answer, not an instance failure'), () => {
  let cluster: Cluster;
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
    cluster = await startTestCluster({ instances: 2, prometheus: false, env: { OPENAI_API_KEY: 'sk-test-this-key-is-rejected', OPENAI_BASE_URL: emu.baseUrl } });
  });
  afterAll(async () => {
    await cluster?.stop();
    await emu?.close();
  });

  it('a rejected OpenAI key makes health 503 on every instance; nginx passes it on and keeps serving the pages', async () => {
    // Were nginx to retry GETs on http_503 (and count them against max_fails=2), these would eject both instances.
    for (let i = 0; i < 6; i++) {
      const health = await request(cluster.url + HEALTH, { from: '127.0.0.50' });
      expect(health.status).toBe(503);
      expect(health.json().status).toBe('unhealthy');
    }
    const pages = await Promise.all(Array.from({ length: 4 }, () => request(cluster.url + '/', { from: '127.0.0.51' })));
    expect(pages.map((p) => p.status)).toEqual([200, 200, 200, 200]);
    expect(pages[0]!.body).toContain('<html');
    await expectServedByAll(cluster, '127.0.0.51');
  });
});

describe.skipIf(!haveCluster)(clusterSuiteTitle('cluster: sessions, failures and monitoring'), () => {
  let cluster: Cluster;
  let emu: Emulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
    cluster = await startTestCluster({
      env: { OPENAI_API_KEY: REALTIME_KEY, OPENAI_BASE_URL: emu.baseUrl, RATE_LIMIT_PER_IP_PER_MINUTE: '1000', MAX_SESSIONS_PER_IP: '1000' },
    });
  });
  afterAll(async () => {
    await cluster?.stop();
    await emu?.close();
  });

  const mint = async (base: string) => {
    // Through nginx as the site's own page calls it: same-origin only if nginx passes the Host with its port.
    const r = await post(base + TOKEN, undefined, base === cluster.url ? { headers: { Origin: cluster.url } } : {});
    expect(r.status).toBe(200);
    return r.json() as { sessionId: string; token: string; mode: string };
  };

  it('a session minted on one instance is refreshed and ended on another, directly and through nginx', async () => {
    const [a, b, c] = cluster.instances as [Cluster['instances'][number], Cluster['instances'][number], Cluster['instances'][number]];
    const session = await mint(a.url);
    expect(session.mode).toBe('realtime');
    const refreshed = await post(b.url + REFRESH, { sessionId: session.sessionId });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json().sessionId).toBe(session.sessionId);
    expect((await post(c.url + END, { sessionId: session.sessionId })).status).toBe(200);
    expect((await post(a.url + REFRESH, { sessionId: session.sessionId })).status).toBe(404);

    // Through nginx (same-origin, as the site's own page calls it): round robin spreads one session's calls.
    const viaNginx = await mint(cluster.url);
    for (let i = 0; i < 3; i++) {
      const r = await post(cluster.url + REFRESH, { sessionId: viaNginx.sessionId }, { from: '127.0.0.40', headers: { Origin: cluster.url } });
      expect(r.status).toBe(200);
    }
    await expectServedByAll(cluster, '127.0.0.40');
    expect((await post(cluster.url + END, { sessionId: viaNginx.sessionId })).status).toBe(200);
    for (const i of cluster.instances) expect((await post(i.url + REFRESH, { sessionId: viaNginx.sessionId })).status).toBe(404);
  });

  // proxy_buffering off in proxy.conf, and the app's own `X-Accel-Buffering: no`: either keeps the stream live.
  it('streams the fallback chat through nginx event by event', async () => {
    emu.setFallbackConfig({ chatChunkMs: 60 });
    const { token } = await fallbackSession(cluster.url);
    const started = Date.now();
    const res = await fetch(cluster.url + '/api/voice-agent/chat', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'How do I open the AI discussion with my board?' }] }),
    });
    expect(res.status).toBe(200);
    const { firstDeltaAt, text } = await readStream(res);
    const total = Date.now() - started;
    expect(text).toContain('event: done');
    expect(total).toBeGreaterThan(1_000); // the emulator paces the reply word by word…
    expect(firstDeltaAt - started).toBeLessThan(total - 700); // …and the first words arrived long before the end
    emu.setFallbackConfig(null);
  });

  it('Prometheus scrapes every instance: all targets up, voice_agent_* series from each', async () => {
    const prom = cluster.prometheus!.url;
    const ports = [...instancePorts(cluster)].sort();
    await waitFor(async () => {
      const targets = (await (await fetch(`${prom}/api/v1/targets`)).json()).data.activeTargets as Array<{ health: string; labels: { instance: string } }>;
      const up = targets.filter((t) => t.health === 'up').map((t) => t.labels.instance.split(':')[1]);
      return targets.length === 3 && JSON.stringify(up.sort()) === JSON.stringify(ports);
    }, 25_000, 'three targets up');
    await waitFor(async () => {
      const q = await (await fetch(`${prom}/api/v1/query?query=${encodeURIComponent('voice_agent_redis_up{job="voice-agent"}')}`)).json();
      const series = q.data.result as Array<{ metric: { instance: string }; value: [number, string] }>;
      return JSON.stringify(series.map((s) => s.metric.instance.split(':')[1]).sort()) === JSON.stringify(ports) && series.every((s) => s.value[1] === '1');
    }, 15_000, 'voice_agent_redis_up from each instance');
    await waitFor(async () => {
      const q = await (await fetch(`${prom}/api/v1/query?query=${encodeURIComponent('sum(voice_agent_tokens_generated_total)')}`)).json();
      return Number(q.data.result[0]?.value[1] ?? 0) >= 2; // the sessions the tests above minted
    }, 15_000, 'tokens counted');
    // It evaluates the production alert rules, and none fires on this healthy cluster.
    const groups = (await (await fetch(`${prom}/api/v1/rules?type=alert`)).json()).data.groups as Array<{ rules: Array<{ name: string; state: string }> }>;
    const rules = groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.name).sort()).toEqual([
      'VoiceAgentHighErrorRate',
      'VoiceAgentInstanceDown',
      'VoiceAgentRateLimitStorm',
      'VoiceAgentRedisDown',
      'VoiceAgentSlowTokenGeneration',
    ]);
    expect(rules.filter((r) => r.state === 'firing').map((r) => r.name)).toEqual([]);
  });

  it('SIGTERM: the instance stops accepting, finishes the in-flight stream, exits 0; nginx keeps serving', async () => {
    const target = cluster.instances[0]!;
    emu.setFallbackConfig({ chatChunkMs: 80 });
    const { token } = await fallbackSession(target.url);
    const res = await fetch(target.url + '/api/voice-agent/chat', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ messages: [{ role: 'user', content: 'What should my first AI pilot be?' }] }),
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('event: delta')) text += new TextDecoder().decode((await reader.read()).value);

    const exited = target.stop('SIGTERM');
    await waitFor(() => target.output().includes('"event":"shutdown"'), 5_000, 'the shutdown log line');
    // The listener closes right after that line: from then on, a new connection is refused.
    await waitFor(() => request(target.url + HEALTH).then(() => false, (error: Error) => /ECONNREFUSED/.test(error.message)), 2_000, 'connections refused');
    const meanwhile = await Promise.all(Array.from({ length: 6 }, () => post(cluster.url + TOKEN)));
    expect(meanwhile.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);

    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain('event: done');
    expect(await exited).toBe(0);
    emu.setFallbackConfig(null);
    await target.start();
  });

  it('SIGKILL one instance: nginx routes around it, no request fails, sessions survive', async () => {
    const sessions = await Promise.all(Array.from({ length: 3 }, () => mint(cluster.url)));
    const victim = cluster.instances[1]!;
    // Idempotent requests in flight while it dies are retried on the others.
    const during = Array.from({ length: 30 }, (_, i) => new Promise((r) => setTimeout(r, i * 10)).then(() => request(cluster.url + HEALTH)));
    await new Promise((r) => setTimeout(r, 100));
    await victim.stop('SIGKILL');
    expect((await Promise.all(during)).map((r) => r.status)).toEqual(Array(30).fill(200));

    const after = [];
    for (let i = 0; i < 6; i++) after.push(await post(cluster.url + TOKEN), await request(cluster.url + HEALTH));
    for (const s of sessions) after.push(await post(cluster.url + REFRESH, { sessionId: s.sessionId }));
    expect(codes(after)).toEqual(Array(15).fill(200));
    await victim.start();
  });

  it('Redis down: instances keep answering on local limits and report degraded; all recovers by itself', async () => {
    const health = async (url: string) => (await request(url + HEALTH)).json().status as string;
    for (const i of cluster.instances) expect(await health(i.url)).toBe('healthy');
    await cluster.redis.stop();
    await waitFor(async () => (await Promise.all(cluster.instances.map((i) => health(i.url)))).every((s) => s === 'degraded'), 20_000, 'all degraded');
    for (let i = 0; i < 6; i++) {
      const startedAt = Date.now();
      const r = await post(cluster.url + TOKEN);
      expect(r.status).toBe(200);
      expect(Date.now() - startedAt).toBeLessThan(2_000);
    }

    await cluster.redis.start();
    await waitFor(async () => (await Promise.all(cluster.instances.map((i) => health(i.url)))).every((s) => s === 'healthy'), 20_000, 'all healthy again');
    // Shared state is back: minted on one instance, refreshed on another.
    const s = await mint(cluster.instances[2]!.url);
    expect((await post(cluster.instances[0]!.url + REFRESH, { sessionId: s.sessionId })).status).toBe(200);
  }, 60_000);
});

/** A realtime session moved to fallback mode (the browser's path when live voice fails): its bearer token. */
async function fallbackSession(base: string): Promise<{ sessionId: string; token: string }> {
  const minted = await post(base + TOKEN);
  expect(minted.status).toBe(200);
  const switched = await post(base + REFRESH, { sessionId: minted.json().sessionId, mode: 'fallback' });
  expect(switched.status).toBe(200);
  expect(switched.json().mode).toBe('fallback');
  return switched.json();
}

async function readStream(res: Response): Promise<{ firstDeltaAt: number; text: string }> {
  let text = '';
  let firstDeltaAt = 0;
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    if (!firstDeltaAt && text.includes('event: delta')) firstDeltaAt = Date.now();
  }
  return { firstDeltaAt, text };
}
