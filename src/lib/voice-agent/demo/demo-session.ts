/**
 * Demo mode's engine behind the coach console (`VoiceController`): the scripted coach (demo-coach.ts)
 * with the browser's own speech — synthesis for the coach's voice, recognition for the user's — and
 * typing always. No upstream calls: the only requests are same-origin (the session's credential, the
 * library search the server answers for demo sessions, telemetry, ending the session).
 *
 * Speech degrades to text, never to an error: no recognition → typing, with a clear status; no voice →
 * replies shown as text, said once. Speaking over the coach (or the stop button) cuts its voice and its
 * turn keeps only what was heard. This module runs the session and the conversation; the speech wiring
 * is user-speech-turns.ts (recognition → user turns) and coach-speech-turns.ts (coach turns → voice).
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { SearchClient } from '../api/search-client';
import type { TelemetryClient } from '../api/telemetry-client';
import { endSession, endSessionOnUnload } from '../api/voice-agent-api';
import { SessionSummary } from '../session/session-summary';
import { SnapshotStore } from '../session/snapshot-store';
import type { TokenManager } from '../session/token-manager';
import type { EngineStart, VoiceController } from '../session/voice-controller';
import { initialSnapshot, type SearchActivity, type TransportPreference, type VoiceSnapshot } from '../session/voice-session-types';
import { CoachSpeechTurns } from './coach-speech-turns';
import { createDemoCoach, type DemoAction, type DemoCoach } from './demo-coach';
import type { DemoScenarioBrief } from './script/scenario-role';
import { connectedPatch, DEMO_MESSAGES, defaultLang, withSearch } from './demo-session-state';
import { putTurn, turnsAsText, type Turns } from './demo-transcript';
import { browserSpeech, type DemoSpeech } from './speech-apis';
import { UserSpeechTurns } from './user-speech-turns';

export { DEMO_MESSAGES } from './demo-session-state';

export interface DemoSessionDeps {
  tokens: Pick<TokenManager, 'acquire' | 'clear'>;
  search: SearchClient;
  telemetry: TelemetryClient;
  /** The browser's speech APIs (default); tests pass fakes. */
  speech?: DemoSpeech;
  /** Seed for the coach's choice of lines (default: the clock, so sessions differ). */
  seed?: number;
  /** The practice scenario the session is for: the scripted coach rehearses it (its public brief only). */
  scenario?: DemoScenarioBrief;
  /** The previous session's summary in this scenario, given with the user's consent: the coach picks up from it. */
  recap?: string;
  /** Recognition and voice language (default: the browser's, if English, else en-GB). */
  lang?: string;
  /** A short pause before the coach answers, so it does not talk over the end of a sentence. Default 350 ms; 0 = at once. */
  replyDelayMs?: number;
  /** Ending the server session (default: the real API). */
  server?: { endSession(sessionId: string): Promise<unknown>; endSessionOnUnload(sessionId: string): boolean };
}

export class DemoSession extends SnapshotStore<VoiceSnapshot> implements VoiceController {
  private readonly coach: DemoCoach;
  private readonly coachSpeech: CoachSpeechTurns;
  private readonly userSpeech: UserSpeechTurns;
  private readonly server: NonNullable<DemoSessionDeps['server']>;
  private abort = new AbortController();
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private seq = 0;
  /** Bumped on every user turn: a late search answer for an older turn is not spoken over a newer one. */
  private userTurns = 0;
  private muted = false;
  private pushToTalk = false;
  private held = false;
  private online = true;
  private readonly summary: SessionSummary;

