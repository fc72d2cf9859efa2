/**
 * The voice session test rig: fake transports whose connect outcome each test plans, a fake credential
 * holder that mints numbered credentials, and the statuses the user saw, in order. Each test file mocks
 * the browser parts itself (audio unlock, microphone, the end-session beacon): `vi.mock` is per file.
 */
import { vi } from 'vitest';
import type { SearchClient } from '../../../src/lib/voice-agent/api/search-client';
import type { TelemetryClient } from '../../../src/lib/voice-agent/api/telemetry-client';
import type { Credential, TokenManager } from '../../../src/lib/voice-agent/session/token-manager';
import { VoiceSession, type VoiceSessionDeps } from '../../../src/lib/voice-agent/session/voice-session';
import {
  TransportError,
  type RealtimeTransport,
  type TransportClose,
  type TransportKind,
  type WireEvent,
} from '../../../src/lib/voice-agent/transports/realtime-transport';
import type { ApiResult } from '../../../src/lib/voice-agent/types/api';

export type Outcome = 'ok' | TransportError | 'hang';

export class FakeTransport implements RealtimeTransport {
  readonly sent: Array<Record<string, unknown>> = [];
  closed = false;
  private readonly events = new Set<(event: WireEvent) => void>();
  private readonly closes = new Set<(info: TransportClose) => void>();
  constructor(
    readonly kind: TransportKind,
    private readonly outcome: Outcome,
  ) {}
  connect(): Promise<void> {
    if (this.outcome === 'ok') return Promise.resolve();
    if (this.outcome === 'hang') return new Promise(() => undefined);
    return Promise.reject(this.outcome);
  }
  send(event: { type: string } & Record<string, unknown>) {
    this.sent.push(event);
    return true;
  }
  onEvent(handler: (event: WireEvent) => void) {
    this.events.add(handler);
    return () => this.events.delete(handler);
  }
  onClose(handler: (info: TransportClose) => void) {
    this.closes.add(handler);
    return () => this.closes.delete(handler);
  }
  setMicrophoneEnabled() {}
  stopPlayback() {
    return undefined;
  }
  async inboundAudio() {
    return null;
  }
  close() {
    this.closed = true;
  }
  /** The server says something. */
  emit(event: WireEvent) {
    for (const handler of this.events) handler(event);
  }
  /** The server's echo of the last item the client created (a typed message is pending until then). */
  echoLastItem() {
    const created = this.sent.filter((e) => e.type === 'conversation.item.create').at(-1)!;
    const item: Record<string, unknown> = { ...(created.item as Record<string, unknown>), object: 'realtime.item', status: 'completed' };
    for (const type of ['conversation.item.added', 'conversation.item.done']) {
      this.emit({ type, event_id: `event_${type}_${String(item.id)}`, previous_item_id: null, item });
    }
  }
  /** The connection goes away (not by our close()). */
  drop(info: TransportClose) {
    for (const handler of this.closes) handler(info);
  }
}

export const credential = (n: number): Credential => ({
  token: `ek_test_${n}`,
  sessionId: 'session-1',
  mode: 'realtime',
  warnings: [],
  realtime: { url: 'https://api.example.test/v1/realtime', model: 'gpt-realtime' },
  expiresAtLocal: Date.now() + 60_000,
});
export const ok = <T,>(data: T): ApiResult<T> => ({ ok: true, data, meta: { status: 200, clockSkewMs: 0 } });

/** A session whose connections follow `plan`, one step per connection attempt. */
export function setup(plan: Array<{ kind?: TransportKind; outcome: Outcome }>, extra: Partial<VoiceSessionDeps> = {}, mint: (n: number) => Credential = credential) {
  const created: FakeTransport[] = [];
  let minted = 0;
  const tokens = {
    prefetch: vi.fn(async () => ok(mint(++minted))),
    acquire: vi.fn(async () => ok(mint(++minted))),
    renew: vi.fn(async () => ok(mint(++minted))),
    switchToFallback: vi.fn(async () => ok(mint(++minted))),
    current: () => undefined,
    clear: () => undefined,
  } satisfies TokenManager;
  const telemetry: TelemetryClient = { record: vi.fn(), start: vi.fn(), flush: vi.fn(), stop: vi.fn(), onExpiry: vi.fn() };
  const search = { search: vi.fn(), endpoint: vi.fn() } as unknown as SearchClient;
  const session = new VoiceSession({
    tokens,
    telemetry,
    search,
    ...extra,
    createTransport(kind) {
      const step = plan[created.length];
      if (!step) throw new Error(`unexpected connection #${created.length + 1} (${kind})`);
      if (step.kind && step.kind !== kind) throw new Error(`connection #${created.length + 1}: expected ${step.kind}, got ${kind}`);
      const transport = new FakeTransport(kind, step.outcome);
      created.push(transport);
      return transport;
    },
  });
  const statuses: string[] = [session.getSnapshot().status];
  session.subscribe(() => {
    const status = session.getSnapshot().status;
    if (statuses.at(-1) !== status) statuses.push(status);
  });
  return { session, created, tokens, telemetry, statuses };
}

/** Let promise chains settle and timers up to `ms` fire. */
export const settle = (ms = 0) => vi.advanceTimersByTimeAsync(ms);
