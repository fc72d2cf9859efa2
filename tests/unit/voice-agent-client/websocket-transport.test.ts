import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as NodeWebSocket, WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import type { AudioPipeline, AudioPipelineFactory, AudioPipelineHooks } from '../../../src/lib/voice-agent/audio/audio-pipeline';
import type { PlaybackCut } from '../../../src/lib/voice-agent/audio/pcm-player';
import { TransportError, type TransportClose, type TransportConnectOptions, type WireEvent } from '../../../src/lib/voice-agent/transports/realtime-transport';
import {
  createWebSocketTransport,
  realtimeSubprotocols,
  realtimeWebSocketUrl,
  type WebSocketConstructorLike,
  type WebSocketTransport,
} from '../../../src/lib/voice-agent/transports/websocket-transport';

// The transport against a real WebSocket server (`ws`) on 127.0.0.1, with the client side driven by `ws`'s
// WHATWG-style WebSocket (Node 20 has no global one; browsers pass theirs by default) and a fake audio
// pipeline in place of Web Audio: what is under test is the wire logic, the routing of audio deltas, and
// the app events — not the sound. Real capture/playback is covered in Chromium by the e2e suite.

const WebSocketImpl = (globalThis.WebSocket ?? NodeWebSocket) as unknown as WebSocketConstructorLike;

interface Connection {
  ws: ServerSocket;
  req: IncomingMessage;
  received: Array<Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
}

interface TestServer {
  url: string;
  connections: Connection[];
  nextConnection(): Promise<Connection>;
  close(): Promise<void>;
}

type OnConnection = (conn: Connection) => void;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const SESSION_CREATED = { type: 'session.created', event_id: 'event_1', session: { id: 'sess_1', object: 'realtime.session', type: 'realtime' } };

/** A realtime-like server. By default it sends `session.created` right after the upgrade, as OpenAI does. */
async function serve(options: { onConnection?: OnConnection; verifyStatus?: number; sessionCreated?: boolean } = {}): Promise<TestServer> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
    ...(options.verifyStatus ? { verifyClient: (_info: unknown, done: (ok: boolean, status?: number) => void) => done(false, options.verifyStatus) } : {}),
  });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const connections: Connection[] = [];
  const waiting: Array<(conn: Connection) => void> = [];
  wss.on('connection', (ws, req) => {
    const received: Array<Record<string, unknown>> = [];
    ws.on('message', (data) => received.push(JSON.parse(String(data)) as Record<string, unknown>));
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
    const conn: Connection = { ws, req, received, closed };
    connections.push(conn);
    if (options.sessionCreated !== false) ws.send(JSON.stringify(SESSION_CREATED));
    options.onConnection?.(conn);
    waiting.shift()?.(conn);
  });
  const { port } = wss.address() as AddressInfo;
  const server: TestServer = {
    url: `http://127.0.0.1:${port}/v1/realtime`,
    connections,
    nextConnection: () => (connections.length > 0 ? Promise.resolve(connections[connections.length - 1]!) : new Promise((resolve) => waiting.push(resolve))),
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  };
  cleanups.push(server.close);
  return server;
}

interface FakePipeline {
  factory: AudioPipelineFactory;
  hooks(): AudioPipelineHooks;
  played: Array<{ itemId: string; pcm: Int16Array }>;
  finished: string[];
  captureEnabled: boolean | undefined;
  cut: PlaybackCut | undefined;
  closed: boolean;
}

function fakePipeline(options: { fail?: Error; delayMs?: number } = {}): FakePipeline {
  let hooks: AudioPipelineHooks | undefined;
  const fake: FakePipeline = {
    played: [],
    finished: [],
    captureEnabled: undefined,
    cut: undefined,
    closed: false,
    hooks: () => {
      if (!hooks) throw new Error('pipeline not created');
      return hooks;
    },
    factory: async (_context, _microphone, given, pipelineOptions) => {
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      if (options.fail) throw options.fail;
      hooks = given;
      fake.captureEnabled = pipelineOptions?.captureEnabled ?? true;
      const pipeline: AudioPipeline = {
        setCaptureEnabled: (enabled) => void (fake.captureEnabled = enabled),
        play: (itemId, pcm) => {
          fake.played.push({ itemId, pcm });
          return true;
        },
        finish: (itemId) => void fake.finished.push(itemId),
        stop: () => fake.cut,
        inputLevel: () => 0.25,
        outputLevel: () => 0.5,
        close: () => void (fake.closed = true),
      };
      return pipeline;
    },
  };
  return fake;
}