  constructor(private readonly deps: DemoSessionDeps) {
    super(initialSnapshot({ mode: 'demo' }));
    const speech = deps.speech ?? browserSpeech();
    const lang = deps.lang ?? defaultLang();
    this.coach = createDemoCoach({ seed: deps.seed ?? Date.now(), scenario: deps.scenario, recap: deps.recap });
    this.server = deps.server ?? { endSession, endSessionOnUnload };
    this.summary = new SessionSummary(deps.telemetry);
    // One link for both halves of the speech wiring: the transcript, the status line, one id counter.
    const host = {
      turns: () => this.snapshot.turns,
      setTurns: (turns: Turns) => this.updateTurns(turns),
      update: (patch: Partial<VoiceSnapshot>) => this.update(patch),
      isLive: () => this.isLive(),
      nextId: (prefix: string) => `${prefix}_${++this.seq}`,
      microphoneMessage: () => this.userSpeech.problemMessage,
      said: (text: string, interrupted: boolean, durationMs?: number) => this.userSaid(text, 'voice', interrupted, durationMs),
    };
    this.coachSpeech = new CoachSpeechTurns(speech, lang, host);
    this.userSpeech = new UserSpeechTurns(speech, lang, host, this.coachSpeech);
  }

  // ---- what the UI calls (subscribe and getSnapshot: SnapshotStore) ---------------------------

  start(options: EngineStart = {}): void {
    if (!['idle', 'failed', 'ended'].includes(this.snapshot.status)) return;
    this.abort = new AbortController();
    this.update({ status: 'connecting', message: DEMO_MESSAGES.starting, retryAt: undefined });
    void this.begin(options);
  }

  async hangUp({ endOnServer = true }: { endOnServer?: boolean } = {}): Promise<void> {
    const sessionId = this.snapshot.sessionId;
    this.stopEverything();
    this.reportSummary();
    this.deps.telemetry.stop();
    this.deps.tokens.clear();
    this.update({ status: 'ended', message: DEMO_MESSAGES.ended, coachSpeaking: false, userSpeaking: false, microphone: 'off' });
    if (sessionId && endOnServer) await this.server.endSession(sessionId);
  }

  leave(): void {
    const sessionId = this.snapshot.sessionId;
    if (!sessionId || this.snapshot.status === 'ended') return;
    this.reportSummary();
    this.deps.telemetry.stop({ beacon: true });
    this.server.endSessionOnUnload(sessionId);
    this.stopEverything();
    this.deps.tokens.clear();
    this.update({ status: 'ended', message: DEMO_MESSAGES.left, coachSpeaking: false, userSpeaking: false, microphone: 'off' });
  }

  sendText(text: string): boolean {
    const clean = text.trim();
    if (!clean || !this.isLive()) return false;
    this.userSaid(clean, 'text', this.coachSpeech.cutIfSpeaking());
    return true;
  }

  interrupt(): void {
    this.coachSpeech.cut();
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    this.applyListening();
  }

  setPushToTalk(enabled: boolean): void {
    this.pushToTalk = enabled;
    this.held = false;
    this.update({ pushToTalk: enabled });
    this.applyListening();
  }

  holdToTalk(held: boolean): void {
    this.held = held;
    // Holding the button to speak is also "stop talking, coach".
    if (held) this.interrupt();
    this.applyListening();
  }

  setPreference(preference: TransportPreference): void {
    this.update({ preference });
  }

  setOnline(online: boolean): void {
    this.online = online;
    if (!online && this.snapshot.status === 'connected') this.update({ status: 'offline', message: DEMO_MESSAGES.offline });
    else if (online && this.snapshot.status === 'offline') this.update({ status: 'connected', message: undefined });
    this.applyListening();
  }

  transcriptAsText(): string {
    return turnsAsText(this.snapshot.turns);
  }

  /** No level meter: recognition owns the microphone and does not expose its audio. */
  microphoneLevel = (): number => 0;

  dispose(): void {
    this.stopEverything();
  }

  // ---- starting ------------------------------------------------------------------------------

