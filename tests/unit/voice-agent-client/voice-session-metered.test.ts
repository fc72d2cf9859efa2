/**
 * A metered session (issue 8) that the server ends: the voice session asks the server before any automatic
 * recovery and, when the session was ended, closes like a hang-up — status `ended` with the server's reason,
 * no reconnect, no "reconnecting…", no switch to the fallback mode. The meter is a fake here (its polling is
 * tested in session-meter.test.ts); the real one runs in Chromium against the built server (lead's e2e).
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

import type { ServerEnded } from '../../../src/lib/voice-agent/metering/meter-view';
import type { SessionMeterOptions } from '../../../src/lib/voice-agent/metering/session-meter';
import type { Credential } from '../../../src/lib/voice-agent/session/token-manager';
import { TransportError } from '../../../src/lib/voice-agent/transports/realtime-transport';
import { credential, settle, setup, type Outcome } from './voice-session-rig';

const ENDED: ServerEnded = { reason: 'session_minutes', message: 'This session reached its 30-minute limit.' };

const metered = (n: number): Credential => ({
  ...credential(n),
  token: `session_token_${n}`,
  realtime: { url: '/api/voice-agent', websocketUrl: '/api/voice-agent/realtime', model: 'gpt-realtime', metered: true },
});

/** A fake meter: `ended` is what the server would say when asked; the test can also push what a poll saw. */
function fakeMeter() {
  const state = { ended: undefined as ServerEnded | undefined, checks: 0, started: [] as SessionMeterOptions[], stopped: 0 };
  const loadMeter = vi.fn(async () => (options: SessionMeterOptions) => {
    state.started.push(options);
    return {
      check: async () => {
        state.checks++;
        if (state.ended) options.onEnded(state.ended);
        return state.ended;
      },
      stop: () => void state.stopped++,
    };
  });
  return { state, loadMeter };
}

