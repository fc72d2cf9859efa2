/**
 * CoachVoice picks the engine for the session's mode and moves a conversation from live voice to chat +
 * speech when live voice gives up, with the transcript carried over and the reason on screen. Engines
 * are fakes here; the real ones run in Chromium (tests/e2e/fallback-mode.test.ts, demo-mode.test.ts).
 */
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../../src/lib/voice-agent/session/audio-setup', () => ({
  unlockAudio: () => ({ audioElement: {}, audioContext: { close: async () => undefined } }),
  primeSpeechSynthesis: vi.fn(),
}));

import { CoachVoice, type EngineKind } from '../../../src/lib/voice-agent/session/coach-voice';
import type { Credential, TokenManager } from '../../../src/lib/voice-agent/session/token-manager';
import type { EngineStart, VoiceController } from '../../../src/lib/voice-agent/session/voice-controller';
import type { VoiceSession } from '../../../src/lib/voice-agent/session/voice-session';
import { initialSnapshot, type VoiceSnapshot } from '../../../src/lib/voice-agent/session/voice-session-types';
import type { ApiResult, CoachMode } from '../../../src/lib/voice-agent/types/api';
import type { TranscriptTurn } from '../../../src/lib/voice-agent/realtime/transcript-state';

class FakeEngine implements VoiceController {
  snapshot: VoiceSnapshot;
  readonly started: EngineStart[] = [];
  released = 0;
  disposed = 0;
  readonly sentTexts: string[] = [];
  private readonly listeners = new Set<() => void>();
  constructor(readonly name: string, mode?: CoachMode) {
    this.snapshot = initialSnapshot({ mode });
  }
  set(patch: Partial<VoiceSnapshot>) {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of this.listeners) l();
  }
  subscribe = (l: () => void) => {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  };
  getSnapshot = () => this.snapshot;
  start(options: EngineStart = {}) {
    this.started.push(options);
    // The live engine connects later (the tests say when); the others are ready at once.
    this.set({ status: this.name === 'realtime' ? 'connecting' : 'connected', ...(options.notice ? { notice: options.notice } : {}), turns: options.turns ?? [] });
  }
  async hangUp() {
    this.set({ status: 'ended' });
  }
  release() {
    this.released++;
    this.set({ status: 'ended' });
  }
  leave() {}
  sendText(text: string) {
    this.sentTexts.push(text);
    return true;
  }
  interrupt() {}
  setMuted() {}
  setPushToTalk() {}
  holdToTalk() {}
  setPreference() {}
  setOnline() {}
  transcriptAsText() {
    return this.name;
  }
  microphoneLevel = () => 0;
  dispose() {
    this.disposed++;
  }
}

const ok = (mode: CoachMode): ApiResult<Credential> => ({
  ok: true,
  data: { token: 'secret', sessionId: 'sess_1', mode, warnings: [], expiresAtLocal: Date.now() + 60_000 },
  meta: { status: 200, clockSkewMs: 0 },
});

