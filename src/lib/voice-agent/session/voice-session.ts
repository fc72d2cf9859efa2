/**
 * The voice session: one object that owns a conversation with the coach from the click to the hang-up
 * and through everything in between (the architecture's ErrorHandling): connect (WebRTC, else WebSocket),
 * a refreshed token when one expired, a countdown on rate limits, reconnection with backoff when the
 * connection drops, an offline pause, and the transparent renewal before the upstream's session cap —
 * new token, new connection, the conversation so far replayed. Server events feed the transcript,
 * response tracker, tool runner and usage meter; the UI subscribes to snapshots. This module keeps the
 * connection's lifecycle and the public API; what happens after a failure, the renewal timing and the
 * offline pause are carried out by `RecoveryExecutor` (recovery-executor.ts), the microphone's gating by
 * `MicrophoneGate` (microphone-gate.ts), a metered session's link to the server's meter by `MeteringLink`.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { endSession, endSessionOnUnload } from '../api/voice-agent-api';
import { createMeteringLink, type MeteringLink } from '../metering/metering-link';
import type { ClientEvent } from '../realtime/client-events';
import { parseServerEvent, type RealtimeInput } from '../realtime/realtime-events';
import type { RealtimeTransport, TransportKind } from '../transports/realtime-transport';
import { unlockAudio, type UnlockedAudio } from './audio-setup';
import { MicrophoneGate } from './microphone-gate';
import { RecoveryExecutor } from './recovery-executor';
import type { Credential } from './token-manager';
import { connectRealtime, telemetryReason } from './voice-connection';
import { VoiceConversation } from './voice-conversation';
import type { ConnectPhase } from './voice-recovery';
import { SessionSummary } from './session-summary';
import { SessionTimers } from './session-timers';
import { SnapshotStore } from './snapshot-store';
import { initialSnapshot, type TransportPreference, type VoiceSessionDeps, type VoiceSnapshot } from './voice-session-types';
import type { EngineStart, VoiceController } from './voice-controller';

export type { VoiceSessionDeps };

export class VoiceSession extends SnapshotStore<VoiceSnapshot> implements VoiceController {
  private transport: RealtimeTransport | undefined;
  private audio: UnlockedAudio | undefined;
  private readonly mic: MicrophoneGate;
  private abort = new AbortController();
  private readonly timers = new SessionTimers();
  /** The kind of the last connection that worked; a reconnect or renewal tries it first (auto mode). */
  private workingKind: TransportKind | undefined;
  private readonly summary: SessionSummary;
  /** Whether this session made the AudioContext (then it closes it); a shared one belongs to the caller. */
  private ownsAudio = false;
  private readonly conversation: VoiceConversation;
  private readonly recovery: RecoveryExecutor;
  private readonly metering: MeteringLink;

  constructor(private readonly deps: VoiceSessionDeps) {
    super(initialSnapshot({ preference: deps.preference ?? 'auto' }));
    this.summary = new SessionSummary(deps.telemetry);
    this.mic = new MicrophoneGate({
      telemetry: deps.telemetry,
      transport: () => this.transport,
      offline: () => this.snapshot.status === 'offline',
      update: (patch) => this.update(patch),
    });
    this.recovery = new RecoveryExecutor({
      tokens: deps.tokens,
      timers: this.timers,
      signal: () => this.abort.signal,
      snapshot: () => this.snapshot,
      update: (patch) => this.update(patch),
      transport: () => this.transport,
      begin: () => this.begin(),
      connect: (credential, phase) => this.connect(credential, phase),
      applyMicrophone: () => this.mic.apply(),
      checkEnded: () => this.metering.ended(),
      stop: () => this.stopEverything(),
    });
    this.metering = createMeteringLink({ onView: (meter) => this.update({ meter }), onEnded: (ended) => this.recovery.endedByServer(ended), load: deps.loadMeter });
    this.conversation = new VoiceConversation({
      send: (event) => this.send(event),
      search: deps.search,
      telemetry: deps.telemetry,
      sessionId: () => this.snapshot.sessionId,
      update: (patch) => this.update(patch),
      searches: () => this.snapshot.searches,
      onSessionCreated: (expiresAt) => this.recovery.scheduleRenewal(expiresAt),
      onSessionExpired: () => void this.recovery.renew('renewing'),
      onBargeIn: () => this.interrupt(),
    });
  }

  // ---- what the UI calls (subscribe and getSnapshot: SnapshotStore) ---------------------------

  /** Prefetch a credential while the page is idle, so the click needs one round trip. */
  prefetch(): void {
    void this.deps.tokens.prefetch().then((result) => {
      if (result.ok && this.snapshot.status === 'idle') {
        this.update({ mode: result.data.mode, warnings: result.data.warnings, sessionId: result.data.sessionId });
      }
    });
  }

  /** Must be called from the click handler itself (audio unlock needs the gesture), unless `audio` is given. */
  start(options: EngineStart = {}): void {
    if (!['idle', 'failed', 'ended'].includes(this.snapshot.status)) return;
    if (options.audio) this.audio = options.audio;
    else if (!this.audio) {
      this.audio = unlockAudio();
      this.ownsAudio = true;
    }
    this.abort = new AbortController();
    this.recovery.resetAttempts();
    this.workingKind = undefined;
    this.update({ status: 'connecting', message: 'Connecting to your coach…', retryAt: undefined, meter: undefined, serverEnded: undefined });
    void this.begin();
  }

  /** Hang up: close everything and end the session on the server. */
  async hangUp({ endOnServer = true }: { endOnServer?: boolean } = {}): Promise<void> {
    const sessionId = this.snapshot.sessionId;
    this.stopEverything();
    this.reportSummary();
    this.deps.telemetry.stop();
    this.deps.tokens.clear();
    // A session the server ended keeps saying why.
    this.update({ status: 'ended', message: this.snapshot.serverEnded?.message ?? 'Session ended.', coachSpeaking: false, userSpeaking: false, microphone: 'off' });
    if (sessionId && endOnServer) await endSession(sessionId);
  }

  /** The page is going away: beacons only (fetch may not finish). */
  leave(): void {
    const sessionId = this.snapshot.sessionId;
    if (!sessionId || this.snapshot.status === 'ended') return;
    this.reportSummary();
    this.deps.telemetry.stop({ beacon: true });
    endSessionOnUnload(sessionId);
    this.stopEverything();
    this.deps.tokens.clear();
    this.update({ status: 'ended', message: 'Your session was closed when you left the page.' });
  }

  /** Type instead of speaking. */
  sendText(text: string): boolean {
    const clean = text.trim();
    if (!clean || !this.transport) return false;
    if (this.conversation.isResponding) this.interrupt();
    this.conversation.sendText(clean);
    return true;
  }

  /** Stop the coach mid-sentence (the stop button; speaking over it does the same on the server). */
  interrupt(): void {
    if (!this.transport) return;
    const played = this.transport.stopPlayback();
    for (const event of this.conversation.interruptEvents(this.transport.kind, played?.playedMs)) this.send(event);
  }

  setMuted(muted: boolean): void {
    this.mic.setMuted(muted);
  }

  setPushToTalk(enabled: boolean): void {
    this.mic.setPushToTalk(enabled);
  }

  /** Push-to-talk: the microphone is live only while held. */
  holdToTalk(held: boolean): void {
    this.mic.hold(held);
  }

  /** Browser online/offline events (wired by the UI). */
  setOnline(online: boolean): void {
    this.recovery.setOnline(online);
  }

  setPreference(preference: TransportPreference): void {
    this.update({ preference });
  }

  transcriptAsText(): string {
    return this.conversation.asText();
  }

  /** 0..1, for the microphone meter (0 when muted or closed). */
  microphoneLevel = (): number => (this.snapshot.microphone === 'live' ? this.mic.level() : 0);

  /** For meters and tests: inbound audio of the live transport. */
  inboundAudio() {
    return this.transport?.inboundAudio() ?? Promise.resolve(null);
  }

  dispose(): void {
    this.stopEverything();
    this.conversation.dispose();
    if (this.ownsAudio) this.audio?.audioContext.close().catch(() => undefined);
  }

  /**
   * Another engine takes over this conversation (status `fallback`): close the connection and the
   * microphone, report what the live part used, and keep the server session and telemetry running.
   */
  release(): void {
    this.stopEverything();
    this.reportSummary();
    this.update({ status: 'ended', message: undefined, coachSpeaking: false, userSpeaking: false, microphone: 'off' });
  }

  // ---- connecting ----------------------------------------------------------------------------

  private async begin(): Promise<void> {
    await this.mic.open(this.audio!.audioContext);
    const credential = await this.deps.tokens.acquire(this.abort.signal);
    if (!credential.ok) return this.recovery.credentialFailed(credential.error);
    this.update({ mode: credential.data.mode, warnings: credential.data.warnings, sessionId: credential.data.sessionId });
    this.deps.telemetry.start(credential.data.sessionId);
    if (credential.data.mode !== 'realtime') {
      this.update({ status: 'fallback', message: 'Live voice is not available for this session; the coach continues in fallback mode.' });
      return;
    }
    // From the first attempt: a session the server ended before its voice came up must not fall back either.
    this.metering.watch(credential.data);
    await this.connect(credential.data, 'connecting');
  }

  private async connect(credential: Credential, phase: ConnectPhase): Promise<void> {
    const audio = this.audio!;
    const outcome = await connectRealtime({
      preference: this.snapshot.preference,
      // The network decided once: after a fallback to WebSocket (UDP blocked), trying WebRTC first again
      // would cost its whole timeout on every reconnect and renewal — longer than the renewal's lead.
      ...(phase !== 'connecting' && this.workingKind ? { prefer: this.workingKind } : {}),
      create: (kind) => this.deps.createTransport(kind),
      credential,
      renew: () => this.deps.tokens.renew(this.abort.signal),
      microphone: this.mic.stream ?? new MediaStream(),
      audioElement: audio.audioElement,
      audioContext: audio.audioContext,
      signal: this.abort.signal,
      // Every failed attempt is reported, the ones a fallback or retry made good included.
      onAttemptFailed: (kind, error) =>
        this.deps.telemetry.record({ type: 'connection_failed', transport: kind, reason: telemetryReason(error.reason), detail: error.message }),
    });
    if (this.abort.signal.aborted) {
      if (outcome.ok) outcome.transport.close();
      return;
    }
    if (!outcome.ok) {
      if ('credentialFailure' in outcome) return this.recovery.credentialFailed(outcome.credentialFailure, phase);
      return this.recovery.connectionFailed(outcome.error, phase);
    }
    const previous = this.transport;
    const replay = this.conversation.startNewConnection({ replay: phase !== 'connecting', open: Boolean(outcome.credential.scenario) });
    this.attach(outcome.transport);
    for (const event of replay) this.send(event);
    this.deps.telemetry.record({ type: 'connected', transport: outcome.transport.kind, connectMs: outcome.connectMs, attempt: this.recovery.attempts });
    previous?.close();
    this.workingKind = outcome.transport.kind;
    this.summary.started();
    this.metering.watch(outcome.credential);
    this.recovery.resetAttempts();
    this.update({ status: 'connected', transport: outcome.transport.kind, message: undefined, retryAt: undefined, sessionId: outcome.credential.sessionId });
  }

  private attach(transport: RealtimeTransport): void {
    this.transport = transport;
    transport.onEvent((raw) => {
      if (this.transport !== transport) return; // a replaced connection's stragglers
      const event = raw.type.startsWith('app.') ? (raw as unknown as RealtimeInput) : parseServerEvent(raw);
      if (event) this.conversation.handle(event, transport.kind);
    });
    transport.onClose((info) => {
      if (this.transport !== transport) return;
      this.transport = undefined;
      this.update({ coachSpeaking: false, userSpeaking: false });
      // Already moving to a new connection (e.g. the `session_expired` error came first and this is the
      // close that follows it): that move replaces this connection; a reconnect would open a second one.
      if (this.recovery.isMoving) return;
      if (info.reason === 'session_expired') return void this.recovery.renew('renewing');
      this.deps.telemetry.record({ type: 'connection_failed', transport: transport.kind, reason: 'connection_lost', detail: info.message });
      void this.recovery.reconnect();
    });
    this.mic.apply();
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private send(event: ClientEvent | { type: string }): void {
    this.transport?.send(event as { type: string } & Record<string, unknown>);
  }

  private reportSummary(): void {
    this.summary.report(() => this.conversation.summary());
  }

  private stopEverything(): void {
    this.abort.abort();
    this.timers.clear();
    this.metering.stop();
    this.transport?.close();
    this.transport = undefined;
    this.mic.close();
  }
}