function connectOptions(server: TestServer, extra: Partial<TransportConnectOptions> = {}): TransportConnectOptions {
  return {
    token: 'ek_test_secret',
    target: { url: server.url, model: 'gpt-realtime' },
    microphone: {} as MediaStream,
    audioElement: {} as HTMLAudioElement,
    audioContext: {} as AudioContext,
    timeoutMs: 2_000,
    ...extra,
  };
}

function transportWith(fake: FakePipeline): WebSocketTransport {
  const transport = createWebSocketTransport({ WebSocketImpl, createAudioPipeline: fake.factory });
  cleanups.push(() => transport.close());
  return transport;
}

async function connected(options: { onConnection?: OnConnection } = {}) {
  const server = await serve(options);
  const fake = fakePipeline();
  const transport = transportWith(fake);
  const events: WireEvent[] = [];
  const closes: TransportClose[] = [];
  transport.onEvent((event) => events.push(event));
  transport.onClose((info) => closes.push(info));
  await transport.connect(connectOptions(server));
  const conn = await server.nextConnection();
  return { server, fake, transport, events, closes, conn };
}

async function waitFor(check: () => boolean, timeoutMs = 2_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const pcmBase64 = (samples: number[]) => Buffer.from(Int16Array.from(samples).buffer).toString('base64');
const delta = (itemId: string, samples: number[], responseId = 'resp_1') => ({
  type: 'response.output_audio.delta',
  event_id: `event_${Math.random()}`,
  response_id: responseId,
  item_id: itemId,
  output_index: 0,
  content_index: 0,
  delta: pcmBase64(samples),
});

describe('realtimeWebSocketUrl', () => {
  it('maps http(s) to ws(s) and appends the encoded model', () => {
    expect(realtimeWebSocketUrl({ url: 'https://api.openai.com/v1/realtime', model: 'gpt-realtime' })).toBe('wss://api.openai.com/v1/realtime?model=gpt-realtime');
    expect(realtimeWebSocketUrl({ url: 'http://127.0.0.1:4010/v1/realtime', model: 'a b/c?d' })).toBe('ws://127.0.0.1:4010/v1/realtime?model=a%20b%2Fc%3Fd');
    expect(realtimeWebSocketUrl({ url: 'wss://relay.example/rt?x=1', model: 'm' })).toBe('wss://relay.example/rt?x=1&model=m');
  });

  it('carries the key as the second subprotocol', () => {
    expect(realtimeSubprotocols('ek_abc')).toEqual(['realtime', 'openai-insecure-api-key.ek_abc']);
  });
});

describe('createWebSocketTransport connect', () => {
  it('opens the URL with the model query and the key subprotocol', async () => {
    const server = await serve();
    const transport = transportWith(fakePipeline());
    await transport.connect({ ...connectOptions(server), target: { url: server.url, model: 'gpt-realtime-2.1' } });
    const conn = await server.nextConnection();
    expect(conn.req.url).toBe('/v1/realtime?model=gpt-realtime-2.1');
    const offered = String(conn.req.headers['sec-websocket-protocol']).split(',').map((p) => p.trim());
    expect(offered).toEqual(['realtime', 'openai-insecure-api-key.ek_test_secret']);
    expect(conn.ws.protocol).toBe('realtime');
    expect(transport.kind).toBe('websocket');
  });

  it('resolves only once session.created has arrived, and forwards it', async () => {
    let sendCreated: () => void = () => undefined;
    const server = await serve({ sessionCreated: false, onConnection: (conn) => (sendCreated = () => conn.ws.send(JSON.stringify(SESSION_CREATED))) });
    const transport = transportWith(fakePipeline());
    const events: WireEvent[] = [];
    transport.onEvent((event) => events.push(event));
    let done = false;
    const connecting = transport.connect(connectOptions(server)).then(() => (done = true));
    const conn = await server.nextConnection();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(done).toBe(false);
    expect(transport.send({ type: 'response.create' })).toBe(false);
    sendCreated();
    await connecting;
    expect(events).toEqual([SESSION_CREATED]);
    expect(transport.send({ type: 'response.create' })).toBe(true);
    await waitFor(() => conn.received.length === 1);
    expect(conn.received).toEqual([{ type: 'response.create' }]);
  });

  it('hands session.created to a handler registered after connect() resolved (as the voice session does)', async () => {
    const server = await serve();
    const transport = transportWith(fakePipeline());
    await transport.connect(connectOptions(server));
    const conn = await server.nextConnection();
    const events: WireEvent[] = [];
    transport.onEvent((event) => events.push(event));
    // session.created completed connect() before anyone listened; it carries expires_at (renewal timing).
    expect(events).toEqual([SESSION_CREATED]);
    const later = { type: 'rate_limits.updated', event_id: 'event_2', rate_limits: [] };
    conn.ws.send(JSON.stringify(later));
    await waitFor(() => events.length === 2);
    expect(events).toEqual([SESSION_CREATED, later]);
    // A second subscriber gets what comes next only.
    const second: WireEvent[] = [];
    transport.onEvent((event) => second.push(event));
    expect(second).toEqual([]);
  });

  it('gives up after timeoutMs without session.created, and closes the socket', async () => {
    const server = await serve({ sessionCreated: false });
    const fake = fakePipeline();
    const transport = transportWith(fake);
    const started = Date.now();
    const error = await transport.connect(connectOptions(server, { timeoutMs: 200 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).reason).toBe('connect_timeout');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    const conn = await server.nextConnection();
    expect((await conn.closed).code).toBe(1000); // open for 200 ms: a clean close
    expect(fake.closed).toBe(true);
  });

  it('reports a refused handshake (the browser sees only a close) as connect_timeout', async () => {
    const server = await serve({ verifyStatus: 401 });
    const transport = transportWith(fakePipeline());
    const error = (await transport.connect(connectOptions(server)).catch((e: unknown) => e)) as TransportError;
    expect(error).toBeInstanceOf(TransportError);
    expect(error.reason).toBe('connect_timeout');
  });

  it('maps an error event and close before session.created to a reason', async () => {
    const server = await serve({
      sessionCreated: false,
      onConnection: ({ ws }) => {
        ws.send(JSON.stringify({ type: 'error', event_id: 'event_e', error: { type: 'invalid_request_error', code: 'beta_api_shape_disabled', message: 'Use GA.' } }));
        ws.close(4000, 'invalid_request_error.beta_api_shape_disabled');
      },
    });
    const transport = transportWith(fakePipeline());
    const error = (await transport.connect(connectOptions(server)).catch((e: unknown) => e)) as TransportError;
    expect(error.reason).toBe('upstream_error');
    expect(error.message).toContain('Use GA.');
  });

  it('is cancelled by the caller’s signal', async () => {
    const server = await serve({ sessionCreated: false });
    const transport = transportWith(fakePipeline());
    const abort = new AbortController();
    const pending = transport.connect(connectOptions(server, { signal: abort.signal })).catch((e: unknown) => e);
    await server.nextConnection();
    abort.abort();
    const error = (await pending) as TransportError;
    expect(error.reason).toBe('connect_timeout');
    expect(error.message).toMatch(/cancelled/);
  });

  it('is cancelled by close() while connecting', async () => {
    const server = await serve({ sessionCreated: false });
    const transport = transportWith(fakePipeline());
    const pending = transport.connect(connectOptions(server)).catch((e: unknown) => e);
    const conn = await server.nextConnection();
    transport.close();
    expect(((await pending) as TransportError).reason).toBe('connect_timeout');
    // 1000 when the client had seen the upgrade answer, 1006 when it aborted the handshake.
    expect([1000, 1006]).toContain((await conn.closed).code);
  });

  it('fails as unsupported_browser when the audio pipeline cannot start', async () => {
    const server = await serve();
    const transport = transportWith(fakePipeline({ fail: new Error('AudioWorklet missing') }));
    const error = (await transport.connect(connectOptions(server)).catch((e: unknown) => e)) as TransportError;
    expect(error.reason).toBe('unsupported_browser');
    expect(error.message).toContain('AudioWorklet missing');
  });

  it('waits for a slow audio pipeline too', async () => {
    const server = await serve();
    const fake = fakePipeline({ delayMs: 150 });
    const transport = transportWith(fake);
    const started = Date.now();
    await transport.connect(connectOptions(server));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(await transport.inboundAudio()).toEqual({ packetsReceived: 0, level: 0.5 });
  });

  it('uses globalThis.WebSocket by default, and says so when there is none', async () => {
    const server = await serve();
    cleanups.push(() => void vi.unstubAllGlobals());
    vi.stubGlobal('WebSocket', NodeWebSocket);
    const transport = createWebSocketTransport({ createAudioPipeline: fakePipeline().factory });
    cleanups.push(() => transport.close());
    await transport.connect(connectOptions(server));
    expect(server.connections).toHaveLength(1);

    vi.stubGlobal('WebSocket', undefined);
    const error = (await createWebSocketTransport({ createAudioPipeline: fakePipeline().factory })
      .connect(connectOptions(server))
      .catch((e: unknown) => e)) as TransportError;
    expect(error.reason).toBe('unsupported_browser');
  });
});

describe('createWebSocketTransport events and close', () => {
  it('forwards every server event unchanged', async () => {
    const { conn, events } = await connected();
    const sent = [
      { type: 'response.created', event_id: 'event_2', response: { id: 'resp_1', status: 'in_progress', output: [] } },
      { type: 'response.output_audio_transcript.delta', event_id: 'event_3', response_id: 'resp_1', item_id: 'item_1', output_index: 0, content_index: 0, delta: 'Hello' },
      { type: 'something.new', event_id: 'event_4', nested: { a: [1, 2] } },
    ];
    for (const event of sent) conn.ws.send(JSON.stringify(event));
    conn.ws.send('not json');
    await waitFor(() => events.length === 4);
    expect(events).toEqual([SESSION_CREATED, ...sent]);
  });

  it('reports session_expired when the server says so and closes with 1001', async () => {
    const { conn, closes, events } = await connected();
    conn.ws.send(JSON.stringify({ type: 'error', event_id: 'event_x', error: { type: 'invalid_request_error', code: 'session_expired', message: 'Your session hit the maximum duration of 60 minutes.' } }));
    conn.ws.close(1001);
    await waitFor(() => closes.length === 1);
    expect(closes).toEqual([{ reason: 'session_expired', message: 'Your session hit the maximum duration of 60 minutes.' }]);
    expect(events.at(-1)?.type).toBe('error');
  });

  it('reports any other close as connection_lost, once, and tears the audio down', async () => {
    const { conn, closes, fake, transport } = await connected();
    conn.ws.close(1001, 'server shutting down');
    await waitFor(() => closes.length === 1);
    expect(closes[0]!.reason).toBe('connection_lost');
    expect(closes[0]!.message).toContain('1001');
    expect(fake.closed).toBe(true);
    expect(transport.send({ type: 'response.create' })).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closes).toHaveLength(1);
  });

  it('reports a dropped connection (1006) as connection_lost', async () => {
    const { conn, closes } = await connected();
    conn.ws.terminate();
    await waitFor(() => closes.length === 1);
    expect(closes[0]!.reason).toBe('connection_lost');
  });

  it('close() sends 1000, releases the pipeline, and does not call onClose', async () => {
    const { conn, closes, fake, transport, events } = await connected();
    transport.close();
    expect((await conn.closed).code).toBe(1000);
    expect(fake.closed).toBe(true);
    expect(transport.send({ type: 'response.create' })).toBe(false);
    fake.hooks().onFirstAudio('item_late');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(closes).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(['session.created']);
  });
});

describe('createWebSocketTransport audio', () => {
  it('routes output audio deltas to the player as PCM16 and counts them', async () => {
    const { conn, fake, transport, events } = await connected();
    conn.ws.send(JSON.stringify(delta('item_1', [1, -2, 32767, -32768])));
    conn.ws.send(JSON.stringify(delta('item_1', [5, 6])));
    await waitFor(() => fake.played.length === 2);
    expect(fake.played[0]!.itemId).toBe('item_1');
    expect(Array.from(fake.played[0]!.pcm)).toEqual([1, -2, 32767, -32768]);
    expect(Array.from(fake.played[1]!.pcm)).toEqual([5, 6]);
    expect(events.filter((e) => e.type === 'response.output_audio.delta')).toHaveLength(2);
    expect(await transport.inboundAudio()).toEqual({ packetsReceived: 2, level: 0.5 });
  });

  it('finishes an item on output_audio.done, and the items of a response on response.done', async () => {
    const { conn, fake } = await connected();
    conn.ws.send(JSON.stringify(delta('item_1', [1])));
    conn.ws.send(JSON.stringify({ type: 'response.output_audio.done', event_id: 'e', response_id: 'resp_1', item_id: 'item_1', output_index: 0, content_index: 0 }));
    conn.ws.send(JSON.stringify(delta('item_2', [1], 'resp_2')));
    conn.ws.send(JSON.stringify({ type: 'response.done', event_id: 'e2', response: { id: 'resp_2', status: 'cancelled', output: [] } }));
    await waitFor(() => fake.finished.length === 2);
    expect(fake.finished).toEqual(['item_1', 'item_2']);
  });

  it('turns player callbacks into app events on the same channel', async () => {
    const { fake, events } = await connected();
    const hooks = fake.hooks();
    hooks.onFirstAudio('item_1');
    hooks.onProgress('item_1', 250);
    hooks.onDrained('item_1');
    expect(events.slice(1)).toEqual([
      { type: 'app.first_audio', itemId: 'item_1' },
      { type: 'app.audio_played', itemId: 'item_1', playedMs: 250 },
      { type: 'app.playback_ended', itemId: 'item_1' },
    ]);
  });

  it('stopPlayback returns the cut, reports it after the caller, and drops late deltas of cut items', async () => {
    const { conn, fake, transport, events } = await connected();
    conn.ws.send(JSON.stringify(delta('item_1', [1, 2, 3])));
    await waitFor(() => fake.played.length === 1);
    fake.cut = { itemId: 'item_1', playedMs: 1234 };
    const cut = transport.stopPlayback();
    expect(cut).toEqual({ itemId: 'item_1', playedMs: 1234 });
    expect(events.some((e) => e.type.startsWith('app.'))).toBe(false); // not re-entrant
    await Promise.resolve();
    expect(events.filter((e) => e.type.startsWith('app.'))).toEqual([
      { type: 'app.audio_played', itemId: 'item_1', playedMs: 1234 },
      { type: 'app.playback_ended', itemId: 'item_1' },
    ]);

    conn.ws.send(JSON.stringify(delta('item_1', [4, 5])));
    conn.ws.send(JSON.stringify(delta('item_2', [7])));
    await waitFor(() => events.filter((e) => e.type === 'response.output_audio.delta').length === 3);
    expect(fake.played.map((p) => p.itemId)).toEqual(['item_1', 'item_2']); // the late item_1 delta was dropped…
    expect(events.filter((e) => e.type === 'response.output_audio.delta')).toHaveLength(3); // …but still forwarded
    expect(await transport.inboundAudio()).toEqual({ packetsReceived: 2, level: 0.5 });
  });

  it('stopPlayback with nothing playing returns undefined and emits nothing', async () => {
    const { transport, events } = await connected();
    expect(transport.stopPlayback()).toBeUndefined();
    await Promise.resolve();
    expect(events.map((e) => e.type)).toEqual(['session.created']);
  });

  it('sends captured audio as input_audio_buffer.append, and nothing at all while muted', async () => {
    const { conn, fake, transport } = await connected();
    const capture = fake.hooks();
    capture.onCapture(Int16Array.from([1, -1, 256]), 0.1);
    await waitFor(() => conn.received.length === 1);
    expect(conn.received[0]).toEqual({ type: 'input_audio_buffer.append', audio: pcmBase64([1, -1, 256]) });

    transport.setMicrophoneEnabled(false);
    expect(fake.captureEnabled).toBe(false);
    expect(transport.microphoneLevel()).toBe(0);
    capture.onCapture(Int16Array.from([9, 9]), 0.1); // even if a chunk slipped through the worklet
    transport.send({ type: 'input_audio_buffer.commit' }); // a marker after it
    await waitFor(() => conn.received.length === 2);
    expect(conn.received[1]).toEqual({ type: 'input_audio_buffer.commit' });

    transport.setMicrophoneEnabled(true);
    expect(fake.captureEnabled).toBe(true);
    expect(transport.microphoneLevel()).toBe(0.25);
    capture.onCapture(Int16Array.from([3]), 0.1);
    await waitFor(() => conn.received.length === 3);
    expect(conn.received[2]).toEqual({ type: 'input_audio_buffer.append', audio: pcmBase64([3]) });
  });

  it('starts the pipeline muted when muted before connecting', async () => {
    const server = await serve();
    const fake = fakePipeline();
    const transport = transportWith(fake);
    transport.setMicrophoneEnabled(false);
    await transport.connect(connectOptions(server));
    expect(fake.captureEnabled).toBe(false);
  });
});