function setup(heldMode: CoachMode | undefined, switchResult: ApiResult<Credential> = ok('fallback')) {
  let mode = heldMode;
  const tokens = {
    prefetch: vi.fn(),
    acquire: vi.fn(),
    renew: vi.fn(),
    switchToFallback: vi.fn(async () => {
      if (switchResult.ok) mode = switchResult.data.mode;
      return switchResult;
    }),
    current: () => (mode ? { sessionId: 'sess_1', mode, warnings: [], expiresAtLocal: Date.now() + 60_000 } : undefined),
    clear: vi.fn(),
  } as unknown as TokenManager;
  const realtime = new FakeEngine('realtime', 'realtime');
  const loaded: Array<{ kind: EngineKind; engine: FakeEngine }> = [];
  const voice = new CoachVoice({
    tokens,
    realtime: realtime as unknown as VoiceSession,
    loadEngine: async (kind) => {
      const engine = new FakeEngine(kind, kind);
      loaded.push({ kind, engine });
      return engine;
    },
  });
  return { voice, tokens, realtime, loaded, setMode: (m: CoachMode) => (mode = m) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const turn = (itemId: string, role: 'user' | 'assistant', text: string): TranscriptTurn => ({ itemId, role, text, status: 'done', source: 'voice' });

describe('CoachVoice', () => {
  it('starts live voice for a realtime session and shows its snapshot', () => {
    const { voice, realtime, loaded } = setup('realtime');
    voice.start();
    realtime.set({ status: 'connected' });
    expect(realtime.started).toHaveLength(1);
    expect(realtime.started[0]!.audio).toBeDefined();
    expect(loaded).toEqual([]);
    expect(voice.getSnapshot()).toMatchObject({ status: 'connected', mode: 'realtime' });
  });

  it('starts the demo or fallback engine straight away when the session is in that mode', async () => {
    for (const mode of ['demo', 'fallback'] as const) {
      const { voice, realtime, loaded } = setup(mode);
      voice.start();
      await settle();
      expect(realtime.started).toEqual([]);
      expect(loaded.map((l) => l.kind)).toEqual([mode]);
      expect(voice.getSnapshot()).toMatchObject({ status: 'connected', mode });
      expect(voice.sendText('hello')).toBe(true);
      expect(loaded[0]!.engine.sentTexts).toEqual(['hello']);
    }
  });

  it('moves a live conversation to chat + speech when live voice gives up, keeping the transcript and saying why', async () => {
    const { voice, realtime, loaded, tokens } = setup('realtime');
    voice.start();
    realtime.set({ status: 'connected' });
    const turns = [turn('u1', 'user', 'How do I pitch AI to my board?'), turn('a1', 'assistant', 'Start with the decision you need.')];
    realtime.set({ turns });
    realtime.set({ status: 'fallback', message: 'The live voice connection was lost and could not be restored.' });
    expect(voice.getSnapshot()).toMatchObject({ status: 'connecting', message: 'Switching to chat and speech…' });
    await settle();
    expect(realtime.released).toBe(1);
    expect(tokens.switchToFallback).toHaveBeenCalledTimes(1);
    expect(loaded.map((l) => l.kind)).toEqual(['fallback']);
    const fallback = loaded[0]!.engine;
    expect(fallback.started[0]!.turns).toEqual(turns);
    expect(fallback.started[0]!.audio).toBe(realtime.started[0]!.audio);
    const snapshot = voice.getSnapshot();
    expect(snapshot).toMatchObject({ status: 'connected', mode: 'fallback', turns });
    expect(snapshot.notice).toContain('Live voice stopped working: The live voice connection was lost and could not be restored. Your coach continues');
    expect(voice.transcriptAsText()).toBe('fallback');
  });

  it('does not ask the server to switch when the session it got after the click is already a fallback one', async () => {
    const { voice, realtime, loaded, tokens, setMode } = setup(undefined);
    voice.start();
    setMode('fallback');
    realtime.set({ status: 'fallback', message: 'Live voice is not available for this session.' });
    await settle();
    expect(tokens.switchToFallback).not.toHaveBeenCalled();
    expect(loaded.map((l) => l.kind)).toEqual(['fallback']);
    expect(voice.getSnapshot().notice).toBeUndefined();
  });

  it('says why when the server itself moved a live session to fallback (its key lost realtime access)', async () => {
    const { voice, realtime, loaded, tokens, setMode } = setup('realtime');
    voice.start();
    realtime.set({ status: 'connected' });
    setMode('fallback');
    const current = tokens.current;
    tokens.current = () => ({ ...current()!, warnings: ['The key has no access to the realtime model. Using chat and speech (fallback mode) instead of live voice.'] });
    realtime.set({ status: 'fallback', message: 'This session has no realtime voice.' });
    await settle();
    expect(tokens.switchToFallback).not.toHaveBeenCalled();
    expect(loaded.map((l) => l.kind)).toEqual(['fallback']);
    expect(voice.getSnapshot().notice).toBe(
      'Live voice stopped working: The key has no access to the realtime model. Your coach continues with speech-to-text and spoken replies; the conversation so far is kept.',
    );
  });

  it('says so plainly when the switch itself is refused', async () => {
    const refused: ApiResult<Credential> = { ok: false, error: { kind: 'http', status: 404, code: 'session_not_found', message: 'This session has ended or expired.' } };
    const { voice, realtime, loaded } = setup('realtime', refused);
    voice.start();
    realtime.set({ status: 'fallback', message: 'No voice connection within 10 s.' });
    await settle();
    expect(loaded).toEqual([]);
    expect(voice.getSnapshot()).toMatchObject({ status: 'failed' });
    expect(voice.getSnapshot().message).toContain('could not switch to chat and speech: This session has ended or expired.');
  });

  it('keeps the snapshot object stable between changes (React useSyncExternalStore)', () => {
    const { voice, realtime } = setup('realtime');
    const first = voice.getSnapshot();
    expect(voice.getSnapshot()).toBe(first);
    realtime.set({ userSpeaking: true });
    expect(voice.getSnapshot()).not.toBe(first);
  });
});