function meteredSetup(plan: Array<{ kind?: 'webrtc' | 'websocket'; outcome: Outcome }>) {
  const meter = fakeMeter();
  return { ...setup(plan, { loadMeter: meter.loadMeter }, metered), meter };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal('navigator', { onLine: true });
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('VoiceSession, metered by the server', () => {
  it('follows the meter once connected and shows what it reports', async () => {
    const { session, meter } = meteredSetup([{ outcome: 'ok' }]);
    session.start();
    await settle();
    expect(meter.state.started.map((o) => o.sessionId)).toEqual(['session-1']);
    meter.state.started[0]!.onView({ costUsd: 0.42, connectedSeconds: 360, inputTokens: 10, outputTokens: 20, warningSeconds: 60 });
    expect(session.getSnapshot().meter).toMatchObject({ costUsd: 0.42, connectedSeconds: 360 });
  });

  it('a hung-up call the server ended closes the session gracefully: no reconnect, no fallback', async () => {
    const { session, created, statuses, meter } = meteredSetup([{ outcome: 'ok' }]);
    session.start();
    await settle();
    session.sendText('My opening line.');
    created[0]!.echoLastItem();
    meter.state.ended = ENDED;
    // WebRTC: the server hung the call up; the browser only sees its data channel close.
    created[0]!.drop({ reason: 'connection_lost', message: 'The voice connection closed.' });
    await settle(30_000);
    expect(meter.state.checks).toBe(1);
    expect(created).toHaveLength(1); // not one reconnect
    expect(statuses).toEqual(['idle', 'connecting', 'connected', 'ended']);
    expect(session.getSnapshot()).toMatchObject({ status: 'ended', message: ENDED.message, serverEnded: ENDED, microphone: 'off' });
    expect(session.getSnapshot().turns.map((t) => t.text)).toEqual(['My opening line.']); // the transcript is kept
    expect(meter.state.stopped).toBe(1);
  });

  it('reconnects as usual when the server says the session is still on (a network blip)', async () => {
    const { session, created, statuses, meter } = meteredSetup([{ outcome: 'ok' }, { outcome: 'ok' }]);
    session.start();
    await settle();
    created[0]!.drop({ reason: 'connection_lost', message: 'The voice connection closed (1006).' });
    await settle(10_000);
    expect(meter.state.checks).toBe(1);
    expect(created).toHaveLength(2);
    expect(statuses).toEqual(['idle', 'connecting', 'connected', 'reconnecting', 'connected']);
    expect(meter.state.started).toHaveLength(1); // the same session: one meter
  });

  it('a reconnect refused by /calls asks again before the next attempt, and stops there', async () => {
    const refused = new TransportError('sdp_refused', 'The voice service refused the connection: This session has ended.', 403);
    const { session, created, statuses, meter } = meteredSetup([{ outcome: 'ok' }, { kind: 'webrtc', outcome: refused }]);
    session.start();
    await settle();
    created[0]!.drop({ reason: 'connection_lost', message: 'gone' });
    await settle(0);
    meter.state.ended = ENDED; // ended while the first reconnect was under way
    await settle(30_000);
    expect(created).toHaveLength(2);
    expect(meter.state.checks).toBe(2);
    expect(statuses).toEqual(['idle', 'connecting', 'connected', 'reconnecting', 'ended']);
    expect(statuses).not.toContain('fallback');
  });

  it('a first connection refused because the server already ended the session does not switch to fallback', async () => {
    const refused = new TransportError('sdp_refused', 'The voice service refused the connection: This session has ended.', 403);
    const { session, created, statuses, meter } = meteredSetup([{ outcome: refused }]);
    meter.state.ended = ENDED;
    session.start();
    await settle(30_000);
    expect(created).toHaveLength(1);
    expect(statuses).toEqual(['idle', 'connecting', 'ended']);
    expect(session.getSnapshot().serverEnded).toEqual(ENDED);
  });

  it('a renewal refused with 403 session_ended ends the session with the server\'s words', async () => {
    const { session, created, tokens, statuses } = meteredSetup([{ outcome: 'ok' }]);
    session.start();
    await settle();
    tokens.renew.mockResolvedValueOnce({ ok: false, error: { kind: 'http', status: 403, code: 'session_ended', message: 'An administrator ended this session.' } });
    created[0]!.emit({ type: 'error', event_id: 'e1', error: { type: 'invalid_request_error', code: 'session_expired', message: 'expired' } });
    await settle(10_000);
    expect(statuses).toEqual(['idle', 'connecting', 'connected', 'renewing', 'ended']);
    expect(session.getSnapshot()).toMatchObject({ status: 'ended', serverEnded: { message: 'An administrator ended this session.' } });
  });

  it('a poll that finds the session ended closes the live connection at once', async () => {
    const { session, created, meter, statuses } = meteredSetup([{ outcome: 'ok' }, { outcome: 'ok' }]);
    session.start();
    await settle();
    meter.state.started[0]!.onEnded(ENDED);
    expect(created[0]!.closed).toBe(true);
    expect(statuses).toEqual(['idle', 'connecting', 'connected', 'ended']);
    // The console then wraps it up with the user's own hang-up: the reason stays on the status line.
    await session.hangUp({ endOnServer: false });
    expect(session.getSnapshot()).toMatchObject({ status: 'ended', message: ENDED.message, serverEnded: ENDED });
    // A new conversation starts clean.
    session.start();
    await settle();
    expect(session.getSnapshot()).toMatchObject({ status: 'connected', serverEnded: undefined });
  });

  it('back online after the server ended the session: no reconnect', async () => {
    const { session, created, statuses, meter } = meteredSetup([{ outcome: 'ok' }]);
    session.start();
    await settle();
    vi.stubGlobal('navigator', { onLine: false });
    created[0]!.drop({ reason: 'connection_lost', message: 'gone' });
    await settle();
    expect(session.getSnapshot().status).toBe('offline');
    meter.state.ended = ENDED;
    vi.stubGlobal('navigator', { onLine: true });
    session.setOnline(true);
    await settle(30_000);
    expect(created).toHaveLength(1);
    expect(statuses).toEqual(['idle', 'connecting', 'connected', 'offline', 'ended']);
  });
});

describe('VoiceSession, not metered', () => {
  it('never loads the meter and reconnects without asking', async () => {
    const loadMeter = vi.fn();
    const { session, created, statuses } = setup([{ outcome: 'ok' }, { outcome: 'ok' }], { loadMeter });
    session.start();
    await settle();
    created[0]!.drop({ reason: 'connection_lost', message: 'gone' });
    await settle(10_000);
    expect(loadMeter).not.toHaveBeenCalled();
    expect(statuses).toEqual(['idle', 'connecting', 'connected', 'reconnecting', 'connected']);
    expect(session.getSnapshot().meter).toBeUndefined();
  });
});
