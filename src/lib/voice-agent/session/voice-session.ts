/**
 * The voice session: one object that owns a conversation with the coach from the click to the hang-up
 * and through everything in between (the architecture's ErrorHandling): connect (WebRTC, else WebSocket),
 * a refreshed token when one expired, a countdown on rate limits, reconnection with backoff when the
 * connection drops, an offline pause, and the transparent renewal before the upstream's session cap —
 * new token, new connection, the conversation so far replayed. Server events feed the transcript,
 * response tracker, tool runner and usage meter; the UI subscribes to snapshots.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { endSession, endSessionOnUnload } from '../api/voice-agent-api';
import type { TelemetryClient } from '../api/telemetry-client';
import type { SearchClient } from '../api/search-client';
import type { ClientEvent } from '../realtime/client-events';
import { parseServerEvent, type RealtimeInput } from '../realtime/realtime-events';
import type { RealtimeTransport, TransportError, TransportKind } from '../transports/realtime-transport';
import { unlockAudio, type UnlockedAudio } from './audio-setup';
import type { TokenManager } from './token-manager';
import { connectRealtime, telemetryReason } from './voice-connection';
import { VoiceConversation } from './voice-conversation';
import { MAX_RECONNECTS, reconnectDelayMs, recoveryFor, renewalDelayMs, type ConnectPhase } from './voice-recovery';
import { VoiceMicrophone } from './voice-microphone';
import { SessionSummary } from './session-summary';
import { SessionTimers } from './session-timers';
import { SnapshotStore } from './snapshot-store';
import { initialSnapshot, type TransportPreference, type VoiceSnapshot } from './voice-session-types';
import type { EngineStart, VoiceController } from './voice-controller';


export interface VoiceSessionDeps {
  tokens: TokenManager;
  telemetry: TelemetryClient;
  search: SearchClient;
  createTransport(kind: TransportKind): RealtimeTransport;
  preference?: TransportPreference;
}

export class VoiceSession extends SnapshotStore<VoiceSnapshot> implements VoiceController {
  private transport: RealtimeTransport | undefined;
  private audio: UnlockedAudio | undefined;
  private readonly mic = new VoiceMicrophone();
  private abort = new AbortController();
  private readonly timers = new SessionTimers();
  private reconnects = 0;
  /**
   * The move to a new connection in flight (renewal or reconnect). One at a time, whoever asks: the
   * renewal timer, the server's `session_expired` error and the close that follows it all name the same
   * event, and each must not open a connection of its own.
   */
  private moving: Promise<void> | undefined;
  /** The kind of the last connection that worked; a reconnect or renewal tries it first (auto mode). */
  private workingKind: TransportKind | undefined;
  private readonly summary: SessionSummary;
  /** Whether this session made the AudioContext (then it closes it); a shared one belongs to the caller. */
  private ownsAudio = false;
  private readonly conversation: VoiceConversation;

  constructor(private readonly deps: VoiceSessionDeps) {
    super(initialSnapshot({ preference: deps.preference ?? 'auto' }));
    this.summary = new SessionSummary(deps.telemetry);
    this.conversation = new VoiceConversation({
      send: (event) => this.send(event),
      search: deps.search,
      telemetry: deps.telemetry,
      sessionId: () => this.snapshot.sessionId,
      update: (patch) => this.update(patch),
      searches: () => this.snapshot.searches,
      onSessionCreated: (expiresAt) => this.scheduleRenewal(expiresAt),
      onSessionExpired: () => void this.renew('renewing'),
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
    this.reconnects = 0;
    this.workingKind = undefined;
    this.update({ status: 'connecting', message: 'Connecting to your coach…', retryAt: undefined });
    void this.begin();
  }

  /** Hang up: close everything and end the session on the server. */
  async hangUp({ endOnServer = true }: { endOnServer?: boolean } = {}): Promise<void> {
    const sessionId = this.snapshot.sessionId;
    this.stopEverything();
    this.reportSummary();
    this.deps.telemetry.stop();
    this.deps.tokens.clear();
    this.update({ status: 'ended', message: 'Session ended.', coachSpeaking: false, userSpeaking: false, microphone: 'off' });
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
    this.mic.muted = muted;
    this.applyMicrophone();
  }

  setPushToTalk(enabled: boolean): void {
    this.mic.pushToTalk = enabled;
    this.mic.held = false;
    this.update({ pushToTalk: enabled });
    this.applyMicrophone();
  }

  /** Push-to-talk: the microphone is live only while held. */
  holdToTalk(held: boolean): void {
    this.mic.held = held;
    this.applyMicrophone();
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
    const mic = await this.mic.open(this.audio!.audioContext);
    if (!mic.ok) {
      this.update({ microphone: mic.reason === 'denied' ? 'denied' : 'unavailable', message: mic.message });
      this.deps.telemetry.record({ type: 'connection_failed', transport: 'webrtc', reason: 'microphone_denied' });
    }
    const credential = await this.deps.tokens.acquire(this.abort.signal);
    if (!credential.ok) return this.credentialFailed(credential.error);
    this.update({ mode: credential.data.mode, warnings: credential.data.warnings, sessionId: credential.data.sessionId });
    this.deps.telemetry.start(credential.data.sessionId);
    if (credential.data.mode !== 'realtime') {
      this.update({ status: 'fallback', message: 'Live voice is not available for this session; the coach continues in fallback mode.' });
      return;
    }
    await this.connect(credential.data, 'connecting');
  }

  private async connect(credential: Parameters<typeof connectRealtime>[0]['credential'], phase: ConnectPhase): Promise<void> {
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
      onAttemptFailed: (kind, error) => this.attemptFailed(kind, error),
    });
    if (this.abort.signal.aborted) {
      if (outcome.ok) outcome.transport.close();
      return;
    }
    if (!outcome.ok) {
      if ('credentialFailure' in outcome) return this.credentialFailed(outcome.credentialFailure, phase);
      return this.connectionFailed(outcome.error, phase);
    }
    const previous = this.transport;
    const replay = this.conversation.startNewConnection({ replay: phase !== 'connecting' });
    this.attach(outcome.transport);
    for (const event of replay) this.send(event);
    this.deps.telemetry.record({ type: 'connected', transport: outcome.transport.kind, connectMs: outcome.connectMs, attempt: this.reconnects });
    previous?.close();
    this.workingKind = outcome.transport.kind;
    this.summary.started();
    this.reconnects = 0;
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
      if (this.moving) return;
      if (info.reason === 'session_expired') return void this.renew('renewing');
      this.deps.telemetry.record({ type: 'connection_failed', transport: transport.kind, reason: 'connection_lost', detail: info.message });
      void this.reconnect();
    });
    this.applyMicrophone();
  }

  private async reconnect(): Promise<void> {
    if (!navigator.onLine) return this.update({ status: 'offline', message: 'You are offline. The session resumes when the connection is back.' });
    if (this.reconnects >= MAX_RECONNECTS) {
      return this.update({ status: 'fallback', message: 'The live voice connection was lost and could not be restored.' });
    }
    const delay = reconnectDelayMs(this.reconnects++);
    this.update({ status: 'reconnecting', message: `Connection lost. Reconnecting (attempt ${this.reconnects} of ${MAX_RECONNECTS})…`, retryAt: Date.now() + delay });
    await this.timers.sleep(delay);
    await this.renew('reconnecting');
  }

  /**
   * New connection, conversation replayed: reconnects and the session-cap renewal (a new credential),
   * or the first connection tried again after a rate limit (the held credential while it is valid).
   * Joins the move already in flight, if any.
   */
  private renew(phase: ConnectPhase): Promise<void> {
    this.moving ??= this.moveToNewConnection(phase).finally(() => (this.moving = undefined));
    return this.moving;
  }

  private async moveToNewConnection(phase: ConnectPhase): Promise<void> {
    if (this.abort.signal.aborted) return;
    // Whatever was shown (a countdown that reached 0, "offline"), the user now sees the attempt itself.
    if (phase === 'renewing') this.update({ status: 'renewing', message: 'Refreshing the connection…', retryAt: undefined });
    else if (phase === 'connecting') this.update({ status: 'connecting', message: 'Connecting to your coach…', retryAt: undefined });
    else {
      const message = this.snapshot.status === 'reconnecting' ? this.snapshot.message : 'Reconnecting to your coach…';
      this.update({ status: 'reconnecting', message, retryAt: undefined });
    }
    const credential = phase === 'connecting' ? await this.deps.tokens.acquire(this.abort.signal) : await this.deps.tokens.renew(this.abort.signal);
    if (this.abort.signal.aborted) return;
    if (!credential.ok) return this.credentialFailed(credential.error, phase);
    await this.connect(credential.data, phase);
  }

  // ---- failures ------------------------------------------------------------------------------

  private attemptFailed(kind: TransportKind, error: TransportError): void {
    this.deps.telemetry.record({ type: 'connection_failed', transport: kind, reason: telemetryReason(error.reason), detail: error.message });
  }

  private credentialFailed(failure: { status?: number; message: string; retryAfterSeconds?: number }, phase: ConnectPhase = 'connecting'): void {
    if (failure.status === 429 || failure.status === 503) {
      const seconds = failure.retryAfterSeconds ?? 10;
      this.update({ status: 'waiting', message: failure.message, retryAt: Date.now() + seconds * 1000 });
      void this.timers.sleep(seconds * 1000).then(() => {
        if (this.snapshot.status !== 'waiting') return;
        // A reconnect or renewal keeps its kind (the conversation is replayed into the new session).
        if (phase !== 'connecting') return void this.renew(phase);
        this.update({ status: 'connecting', message: 'Connecting to your coach…', retryAt: undefined });
        void this.begin();
      });
      return;
    }
    this.update({ status: 'failed', message: failure.message });
  }

  private connectionFailed(error: TransportError, phase: ConnectPhase): void {
    const action = recoveryFor(error, phase, this.reconnects);
    switch (action.kind) {
      case 'fallback':
      case 'fail':
        // No live voice on this network or account right now; chat and speech over plain HTTPS may still work.
        return this.update({ status: 'fallback', message: action.message });
      case 'wait':
        this.update({ status: 'waiting', message: action.message, retryAt: Date.now() + action.seconds * 1000 });
        void this.timers.sleep(action.seconds * 1000).then(() => {
          if (this.snapshot.status === 'waiting') void this.renew(phase);
        });
        return;
      case 'reconnect':
        return void this.reconnect();
      case 'retry-first':
        this.reconnects = action.attempt;
        this.update({ status: 'connecting', message: action.message, retryAt: Date.now() + action.delayMs });
        void this.timers.sleep(action.delayMs).then(() => this.renew('connecting'));
        return;
    }
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private scheduleRenewal(expiresAtSeconds: number | undefined): void {
    if (!expiresAtSeconds) return;
    const transport = this.transport;
    this.timers.after(renewalDelayMs(expiresAtSeconds, Date.now()), () => {
      if (this.transport === transport && this.snapshot.status === 'connected') void this.renew('renewing');
    });
  }

  private applyMicrophone(): void {
    const enabled = this.mic.wanted(this.snapshot.status === 'offline');
    this.transport?.setMicrophoneEnabled(enabled);
    if (this.mic.stream) this.update({ microphone: enabled ? 'live' : 'muted' });
  }

  /** Browser online/offline events (wired by the UI). */
  setOnline(online: boolean): void {
    if (!online && ['connected', 'reconnecting'].includes(this.snapshot.status)) {
      this.update({ status: 'offline', message: 'You are offline. The microphone is paused until the connection is back.' });
      this.applyMicrophone();
    } else if (online && this.snapshot.status === 'offline') {
      if (this.transport) {
        this.update({ status: 'connected', message: undefined });
        this.applyMicrophone();
      } else {
        this.reconnects = 0;
        void this.renew('reconnecting');
      }
    }
  }

  private send(event: ClientEvent | { type: string }): void {
    this.transport?.send(event as { type: string } & Record<string, unknown>);
  }

  private reportSummary(): void {
    this.summary.report(() => this.conversation.summary());
  }

  private stopEverything(): void {
    this.abort.abort();
    this.timers.clear();
    this.transport?.close();
    this.transport = undefined;
    this.mic.close();
  }
}
