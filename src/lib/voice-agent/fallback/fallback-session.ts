/**
 * The fallback coach (docs/fallback-and-demo.md): the same `VoiceController` as the realtime session,
 * over three plain HTTPS endpoints instead of a live voice connection —
 *
 *   microphone → capture worklet (16 kHz) → VAD or push-to-talk → WAV → /transcribe → user turn
 *   → /chat (server-sent events: reply text, searches) → sentences → /speech (streamed PCM) → speakers
 *
 * This class owns the lifecycle (click → connected → hang-up), the microphone and its gates (mute,
 * push-to-talk, offline), the credential (the session id may change under it: telemetry follows) and
 * the status line (rate-limit countdowns, failures). The conversation itself — turns, replies,
 * barge-in — is `FallbackConversation`; a metered session's meter and the server's end, `FallbackMetering`.
 *
 * Every browser API is behind an injectable seam (audio unlock, microphone, capture, player, fetch,
 * clock, performance marks), so the flows run in Node tests and the page drives one plain object.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { createPcmPlayer } from '../audio/pcm-player';
import { endSession, endSessionOnUnload } from '../api/voice-agent-api';
import { unlockAudio, type UnlockedAudio } from '../session/audio-setup';
import { SessionSummary } from '../session/session-summary';
import { SessionTimers } from '../session/session-timers';
import { SnapshotStore } from '../session/snapshot-store';
import type { Credential } from '../session/token-manager';
import type { EngineStart, VoiceController } from '../session/voice-controller';
import { VoiceMicrophone } from '../session/voice-microphone';
import { initialSnapshot, type TransportPreference, type VoiceSnapshot } from '../session/voice-session-types';
import type { ApiFailure } from '../types/api';
import { createFallbackApi } from './fallback-api';
import { FallbackConversation } from './fallback-conversation';
import { FallbackMetering } from './fallback-metering';
import { FallbackMicrophone } from './fallback-microphone';
import { MESSAGES } from './fallback-messages';
import { createRequestRunner, DEFAULT_RETRY_SECONDS } from './fallback-requests';
import { CAPTURE_RATE, startWorkletCapture } from './mic-capture';
import { defaultMark, type FallbackSessionDeps } from './fallback-session-deps';

export type { FallbackSessionDeps } from './fallback-session-deps';

const LIVE: ReadonlySet<VoiceSnapshot['status']> = new Set(['connected', 'waiting']);

export class FallbackSession extends SnapshotStore<VoiceSnapshot> implements VoiceController {
  private readonly conversation: FallbackConversation;
  private readonly mic: FallbackMicrophone;
  private readonly timers = new SessionTimers();
  private readonly now: () => number;
  private audio: UnlockedAudio | undefined;
  /** Whether this session made the AudioContext (then it closes it); a shared one belongs to the caller. */
  private ownsAudio = false;
  private abort = new AbortController();
  /** The microphone's failure, kept on the status line while the session runs (typing still works). */
  private micMessage: string | undefined;
  private telemetrySessionId: string | undefined;
  private readonly summary: SessionSummary;
  private readonly metering: FallbackMetering;

  constructor(private readonly deps: FallbackSessionDeps) {
    super(initialSnapshot({ preference: deps.preference ?? 'auto', mode: 'fallback' }));
    this.now = deps.now ?? Date.now;
    this.summary = new SessionSummary(deps.telemetry, this.now);
    this.mic = new FallbackMicrophone(deps.microphone ?? new VoiceMicrophone(), deps.startCapture ?? startWorkletCapture);
    this.metering = new FallbackMetering({ snapshot: () => this.snapshot, update: (patch) => this.update(patch), close: (patch) => this.close(patch), load: deps.loadMeter });
    const api = deps.api ?? createFallbackApi({ fetch: deps.fetch });
    const run = createRequestRunner({
      tokens: deps.tokens,
      now: this.now,
      onCredential: (credential) => this.adopt(credential),
      onWaiting: (failure, retryAt) => this.waiting(failure, retryAt),
      onWaitOver: () => this.waitOver(),
      onSessionEnded: (failure) => this.metering.endedBy(failure),
    });
    this.conversation = new FallbackConversation({
      api,
      run,
      createPlayer: (options) => (deps.createPlayer ?? createPcmPlayer)(this.audio!.audioContext, options),
      telemetry: deps.telemetry,
      update: (patch) => this.conversationUpdate(patch),
      signal: () => this.abort.signal,
      onFatal: (failure) => this.fatal(failure),
      captureRate: CAPTURE_RATE,
      now: this.now,
      mark: deps.mark ?? defaultMark,
      ...(deps.language ? { language: deps.language } : {}),
    });
  }

  // ---- what the UI calls (subscribe and getSnapshot: SnapshotStore) ---------------------------

  /** From the click (audio unlock needs the gesture), or with the audio a click already unlocked. */
  start(options: EngineStart = {}): void {
    if (!['idle', 'failed', 'ended'].includes(this.snapshot.status)) return;
    if (options.audio) this.audio = options.audio;
    else if (!this.audio) {
      this.audio = (this.deps.unlockAudio ?? unlockAudio)();
      this.ownsAudio = true;
    }
    this.abort = new AbortController();
    if (options.turns) this.conversation.load(options.turns);
    this.update({ status: 'connecting', message: MESSAGES.connecting, retryAt: undefined, notice: options.notice, meter: undefined, serverEnded: undefined });
    void this.openMicrophone(this.abort.signal);
    void this.begin(this.abort.signal);
  }

  async hangUp({ endOnServer = true }: { endOnServer?: boolean } = {}): Promise<void> {
    const sessionId = this.snapshot.sessionId;
    // A session the server ended keeps saying why.
    this.close({ status: 'ended', message: this.snapshot.serverEnded?.message ?? MESSAGES.ended });
    this.finish();
    if (sessionId && endOnServer) await (this.deps.endSession ?? endSession)(sessionId);
  }

  /** The page is going away: beacons only (fetch may not finish). */
  leave(): void {
    const sessionId = this.snapshot.sessionId;
    if (!sessionId || this.snapshot.status === 'ended') return;
    this.finish({ beacon: true });
    (this.deps.endSessionOnUnload ?? endSessionOnUnload)(sessionId);
    this.stopEverything();
    this.update({ status: 'ended', message: MESSAGES.left });
  }

  sendText(text: string): boolean {
    const clean = text.trim();
    if (!clean || !this.live()) return false;
    this.conversation.sendText(clean);
    return true;
  }

  interrupt(): void {
    this.conversation.interrupt();
  }

  setMuted(muted: boolean): void {
    this.mic.muted = muted;
    if (muted) this.conversation.stopListening();
    this.applyMicrophone();
  }

  setPushToTalk(enabled: boolean): void {
    this.mic.pushToTalk = enabled;
    this.mic.held = false;
    this.conversation.setPushToTalk(enabled);
    this.update({ pushToTalk: enabled });
    this.applyMicrophone();
  }

  holdToTalk(held: boolean): void {
    if (!this.mic.pushToTalk || held === this.mic.held) return;
    this.mic.held = held;
    this.applyMicrophone();
    if (!held) return this.conversation.release();
    if (this.mic.capturing && this.mic.wanted(this.live())) this.conversation.press();
  }

  setPreference(preference: TransportPreference): void {
    this.update({ preference });
  }

  setOnline(online: boolean): void {
    if (!online && this.live()) {
      this.update({ status: 'offline', message: MESSAGES.offline, retryAt: undefined });
      this.conversation.stopListening();
      this.applyMicrophone();
    } else if (online && this.snapshot.status === 'offline') {
      this.update({ status: 'connected', message: this.micMessage });
      this.applyMicrophone();
    }
  }

  transcriptAsText(): string {
    return this.conversation.asText();
  }

  microphoneLevel = (): number => (this.snapshot.microphone === 'live' ? this.mic.level() : 0);

  dispose(): void {
    this.stopEverything();
    if (this.ownsAudio) this.audio?.audioContext.close().catch(() => undefined);
  }

  // ---- starting ------------------------------------------------------------------------------

  private async begin(signal: AbortSignal): Promise<void> {
    let credential = await this.deps.tokens.acquire(signal);
    // Handed a live-voice session: move it to fallback (same id) rather than be refused by every endpoint.
    if (credential.ok && credential.data.mode === 'realtime' && !signal.aborted) credential = await this.deps.tokens.switchToFallback(signal);
    if (signal.aborted) return;
    if (!credential.ok) return this.startFailed(credential.error, signal);
    if (credential.data.mode !== 'fallback') return this.fatal({ kind: 'http', status: 403, code: 'wrong_mode', message: MESSAGES.wrongMode });
    this.adopt(credential.data);
    this.summary.started();
    this.update({ status: 'connected', message: this.micMessage, retryAt: undefined });
    this.applyMicrophone();
    // In a practice scenario the counterpart opens (a conversation carried over from live voice is already open).
    if (credential.data.scenario) this.conversation.open();
  }

  private startFailed(failure: ApiFailure, signal: AbortSignal): void {
    if (this.metering.endedBy(failure)) return; // a switch from live voice the server had already ended
    if (failure.status !== 429 && failure.status !== 503) return this.update({ status: 'failed', message: failure.message });
    const seconds = failure.retryAfterSeconds ?? DEFAULT_RETRY_SECONDS;
    this.update({ status: 'waiting', message: failure.message, retryAt: this.now() + seconds * 1000 });
    this.timers.after(seconds * 1000, () => {
      if (signal.aborted || this.snapshot.status !== 'waiting') return;
      this.update({ status: 'connecting', message: MESSAGES.connecting, retryAt: undefined });
      void this.begin(signal);
    });
  }

  /** In parallel with the credential: typing works while the permission prompt is still open. */
  private async openMicrophone(signal: AbortSignal): Promise<void> {
    const opened = await this.mic.open(this.audio!.audioContext, signal, (pcm) => this.onFrame(pcm));
    if (signal.aborted) return;
    if (opened.ok) return this.applyMicrophone();
    this.micMessage = opened.message; // same words as live voice (audio-setup.ts)
    this.update({ microphone: opened.state, message: opened.message });
  }

  // ---- running -------------------------------------------------------------------------------

  private live(): boolean {
    return LIVE.has(this.snapshot.status);
  }

  private onFrame(pcm: Int16Array): void {
    // Frames already in flight when a gate closed are dropped here.
    if (this.mic.wanted(this.live())) this.conversation.feed(pcm);
  }

  private applyMicrophone(): void {
    const state = this.mic.apply(this.live());
    if (state) this.update({ microphone: state });
  }

  /** A credential a request used: a new session id (the old session was gone) moves telemetry and the meter along. */
  private adopt(credential: Credential): void {
    if (credential.sessionId !== this.snapshot.sessionId) this.update({ sessionId: credential.sessionId, mode: credential.mode, warnings: credential.warnings });
    if (credential.sessionId !== this.telemetrySessionId) {
      this.telemetrySessionId = credential.sessionId;
      this.deps.telemetry.start(credential.sessionId);
    }
    this.metering.watch(credential);
  }

  private waiting(failure: ApiFailure, retryAt: number): void {
    if (!this.live()) return;
    this.update({ status: 'waiting', message: failure.message, retryAt });
    // A request that does not retry (a skipped sentence) still ends the countdown when it runs out.
    this.timers.after(retryAt - this.now(), () => {
      if (this.snapshot.status === 'waiting' && this.snapshot.retryAt === retryAt) this.waitOver();
    });
  }

  private waitOver(): void {
    if (this.snapshot.status !== 'waiting') return;
    this.update({ status: 'connected', message: this.micMessage, retryAt: undefined });
  }

  /** A 403 is a token for another mode, unless it says the server ended the session. */
  private fatal(failure: ApiFailure): void {
    if (!this.metering.endedBy(failure)) this.close({ status: 'failed', message: failure.status === 403 ? MESSAGES.wrongMode : failure.message });
  }

  /** Everything stops; `patch` says why (a failure, the server's end). */
  private close(patch: Partial<VoiceSnapshot>): void {
    this.stopEverything();
    this.update({ ...patch, retryAt: undefined, coachSpeaking: false, userSpeaking: false, microphone: 'off' });
  }

  // ---- plumbing ------------------------------------------------------------------------------

  /** The conversation is over (hang-up, leaving the page): its summary is sent, telemetry stops, the credential goes. */
  private finish(telemetry?: { beacon: true }): void {
    this.summary.report(() => this.conversation.summary());
    this.deps.telemetry.stop(telemetry);
    this.telemetrySessionId = undefined;
    this.deps.tokens.clear();
  }

  private stopEverything(): void {
    this.abort.abort();
    this.timers.clear();
    this.metering.stop();
    this.conversation.stopAll();
    this.mic.close();
    this.micMessage = undefined;
  }

  /**
   * The conversation's passing words ("I didn't catch that", a failed request) go on the status line only
   * while connected: a countdown, the offline notice or a failure keep it until their state ends.
   */
  private conversationUpdate(patch: Partial<VoiceSnapshot>): void {
    if ('message' in patch && this.snapshot.status !== 'connected') {
      const { message: _passing, ...rest } = patch;
      return this.update(rest);
    }
    this.update(patch);
  }
}
