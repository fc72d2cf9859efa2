/**
 * Which transports a connection attempt tries, in which order, and the event hub that keeps the
 * server's first events for the session (which subscribes only once the transport is connected).
 */
import { describe, expect, it, vi } from 'vitest';
import type { Credential } from '../../../src/lib/voice-agent/session/token-manager';
import { connectRealtime, transportOrder } from '../../../src/lib/voice-agent/session/voice-connection';
import {
  TransportError,
  createEventHub,
  type RealtimeTransport,
  type TransportKind,
} from '../../../src/lib/voice-agent/transports/realtime-transport';

describe('transportOrder', () => {
  it('tries WebRTC first in auto mode, unless the session already fell back to WebSocket', () => {
    expect(transportOrder('auto')).toEqual(['webrtc', 'websocket']);
    expect(transportOrder('auto', 'webrtc')).toEqual(['webrtc', 'websocket']);
    expect(transportOrder('auto', 'websocket')).toEqual(['websocket', 'webrtc']);
  });

  it('a chosen transport is the only one, whatever worked before', () => {
    expect(transportOrder('webrtc', 'websocket')).toEqual(['webrtc']);
    expect(transportOrder('websocket')).toEqual(['websocket']);
  });
});

describe('connectRealtime with a preferred kind', () => {
  const credential: Credential = {
    token: 'ek_1',
    sessionId: 's',
    mode: 'realtime',
    warnings: [],
    realtime: { url: 'https://api.example.test/v1/realtime', model: 'gpt-realtime' },
    expiresAtLocal: Date.now() + 60_000,
  };
  function fakeTransport(kind: TransportKind, fail?: TransportError, timeouts: number[] = []): RealtimeTransport {
    return {
      kind,
      connect: async (options) => {
        timeouts.push(options.timeoutMs ?? -1);
        if (fail) throw fail;
      },
      send: () => true,
      onEvent: () => () => undefined,
      onClose: () => () => undefined,
      setMicrophoneEnabled: () => undefined,
      stopPlayback: () => undefined,
      inboundAudio: async () => null,
      close: () => undefined,
    };
  }
  const deps = (create: (kind: TransportKind) => RealtimeTransport) => ({
    preference: 'auto' as const,
    create,
    credential,
    renew: vi.fn(async () => ({ ok: true as const, data: credential, meta: { status: 200, clockSkewMs: 0 } })),
    microphone: {} as MediaStream,
    audioElement: {} as HTMLAudioElement,
    audioContext: {} as AudioContext,
    signal: new AbortController().signal,
    onAttemptFailed: vi.fn(),
  });

  it('connects over WebSocket first when told to prefer it, without a WebRTC attempt', async () => {
    const kinds: TransportKind[] = [];
    const d = deps((kind) => (kinds.push(kind), fakeTransport(kind)));
    const outcome = await connectRealtime({ ...d, prefer: 'websocket' });
    expect(outcome.ok && outcome.transport.kind).toBe('websocket');
    expect(kinds).toEqual(['websocket']);
    expect(d.renew).not.toHaveBeenCalled();
  });

  it('still falls back to WebRTC when the preferred WebSocket cannot connect', async () => {
    const kinds: TransportKind[] = [];
    const timeouts: number[] = [];
    const blocked = new TransportError('connect_timeout', 'The voice service could not be reached over WebSocket.');
    const d = deps((kind) => (kinds.push(kind), fakeTransport(kind, kind === 'websocket' ? blocked : undefined, timeouts)));
    const outcome = await connectRealtime({ ...d, prefer: 'websocket' });
    expect(outcome.ok && outcome.transport.kind).toBe('webrtc');
    expect(kinds).toEqual(['websocket', 'webrtc']);
    expect(timeouts).toEqual([10_000, 10_000]); // WebRTC is the last resort here: its full timeout
    expect(d.renew).toHaveBeenCalledTimes(1); // a fresh credential for the second attempt
  });
});

describe('createEventHub', () => {
  it('keeps what was emitted before the first subscriber and hands it over in order', () => {
    const hub = createEventHub<number>();
    hub.emit(1);
    hub.emit(2);
    const got: number[] = [];
    hub.subscribe((n) => got.push(n));
    expect(got).toEqual([1, 2]);
    hub.emit(3);
    expect(got).toEqual([1, 2, 3]);
  });

  it('gives later subscribers only what comes next, and drops events nobody listens to any more', () => {
    const hub = createEventHub<number>();
    hub.emit(1);
    const first: number[] = [];
    const off = hub.subscribe((n) => first.push(n));
    const second: number[] = [];
    hub.subscribe((n) => second.push(n));
    hub.emit(2);
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([2]);
    off();
    hub.emit(3);
    expect(first).toEqual([1, 2]);
    expect(second).toEqual([2, 3]);
  });

  it('keeps a bounded number of early events', () => {
    const hub = createEventHub<number>(3);
    for (let i = 0; i < 10; i++) hub.emit(i);
    const got: number[] = [];
    hub.subscribe((n) => got.push(n));
    expect(got).toEqual([0, 1, 2]);
  });
});

describe('lazyTransport', () => {
  it('keeps the events the loaded transport emitted before the session subscribed (session.created)', async () => {
    const { lazyTransport } = await import('../../../src/lib/voice-agent/transports/lazy-transport');
    const inner = createEventHub<{ type: string } & Record<string, unknown>>();
    const loaded: RealtimeTransport = {
      kind: 'websocket',
      // As the WebSocket transport does: session.created arrives, then connect() resolves.
      connect: async () => inner.emit({ type: 'session.created', session: { expires_at: 1 } }),
      send: () => true,
      onEvent: (handler) => inner.subscribe(handler),
      onClose: () => () => undefined,
      setMicrophoneEnabled: () => undefined,
      stopPlayback: () => undefined,
      inboundAudio: async () => null,
      close: () => undefined,
    };
    const transport = lazyTransport('websocket', async () => () => loaded);
    await transport.connect({} as Parameters<RealtimeTransport['connect']>[0]);
    const seen: string[] = [];
    transport.onEvent((event) => seen.push(event.type));
    expect(seen).toEqual(['session.created']);
    inner.emit({ type: 'rate_limits.updated' });
    expect(seen).toEqual(['session.created', 'rate_limits.updated']);
  });
});
