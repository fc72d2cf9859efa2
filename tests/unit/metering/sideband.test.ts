/**
 * The server's sideband client against a real `ws` server: it meters only `response.done`, reopens a
 * dropped socket, treats a call that is over (close 1000, or 404 on reopening) as ended, and reports
 * `failed` when it cannot attach at all (the caller then hangs the call up).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { openSideband, type SidebandEnd } from '../../../src/server/metering/sideband';

interface FakeUpstream {
  url: string;
  /** What to answer the next upgrade: a socket handler, or an HTTP status to refuse with. */
  next: Array<((ws: WebSocket) => void) | number>;
  upgrades: Array<{ url: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

async function fakeUpstream(): Promise<FakeUpstream> {
  const server = http.createServer();
  const wss = new WebSocketServer({ noServer: true });
  const fake: FakeUpstream = {
    url: '',
    next: [],
    upgrades: [],
    close: () => new Promise((resolve) => { wss.close(); server.closeAllConnections(); server.close(() => resolve()); }),
  };
  server.on('upgrade', (req, socket, head) => {
    fake.upgrades.push({ url: req.url ?? '', authorization: req.headers.authorization });
    const step = fake.next.shift() ?? 404;
    if (typeof step === 'number') {
      socket.end(`HTTP/1.1 ${step} X\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => step(ws));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/realtime`;
  return fake;
}

const upstreams: FakeUpstream[] = [];
afterEach(async () => {
  await Promise.all(upstreams.splice(0).map((u) => u.close()));
});

function watch(url: string, callId = 'rtc_abc') {
  const events: Array<{ type: string }> = [];
  let resolveEnd!: (end: SidebandEnd) => void;
  const ended = new Promise<SidebandEnd>((resolve) => (resolveEnd = resolve));
  const sideband = openSideband({ url, apiKey: 'sk-server', callId, onEvent: (e) => events.push(e), onEnd: resolveEnd, retryDelaysMs: [20, 20] });
  return { events, ended, sideband };
}

describe('sideband', () => {
  it('attaches with the server key and the call id, and passes on only response.done', async () => {
    const up = await fakeUpstream();
    upstreams.push(up);
    up.next.push((ws) => {
      ws.send(JSON.stringify({ type: 'session.created', session: {} }));
      ws.send(JSON.stringify({ type: 'response.output_audio_transcript.delta', delta: 'response.done is mentioned here' }));
      ws.send(JSON.stringify({ type: 'response.done', response: { usage: { output_tokens: 5 } } }));
      ws.send('not json "response.done"');
      setTimeout(() => ws.close(1000), 50);
    });
    const w = watch(up.url);
    expect(await w.ended).toBe('ended');
    expect(up.upgrades[0]).toEqual({ url: '/v1/realtime?call_id=rtc_abc', authorization: 'Bearer sk-server' });
    expect(w.events.map((e) => e.type)).toEqual(['response.done']);
  });

  it('reopens a socket that dropped, and ends when the call is gone (404)', async () => {
    const up = await fakeUpstream();
    upstreams.push(up);
    up.next.push((ws) => setTimeout(() => ws.terminate(), 20));
    up.next.push((ws) => {
      ws.send(JSON.stringify({ type: 'response.done', response: {} }));
      setTimeout(() => ws.close(1011), 20);
    });
    up.next.push(404);
    const w = watch(up.url);
    expect(await w.ended).toBe('ended');
    expect(up.upgrades).toHaveLength(3);
    expect(w.events).toHaveLength(1);
  });

  it('fails when the key is refused or the upstream cannot be reached after its retries', async () => {
    const up = await fakeUpstream();
    upstreams.push(up);
    up.next.push(401);
    expect(await watch(up.url).ended).toBe('failed');

    const gone = await fakeUpstream();
    const url = gone.url;
    await gone.close();
    expect(await watch(url).ended).toBe('failed');
  });

  it('reports closed when the server closes it on purpose', async () => {
    const up = await fakeUpstream();
    upstreams.push(up);
    let closedBy: number | undefined;
    up.next.push((ws) => ws.on('close', (code) => (closedBy = code)));
    const w = watch(up.url);
    await new Promise((r) => setTimeout(r, 100));
    w.sideband.close();
    expect(await w.ended).toBe('closed');
    await expect.poll(() => closedBy).toBe(1000);
  });
});
