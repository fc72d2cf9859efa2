/**
 * The recovery side of a voice session (the architecture's ErrorHandling): carries out the pure
 * decisions of `voice-recovery.ts`. A refused credential or a failed connection becomes a countdown, a
 * reconnect with backoff, another try at the first connection or the fallback; the renewal before the
 * upstream's session cap is timed here; the offline pause ends in a reconnect; and every move to a new
 * connection goes through one door. It exists apart from `VoiceSession` so the session keeps the
 * connection's lifecycle and its public API, and the retry bookkeeping (how many attempts, which move is
 * in flight) lives in one place. It reaches back into the session only through `RecoveryDeps`.
 *
 * A metered session can be ended by the server (a budget, an operator). Its connection then just drops
 * (WebRTC hang-up, relay close) and every new attempt is refused in ways a browser cannot always read, so
 * before any automatic recovery after a loss the server is asked first (`checkEnded`); an ended session
 * closes like a hang-up, with no "reconnecting…" and no switch to the fallback mode.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { ServerEnded } from '../metering/meter-view';
import type { RealtimeTransport, TransportError } from '../transports/realtime-transport';
import type { SessionTimers } from './session-timers';
import type { Credential, TokenManager } from './token-manager';
import { MAX_RECONNECTS, reconnectDelayMs, recoveryFor, renewalDelayMs, type ConnectPhase } from './voice-recovery';
import type { VoiceSnapshot } from './voice-session-types';

/** What a credential request that failed says (an `ApiFailure`, or the one `connectRealtime` gave up on). */
export interface CredentialFailure {
  status?: number;
  /** The API's error code: `session_ended` when the server has closed a metered session's voice. */
  code?: string;
  message: string;
  retryAfterSeconds?: number;
}

export interface RecoveryDeps {
  tokens: TokenManager;
  /** The session's timers: hanging up cancels every countdown and backoff scheduled here. */
  timers: SessionTimers;
  /** The session's current signal, read at each use: aborted on hang-up, replaced by each `start`. */
  signal(): AbortSignal;
  snapshot(): VoiceSnapshot;
  update(patch: Partial<VoiceSnapshot>): void;
  /** The live connection, if any. */
  transport(): RealtimeTransport | undefined;
  /** The first connection from scratch (microphone, credential, connect), after a rate limit's countdown. */
  begin(): Promise<void>;
  /** Connect with `credential`; a failure comes back through `credentialFailed` / `connectionFailed`. */
  connect(credential: Credential, phase: ConnectPhase): Promise<void>;
  /** Re-gate the microphone (the offline pause changes whether audio may flow). */
  applyMicrophone(): void;
  /**
   * Metered sessions: asks the server whether it ended the session (if so, `endedByServer` has run).
   * Undefined when there is nothing to ask: recovery then goes ahead at once, as it always did.
   */
  checkEnded(): Promise<boolean> | undefined;
  /** Close the connection, the microphone and every timer (the server ended the session). */
  stop(): void;
}

export class RecoveryExecutor {
  /** Reconnects (or retries of the first connection) since the last connection that worked. */
  private reconnects = 0;
  /**
   * The move to a new connection in flight (renewal or reconnect). One at a time, whoever asks: the
   * renewal timer, the server's `session_expired` error and the close that follows it all name the same
   * event, and each must not open a connection of its own.
   */
  private moving: Promise<void> | undefined;

  constructor(private readonly deps: RecoveryDeps) {}

  /** For telemetry: which attempt the connection that just came up was. */
  get attempts(): number {
    return this.reconnects;
  }

  /** A new start, or a connection that worked: the next failure counts from zero again. */
  resetAttempts(): void {
    this.reconnects = 0;
  }

  /** Whether a move to a new connection is under way (a close then is that move's business). */
  get isMoving(): boolean {
    return this.moving !== undefined;
  }

  /**
   * New connection, conversation replayed: reconnects and the session-cap renewal (a new credential),
   * or the first connection tried again after a rate limit (the held credential while it is valid).
   * Joins the move already in flight, if any.
   */
  renew(phase: ConnectPhase): Promise<void> {
    this.moving ??= this.moveToNewConnection(phase).finally(() => (this.moving = undefined));
    return this.moving;
  }

  async reconnect(): Promise<void> {
    const { update } = this.deps;
    if (!navigator.onLine) return update({ status: 'offline', message: 'You are offline. The session resumes when the connection is back.' });
    await this.unlessEnded(() => this.retry());
  }

  /**
   * The server ended this session (a budget, an operator): close it the way hanging up does, with its
   * reason on screen and the transcript kept; the console then wraps it up like the user's End.
   */
  endedByServer(ended: ServerEnded): void {
    if (this.deps.snapshot().serverEnded) return;
    this.deps.stop();
    this.deps.update({ status: 'ended', message: ended.message, serverEnded: ended, retryAt: undefined, coachSpeaking: false, userSpeaking: false, microphone: 'off' });
  }

