/**
 * The conversation the coach console drives, whatever the session's mode (the architecture's graceful
 * degradation): live voice (`VoiceSession`), chat + speech (`FallbackSession`) or the scripted demo
 * (`DemoSession`). It starts the engine for the mode the token service granted and, when live voice is
 * refused or keeps failing mid-session (the realtime engine reports status `fallback`), asks the server
 * to turn the session into a fallback session and hands the transcript to a `FallbackSession`, saying so.
 *
 * The fallback and demo engines are loaded on demand: most sessions never need them, and the page's
 * first-load JavaScript budget is for the live path.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { CoachMode } from '../types/api';
import { primeSpeechSynthesis, unlockAudio, type UnlockedAudio } from './audio-setup';
import type { TokenManager } from './token-manager';
import type { EngineStart, VoiceController } from './voice-controller';
import type { VoiceSession } from './voice-session';
import type { TransportPreference, VoiceSnapshot } from './voice-session-types';

export type EngineKind = Exclude<CoachMode, 'realtime'>;

export interface CoachVoiceDeps {
  tokens: TokenManager;
  realtime: VoiceSession;
  /** Builds the fallback or demo engine (dynamic import in the app; direct in tests). */
  loadEngine(kind: EngineKind): Promise<VoiceController>;
}

/** Why the live conversation continues in chat + speech (kept on screen): the reason's first sentence. */
export function switchNotice(reason: string | undefined): string {
  const first = reason?.match(/^.*?[.!?](?=\s|$)/)?.[0] ?? reason;
  const why = first ? `: ${first.replace(/[.!?]$/, '')}` : '';
  return `Live voice stopped working${why}. Your coach continues with speech-to-text and spoken replies; the conversation so far is kept.`;
}

export class CoachVoice implements VoiceController {
  private active: VoiceController;
  private audio: UnlockedAudio | undefined;
  private readonly listeners = new Set<() => void>();
  private unsubscribe: () => void;
  private preference: TransportPreference = 'auto';
  private online = true;
  private pushToTalk = false;
  private handingOver = false;
  /** The current conversation was connected at some point (a hand-over then needs saying). */
  private wasLive = false;
  /** A failure of the hand-over itself (shown instead of the engine's snapshot). */
  private override: Partial<VoiceSnapshot> | undefined;
  private cached: VoiceSnapshot | undefined;

  constructor(private readonly deps: CoachVoiceDeps) {
    this.active = deps.realtime;
    this.unsubscribe = this.watch(deps.realtime);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): VoiceSnapshot => {
    this.cached ??= { ...this.active.getSnapshot(), ...this.override };
    return this.cached;
  };

  /** From the click: audio (and, for the demo, speech synthesis) is unlocked here, synchronously. */
  start(options: EngineStart = {}): void {
    this.audio ??= options.audio ?? unlockAudio();
    const mode = this.deps.tokens.current()?.mode;
    if (mode !== 'realtime') primeSpeechSynthesis();
    this.override = undefined;
    if (this.active !== this.deps.realtime && !['failed', 'ended', 'idle'].includes(this.active.getSnapshot().status)) return;
    this.wasLive = false;
    if (mode === 'demo' || mode === 'fallback') return void this.switchTo(mode, { audio: this.audio });
    // A previous conversation ran in another engine: a new one starts from the live path again.
    if (this.active !== this.deps.realtime) this.use(this.deps.realtime);
    this.deps.realtime.start({ audio: this.audio });
  }

  hangUp(options?: { endOnServer?: boolean }): Promise<void> {
    this.override = undefined;
    return this.active.hangUp(options);
  }

  leave(): void {
    this.active.leave();
  }

  sendText(text: string): boolean {
    return this.active.sendText(text);
  }

  interrupt(): void {
    this.active.interrupt();
  }

  setMuted(muted: boolean): void {
    this.active.setMuted(muted);
  }

  setPushToTalk(enabled: boolean): void {
    this.pushToTalk = enabled;
    this.active.setPushToTalk(enabled);
  }

  holdToTalk(held: boolean): void {
    this.active.holdToTalk(held);
  }

  setPreference(preference: TransportPreference): void {
    this.preference = preference;
    this.deps.realtime.setPreference(preference);
  }

  setOnline(online: boolean): void {
    this.online = online;
    this.active.setOnline(online);
  }

  transcriptAsText(): string {
    return this.active.transcriptAsText();
  }

  microphoneLevel = (): number => this.active.microphoneLevel();

  dispose(): void {
    this.unsubscribe();
    this.active.dispose();
    if (this.active !== this.deps.realtime) this.deps.realtime.dispose();
    this.audio?.audioContext.close().catch(() => undefined);
  }

  // ---- engines -------------------------------------------------------------------------------

  private watch(engine: VoiceController): () => void {
    return engine.subscribe(() => {
      if (engine !== this.active) return;
      if (engine.getSnapshot().status === 'connected') this.wasLive = true;
      if (engine === this.deps.realtime && engine.getSnapshot().status === 'fallback') void this.handOver();
      this.changed();
    });
  }

  private use(engine: VoiceController): void {
    this.unsubscribe();
    this.active = engine;
    this.unsubscribe = this.watch(engine);
    this.changed();
  }

  /** The realtime engine gave up on live voice: continue the same conversation in chat + speech. */
  private async handOver(): Promise<void> {
    if (this.handingOver) return;
    this.handingOver = true;
    const realtime = this.deps.realtime;
    const { turns, message } = realtime.getSnapshot();
    this.show({ status: 'connecting', message: 'Switching to chat and speech…' });
    realtime.release();
    try {
      const granted = this.deps.tokens.current();
      // The server already moved the session (its key lost realtime access), or gave a fallback or demo
      // session to a click made before the credential arrived: nothing to switch, only to say why.
      if (granted?.mode === 'demo' || granted?.mode === 'fallback') {
        const notice = this.wasLive ? switchNotice(granted.warnings.at(-1) ?? message) : undefined;
        return await this.switchTo(granted.mode, { turns, ...(notice ? { notice } : {}) });
      }
      const switched = await this.deps.tokens.switchToFallback();
      if (!switched.ok && switched.error.code === 'session_ended') {
        // The server ended the session meanwhile (a budget, an operator): close it like its own end.
        this.show({ status: 'ended', message: switched.error.message, serverEnded: { message: switched.error.message } });
        return;
      }
      if (!switched.ok) {
        this.show({ status: 'failed', message: `Live voice stopped working and the coach could not switch to chat and speech: ${switched.error.message}` });
        return;
      }
      await this.switchTo(switched.data.mode === 'demo' ? 'demo' : 'fallback', { turns, notice: switchNotice(message) });
    } finally {
      this.handingOver = false;
    }
  }

  private async switchTo(kind: EngineKind, start: EngineStart): Promise<void> {
    let engine: VoiceController;
    try {
      engine = await this.deps.loadEngine(kind);
    } catch {
      this.show({ status: 'failed', message: 'The coach could not load. Check your connection and reload the page.' });
      return;
    }
    if (this.active !== this.deps.realtime) this.active.dispose();
    engine.setPreference(this.preference);
    engine.setPushToTalk(this.pushToTalk);
    if (!this.online) engine.setOnline(false);
    this.override = undefined;
    this.use(engine);
    engine.start({ ...start, audio: this.audio });
  }

  private show(patch: Partial<VoiceSnapshot>): void {
    this.override = patch;
    this.changed();
  }

  private changed(): void {
    this.cached = undefined;
    for (const listener of this.listeners) listener();
  }
}
