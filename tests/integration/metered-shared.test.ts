/**
 * Cost control across instances (issue 8): two built servers sharing one real Redis. A call held by one
 * instance is hung up by an operator on the other; a relay held by one is closed within a tick when the
 * other ends its session; spend metered on one refuses new sessions on both.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startAppServer, type AppServer } from '../helpers/app-server';
import { REALTIME_KEY, startTestEmulator, type Emulator } from '../helpers/emulator';
import { haveRedisServer, redisSuiteTitle, startRedisServer, type RedisServerHandle } from '../helpers/redis-server';
import { createNodePeer, type NodePeer } from '../helpers/werift-peer';

const SECRET = 'shared-secret-for-tests-0123456789abcdef';
const ADMIN_TOKEN = 'admin-token-for-tests-0123456789';
const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
let redis: RedisServerHandle;
let emu: Emulator;
const servers: AppServer[] = [];
const peers: NodePeer[] = [];

beforeAll(async () => {
  if (!haveRedisServer) return;
  redis = await startRedisServer();
  emu = await startTestEmulator();
});
afterEach(async () => {
  await Promise.all(peers.splice(0).map((p) => p.close().catch(() => undefined)));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  emu?.reset();
});
afterAll(async () => {
  await redis?.stop();
  await emu?.close();
});

async function pair(db: number, env: Record<string, string> = {}) {
  const shared = {
    REDIS_URL: `${redis.url}/${db}`,
    SESSION_SECRET: SECRET,
    OPENAI_API_KEY: REALTIME_KEY,
    OPENAI_BASE_URL: emu.baseUrl,
    METERED_SESSIONS: 'on',
    ADMIN_TOKEN,
    RATE_LIMIT_PER_IP_PER_MINUTE: '1000',
    MAX_SESSIONS_PER_IP: '1000',
    ...env,
  };
  const [a, b] = await Promise.all([startAppServer(shared), startAppServer(shared)]);
  servers.push(a, b);
  return [a, b] as const;
}

const newSession = async (s: AppServer) => (await (await s.fetch('/api/voice-agent/token', { method: 'POST' })).json()) as { token: string; sessionId: string };
const closedWithin = (closed: Promise<unknown>, ms: number) =>
  Promise.race([closed, new Promise((_, reject) => setTimeout(() => reject(new Error(`not closed within ${ms} ms`)), ms))]);

describe.skipIf(!haveRedisServer)(redisSuiteTitle('cost control across two instances'), () => {
  it('an operator on one instance hangs up a call the other holds, and both list it with its usage', async () => {
    const [a, b] = await pair(5);
    const session = await newSession(a);
    const peer = await createNodePeer();
    peers.push(peer);
    const answer = await a.fetch('/api/voice-agent/calls', { method: 'POST', headers: { Authorization: `Bearer ${session.token}`, 'Content-Type': 'application/sdp' }, body: peer.offer });
    expect(answer.status).toBe(201);
    await peer.answer(await answer.text());
    await peer.opened;
    peer.send({ type: 'response.create' });
    await peer.waitFor('response.done', 20_000);

    await expect.poll(async () => {
      const list = await (await b.fetch('/api/admin/sessions', { headers: admin })).json();
      return list.sessions.find((x: { sessionId: string }) => x.sessionId === session.sessionId)?.costUsd ?? 0;
    }, { timeout: 10_000 }).toBeGreaterThan(0);
    const ended = await b.fetch(`/api/admin/sessions/${session.sessionId}/end`, { method: 'POST', headers: admin });
    expect(await ended.json()).toMatchObject({ ended: true, voiceStopped: true });
    await closedWithin(peer.closed, 5_000);
    const status = await (await a.fetch('/api/voice-agent/session-status', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ sessionId: session.sessionId }) })).json();
    expect(status.ended).toMatchObject({ reason: 'operator' });
  }, 40_000);

  it('a relay held by one instance closes within a tick when the other ends its session', async () => {
    const [a, b] = await pair(6);
    const session = await newSession(a);
    const ws = new WebSocket(`${a.url.replace('http', 'ws')}/api/voice-agent/realtime`, ['realtime', `openai-insecure-api-key.${session.token}`], { origin: a.url });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    await b.fetch(`/api/admin/sessions/${session.sessionId}/end`, { method: 'POST', headers: admin });
    expect(await closedWithin(closed, 3_000)).toBe(4001);
  }, 30_000);

  it('spend metered on one instance refuses new sessions on both', async () => {
    const prices = { 'gpt-realtime-2.1': { text: { input: 1000, cachedInput: 1000, output: 10000 }, audio: { input: 1000, cachedInput: 1000, output: 10000 } } };
    const [a, b] = await pair(7, { DAILY_COST_LIMIT_USD: '0.05', MODEL_PRICES: JSON.stringify(prices) });
    const session = await newSession(a);
    const ws = new WebSocket(`${a.url.replace('http', 'ws')}/api/voice-agent/realtime`, ['realtime', `openai-insecure-api-key.${session.token}`], { origin: a.url });
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    ws.send(JSON.stringify({ type: 'response.create' }));
    expect(await closedWithin(closed, 20_000)).toBe(4001);
    for (const s of [a, b]) {
      const refused = await s.fetch('/api/voice-agent/token', { method: 'POST' });
      expect(refused.status).toBe(403);
      expect((await refused.json()).error.code).toBe('daily_budget_exhausted');
    }
  }, 40_000);
});
