/**
 * The voice session's recovery logic with fake transports, a fake credential holder and fake timers:
 * which connections it opens, in which order, and which statuses the user sees. The browser parts
 * (microphone, audio unlock, the end-session beacon) are stubbed; real transports and the real UI are
 * covered in Chromium by tests/e2e/voice-recovery.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../../src/lib/voice-agent/session/audio-setup', () => ({
  unlockAudio: () => ({ audioElement: {}, audioContext: { close: async () => undefined } }),
  openMicrophone: async () => ({ ok: true, stream: { getTracks: () => [] } }),
  createLevelMeter: () => ({ level: () => 0, close: () => undefined }),
}));
vi.mock('../../../src/lib/voice-agent/api/voice-agent-api', () => ({
  endSession: async () => ({ ok: true, data: { success: true }, meta: { status: 200, clockSkewMs: 0 } }),
  endSessionOnUnload: () => true,
}));

import { TransportError } from '../../../src/lib/voice-agent/transports/realtime-transport';
import { credential, ok, settle, setup } from './voice-session-rig';

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal('navigator', { onLine: true });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('VoiceSession opening', () => {
  it('lets the counterpart speak first in a practice scenario (one response.create on connecting)', async () => {
    const { session, created, tokens } = setup([{ outcome: 'ok' }]);
    tokens.acquire.mockImplementation(async () => ok({ ...credential(1), scenario: { id: 'defend-ai-budget-to-the-cfo', title: 'Defend your AI budget' } }));
    session.start();
    await settle();
    expect(created[0]!.sent.map((e) => e.type)).toEqual(['response.create']);
  });

  it('waits for the user in free coaching', async () => {
    const { session, created } = setup([{ outcome: 'ok' }]);
    session.start();
    await settle();
    expect(created[0]!.sent).toEqual([]);
  });
});

describe('VoiceSession recovery', () => {
  it('waits out a rate limit on the first connect, then shows the new attempt and connects', async () => {
    const limited = new TransportError('rate_limited', 'OpenAI is rate-limiting voice sessions right now.', 429, 2);
    const { session, created, tokens, statuses } = setup([{ outcome: limited }, { outcome: 'ok' }]);
    session.start();
    await settle();
    expect(session.getSnapshot()).toMatchObject({ status: 'waiting' });
    expect(session.getSnapshot().retryAt).toBeGreaterThan(Date.now());
    expect(session.getSnapshot().message).not.toMatch(/\d+ s/); // the countdown beside it says when

    await settle(2_000);
    expect(statuses).toEqual(['idle', 'connecting', 'waiting', 'connecting', 'connected']);
    expect(session.getSnapshot().retryAt).toBeUndefined();
    expect(created.map((t) => t.kind)).toEqual(['webrtc', 'webrtc']);
    // The first connection's credential is still good: no refresh spent on it.
    expect(tokens.renew).not.toHaveBeenCalled();
    // Nothing to replay into a first connection.
    expect(created[1]!.sent).toEqual([]);
  });

  it('tries a first connection that timed out again with backoff, then hands over to the fallback', async () => {
    const timeout = () => new TransportError('connect_timeout', 'No voice connection within 10 s.');
    const { session, created, statuses } = setup([
      { kind: 'webrtc', outcome: timeout() },
      { kind: 'websocket', outcome: timeout() },
      { kind: 'webrtc', outcome: timeout() },
      { kind: 'websocket', outcome: 'ok' },
    ]);
    session.start();
    await settle();
    expect(session.getSnapshot()).toMatchObject({ status: 'connecting' });
    expect(session.getSnapshot().message).toContain('Trying again (attempt 1 of 2)');
    expect(session.getSnapshot().retryAt).toBeGreaterThan(Date.now());
    await settle(10_000);
    expect(session.getSnapshot().status).toBe('connected');
    expect(created.map((t) => t.kind)).toEqual(['webrtc', 'websocket', 'webrtc', 'websocket']);
    expect(statuses).not.toContain('failed');

    const never = setup(Array.from({ length: 6 }, () => ({ outcome: timeout() })));
    never.session.start();
    await settle(60_000);
    // No live voice through this network: the chat-and-speech fallback takes over (coach-voice.ts).
    expect(never.session.getSnapshot()).toMatchObject({ status: 'fallback', message: 'No voice connection within 10 s.' });
    expect(never.created).toHaveLength(6); // the first try and two more, each over both transports
  });

  it('renews once when the server ends the session (session_expired, then the close)', async () => {
    const { session, created, statuses, telemetry } = setup([{ outcome: 'ok' }, { outcome: 'ok' }]);
    session.start();
    await settle();
    const first = created[0]!;
    first.emit({ type: 'error', event_id: 'event_1', error: { type: 'invalid_request_error', code: 'session_expired', message: 'Your session hit the maximum duration of 60 minutes.' } });
    // WebRTC: the data channel closes right after (the transport calls it a lost connection).
    first.drop({ reason: 'connection_lost', message: 'The voice connection closed.' });
    await settle(10_000);
    expect(created).toHaveLength(2);
    expect(statuses).toEqual(['idle', 'connecting', 'connected', 'renewing', 'connected']);
    expect(vi.mocked(telemetry.record).mock.calls.map(([e]) => e).filter((e) => e.type === 'connection_failed')).toEqual([]);
  });

  it('renews once on a WebSocket close that says session_expired, after the error event', async () => {
    const { session, created, statuses } = setup([{ kind: 'webrtc', outcome: 'ok' }, { outcome: 'ok' }]);
    session.start();
    await settle();
    created[0]!.emit({ type: 'error', event_id: 'event_1', error: { type: 'invalid_request_error', code: 'session_expired', message: 'expired' } });
    created[0]!.drop({ reason: 'session_expired', message: 'expired' });
    await settle(10_000);
    expect(created).toHaveLength(2);
    expect(statuses).toEqual(['idle', 'connecting', 'connected', 'renewing', 'connected']);
  });

  it('renews before the cap announced by session.created, with the conversation replayed', async () => {
    const { session, created, statuses, tokens } = setup([{ outcome: 'ok' }, { outcome: 'ok' }]);
    session.start();
    await settle();
    const first = created[0]!;
    const expiresAt = Math.floor((Date.now() + 20_000) / 1000);
    first.emit({ type: 'session.created', event_id: 'event_1', session: { id: 'sess_1', type: 'realtime', expires_at: expiresAt } });
    expect(session.sendText('Here is my opening line.')).toBe(true);
    first.echoLastItem();
    await settle(10_000);
    expect(created).toHaveLength(1);
    await settle(10_000); // 20 s lifetime: renewed a quarter of it (5 s) before the cap
    expect(created).toHaveLength(2);
    expect(first.closed).toBe(true);
    expect(tokens.renew).toHaveBeenCalledTimes(1);
    expect(statuses).toEqual(['idle', 'connecting', 'connected', 'renewing', 'connected']);
    const replayed = created[1]!.sent.filter((e) => e.type === 'conversation.item.create');
    expect(replayed.map((e) => (e.item as { content: Array<{ text: string }> }).content[0]!.text)).toEqual(['Here is my opening line.']);
  });

  it('keeps the WebSocket fallback for reconnects instead of waiting for WebRTC again', async () => {
    const iceFailed = new TransportError('connect_timeout', 'No voice connection within 6 s.');
    const { session, created, statuses } = setup([
      { kind: 'webrtc', outcome: iceFailed },
      { kind: 'websocket', outcome: 'ok' },
      { kind: 'websocket', outcome: 'ok' },
    ]);
    session.start();
    await settle();
    expect(session.getSnapshot()).toMatchObject({ status: 'connected', transport: 'websocket' });
    created[1]!.drop({ reason: 'connection_lost', message: 'The voice connection closed (1006).' });
    await settle(1_000);
    expect(created.map((t) => t.kind)).toEqual(['webrtc', 'websocket', 'websocket']);
    expect(statuses).toEqual(['idle', 'connecting', 'connected', 'reconnecting', 'connected']);
  });

  it('starts a new session with WebRTC first again', async () => {
    const iceFailed = new TransportError('connect_timeout', 'No voice connection within 6 s.');
    const { session, created } = setup([
      { kind: 'webrtc', outcome: iceFailed },
      { kind: 'websocket', outcome: 'ok' },
      { kind: 'webrtc', outcome: 'ok' },
    ]);
    session.start();
    await settle();
    await session.hangUp({ endOnServer: false });
    session.start();
    await settle();
    expect(created.map((t) => t.kind)).toEqual(['webrtc', 'websocket', 'webrtc']);
    expect(session.getSnapshot()).toMatchObject({ status: 'connected', transport: 'webrtc' });
  });

  it('a rate limit during a reconnect keeps it a reconnect (conversation replayed)', async () => {
    const limited = new TransportError('rate_limited', 'OpenAI is rate-limiting voice sessions right now.', 429, 1);
    const { session, created, statuses } = setup([{ outcome: 'ok' }, { outcome: limited }, { outcome: 'ok' }]);
    session.start();
    await settle();
    session.sendText('Say it again.');
    created[0]!.echoLastItem();
    created[0]!.drop({ reason: 'connection_lost', message: 'gone' });
    await settle(1_000);
    expect(session.getSnapshot().status).toBe('waiting');
    await settle(1_000);
    expect(statuses).toEqual(['idle', 'connecting', 'connected', 'reconnecting', 'waiting', 'reconnecting', 'connected']);
    expect(created[2]!.sent.filter((e) => e.type === 'conversation.item.create')).toHaveLength(1);
  });
});