  private async begin(options: EngineStart): Promise<void> {
    const credential = await this.deps.tokens.acquire(this.abort.signal);
    if (this.abort.signal.aborted) return;
    if (!credential.ok) {
      const { status, message, retryAfterSeconds } = credential.error;
      if (status === 429 || status === 503) {
        const seconds = retryAfterSeconds ?? 10;
        this.update({ status: 'waiting', message, retryAt: Date.now() + seconds * 1000 });
        this.after(seconds * 1000, () => {
          if (this.snapshot.status !== 'waiting') return;
          this.update({ status: 'connecting', message: DEMO_MESSAGES.starting, retryAt: undefined });
          void this.begin(options);
        });
        return;
      }
      return this.update({ status: 'failed', message });
    }
    const { sessionId, warnings } = credential.data;
    this.deps.telemetry.start(sessionId);
    this.summary.started();
    const earlier = options.turns ?? [];
    if (earlier.length > 0) this.coach.replay(earlier.filter((t) => t.role === 'user' && t.text).map((t) => t.text));
    const canListen = this.userSpeech.supported;
    this.update(connectedPatch({ online: this.online, canListen, notice: options.notice, sessionId, warnings, turns: earlier }));
    this.perform(this.coach.opening({ resuming: earlier.length > 0 }), this.userTurns);
    this.applyListening();
  }

  // ---- the conversation ----------------------------------------------------------------------

  /** A finished user turn, typed or spoken (either replaces the half-heard one); `interrupted`: it cut the coach off. */
  private userSaid(text: string, source: 'voice' | 'text', interrupted: boolean, durationMs?: number): void {
    this.userTurns += 1;
    const id = this.userSpeech.takeTurnId();
    const timed = durationMs !== undefined && durationMs > 0 ? { durationMs } : {};
    this.updateTurns(putTurn(this.snapshot.turns, { itemId: id, role: 'user', text, status: 'done', source, ...timed }));
    this.answer(text, interrupted);
  }

  private answer(text: string, interrupted: boolean): void {
    const turn = this.userTurns;
    const delay = this.deps.replyDelayMs ?? 350;
    const run = () => {
      if (this.isLive() && turn === this.userTurns) this.perform(this.coach.reply(text, { interrupted }), turn);
    };
    if (delay <= 0) run();
    else this.after(delay, run);
  }

  private perform(actions: readonly DemoAction[], turn: number): void {
    for (const action of actions) {
      if (action.kind === 'say') this.coachSpeech.say(action.text);
      else void this.search(action.query, turn);
    }
  }

  private async search(query: string, turn: number): Promise<void> {
    const callId = `demo_search_${++this.seq}`;
    this.putSearch({ callId, query, status: 'searching' });
    const result = await this.deps.search.search(query, this.snapshot.sessionId ?? '', { signal: this.abort.signal });
    if (!this.isLive()) return;
    if (result.ok) this.putSearch({ callId, query, status: 'done', result: result.data });
    else this.putSearch({ callId, query, status: 'failed', message: result.error.message });
    // The user has moved on since asking: the sources stay on screen, the coach does not talk over them.
    if (turn !== this.userTurns) return;
    this.perform(result.ok ? this.coach.afterSearch(result.data) : this.coach.afterSearchFailed(), turn);
  }

  private putSearch(entry: SearchActivity): void {
    this.update({ searches: withSearch(this.snapshot.searches, entry) });
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private isLive(): boolean {
    return this.snapshot.status === 'connected' || this.snapshot.status === 'offline';
  }

  private applyListening(): void {
    this.userSpeech.setWanted(this.isLive() && this.online && !this.muted && (!this.pushToTalk || this.held));
  }

  private after(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }

  private reportSummary(): void {
    this.summary.report(() => ({ turns: this.snapshot.turns.length, userSpeechSeconds: this.userSpeech.speechSeconds }));
  }

  private stopEverything(): void {
    this.abort.abort();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.interrupt();
    this.userSpeech.dispose();
  }

  private updateTurns(turns: VoiceSnapshot['turns']): void {
    if (turns !== this.snapshot.turns) this.update({ turns });
  }
}