  private async retry(): Promise<void> {
    const { update } = this.deps;
    if (this.reconnects >= MAX_RECONNECTS) {
      return update({ status: 'fallback', message: 'The live voice connection was lost and could not be restored.' });
    }
    const delay = reconnectDelayMs(this.reconnects++);
    update({ status: 'reconnecting', message: `Connection lost. Reconnecting (attempt ${this.reconnects} of ${MAX_RECONNECTS})…`, retryAt: Date.now() + delay });
    await this.deps.timers.sleep(delay);
    await this.renew('reconnecting');
  }

  /** Renew shortly before the upstream's session cap, if the connection it was set for is still the live one. */
  scheduleRenewal(expiresAtSeconds: number | undefined): void {
    if (!expiresAtSeconds) return;
    const transport = this.deps.transport();
    this.deps.timers.after(renewalDelayMs(expiresAtSeconds, Date.now()), () => {
      if (this.deps.transport() === transport && this.deps.snapshot().status === 'connected') void this.renew('renewing');
    });
  }

  /** Browser online/offline events: pause the microphone while offline, resume (or reconnect) when back. */
  setOnline(online: boolean): void {
    const { update, applyMicrophone } = this.deps;
    const status = this.deps.snapshot().status;
    if (!online && ['connected', 'reconnecting'].includes(status)) {
      update({ status: 'offline', message: 'You are offline. The microphone is paused until the connection is back.' });
      applyMicrophone();
    } else if (online && status === 'offline') {
      if (this.deps.transport()) {
        update({ status: 'connected', message: undefined });
        applyMicrophone();
      } else {
        this.reconnects = 0;
        void this.unlessEnded(() => this.renew('reconnecting'));
      }
    }
  }

  credentialFailed(failure: CredentialFailure, phase: ConnectPhase = 'connecting'): void {
    const { update } = this.deps;
    if (failure.code === 'session_ended') return this.endedByServer({ message: failure.message });
    if (failure.status === 429 || failure.status === 503) {
      const seconds = failure.retryAfterSeconds ?? 10;
      update({ status: 'waiting', message: failure.message, retryAt: Date.now() + seconds * 1000 });
      void this.deps.timers.sleep(seconds * 1000).then(() => {
        if (this.deps.snapshot().status !== 'waiting') return;
        // A reconnect or renewal keeps its kind (the conversation is replayed into the new session).
        if (phase !== 'connecting') return void this.renew(phase);
        update({ status: 'connecting', message: 'Connecting to your coach…', retryAt: undefined });
        void this.deps.begin();
      });
      return;
    }
    update({ status: 'failed', message: failure.message });
  }

  connectionFailed(error: TransportError, phase: ConnectPhase): void {
    const { update } = this.deps;
    const action = recoveryFor(error, phase, this.reconnects);
    switch (action.kind) {
      case 'fallback':
      case 'fail':
        // No live voice on this network or account right now; chat and speech over plain HTTPS may still work.
        return void this.unlessEnded(() => update({ status: 'fallback', message: action.message }));
      case 'wait':
        update({ status: 'waiting', message: action.message, retryAt: Date.now() + action.seconds * 1000 });
        void this.deps.timers.sleep(action.seconds * 1000).then(() => {
          if (this.deps.snapshot().status === 'waiting') void this.renew(phase);
        });
        return;
      case 'reconnect':
        return void this.reconnect();
      case 'retry-first':
        this.reconnects = action.attempt;
        update({ status: 'connecting', message: action.message, retryAt: Date.now() + action.delayMs });
        void this.deps.timers.sleep(action.delayMs).then(() => this.renew('connecting'));
        return;
    }
  }

  /** Runs `next` unless the server has ended the session; without a meter to ask, at once (synchronously). */
  private unlessEnded(next: () => unknown): Promise<unknown> {
    const check = this.deps.checkEnded();
    if (!check) return Promise.resolve(next());
    const signal = this.deps.signal();
    return check.then(async (ended) => {
      if (!ended && !signal.aborted) await next();
    });
  }

  private async moveToNewConnection(phase: ConnectPhase): Promise<void> {
    const { tokens, update, signal } = this.deps;
    if (signal().aborted) return;
    // Whatever was shown (a countdown that reached 0, "offline"), the user now sees the attempt itself.
    if (phase === 'renewing') update({ status: 'renewing', message: 'Refreshing the connection…', retryAt: undefined });
    else if (phase === 'connecting') update({ status: 'connecting', message: 'Connecting to your coach…', retryAt: undefined });
    else {
      const snapshot = this.deps.snapshot();
      const message = snapshot.status === 'reconnecting' ? snapshot.message : 'Reconnecting to your coach…';
      update({ status: 'reconnecting', message, retryAt: undefined });
    }
    const credential = phase === 'connecting' ? await tokens.acquire(signal()) : await tokens.renew(signal());
    if (signal().aborted) return;
    if (!credential.ok) return this.credentialFailed(credential.error, phase);
    await this.deps.connect(credential.data, phase);
  }
}
