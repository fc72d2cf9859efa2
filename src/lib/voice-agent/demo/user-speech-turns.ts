/**
 * Speech in for the demo session: what recognition hears (coach-listener.ts) becomes the user's turn —
 * shown as it is said, then handed to the session to answer — and speaking over the coach cuts it
 * (barge-in). Also the microphone state on screen, how long the user spoke (for the summary), and each
 * spoken turn's duration for the delivery signals: from the utterance's start (recognition's
 * `speechstart`, or its first words when speech was already under way) to its final result — which
 * includes the recogniser's short wait for the end, so a pace from it errs slow, never fast. Kept
 * apart from demo-session.ts so the session runs the conversation and this module alone knows how a
 * voice reaches the transcript.
 *
 * No recognition degrades to typing, never to an error: the listener's one plain message goes on the
 * status line and any half-heard turn is dropped.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { VoiceSnapshot } from '../session/voice-session-types';
import { CoachListener, type ListenerProblem } from './coach-listener';
import type { CoachSpeechTurns } from './coach-speech-turns';
import { dropTurns, isEcho, putTurn, type Turns } from './demo-transcript';
import type { DemoSpeech } from './speech-apis';

/** What the user's speech needs from the session: its transcript and status line, turn ids, the answer. */
export interface UserSpeechHost {
  turns(): Turns;
  setTurns(turns: Turns): void;
  update(patch: Partial<VoiceSnapshot>): void;
  /** Connected (or offline): words heard outside a live session are ignored. */
  isLive(): boolean;
  /** A fresh turn id from the session's one counter (ids stay unique across users, coach and searches). */
  nextId(prefix: 'demo_user'): string;
  /** A finished utterance, whether it cut the coach off, and how long it took (ms, when known): the session adds the turn and answers. */
  said(text: string, interrupted: boolean, durationMs?: number): void;
}

export class UserSpeechTurns {
  private readonly listener: CoachListener;
  /** The turn showing what is being said so far; the finished utterance (or typed text) takes its place. */
  private pendingId: string | undefined;
  private problem: ListenerProblem | undefined;
  private listening = false;
  private speechStartedAt: number | undefined;
  private speechMs = 0;
  /** When the utterance being heard began (its duration's start). */
  private utteranceStartedAt: number | undefined;

  constructor(
    speech: DemoSpeech,
    lang: string,
    private readonly host: UserSpeechHost,
    private readonly coach: Pick<CoachSpeechTurns, 'currentText' | 'cutIfSpeaking'>,
  ) {
    this.listener = new CoachListener(speech, {
      interim: (text) => this.heardInterim(text),
      final: (text) => this.heardFinal(text),
      speechStart: () => this.userSpeech(true),
      speechEnd: () => this.userSpeech(false),
      failed: (problem) => this.recognitionFailed(problem),
      listening: (active) => {
        this.listening = active;
        this.applyMicrophoneState();
      },
    }, { lang });
  }

  /** The browser can recognise speech at all (else the session says "type your replies"). */
  get supported(): boolean {
    return this.listener.supported;
  }

  /** Why recognition was given up, if it was. */
  get problemMessage(): string | undefined {
    return this.problem?.message;
  }

  /** Time the user spent speaking, for the session summary. */
  get speechSeconds(): number {
    return Math.round(this.speechMs / 1000);
  }

  /** Listen or not (mute, push-to-talk, offline, session state are the session's to decide). */
  setWanted(wanted: boolean): void {
    this.listener.setWanted(wanted);
    this.applyMicrophoneState();
  }

  /** The id for the user's next turn: the one already showing what was heard so far, if any. */
  takeTurnId(): string {
    const id = this.pendingId ?? this.host.nextId('demo_user');
    this.pendingId = undefined;
    return id;
  }

  dispose(): void {
    this.listener.dispose();
    this.pendingId = undefined;
  }

  private heardInterim(text: string): void {
    if (!this.host.isLive() || isEcho(text, this.coach.currentText)) return;
    // The user talks over the coach: stop it (barge-in). Interim words, not `speechstart`, decide,
    // because the coach's own voice from the speakers also starts "speech".
    this.coach.cutIfSpeaking();
    this.utteranceStartedAt ??= Date.now();
    this.pendingId ??= this.host.nextId('demo_user');
    this.host.setTurns(putTurn(this.host.turns(), { itemId: this.pendingId, role: 'user', text, status: 'pending', source: 'voice' }));
  }

  private heardFinal(text: string): void {
    if (!this.host.isLive() || isEcho(text, this.coach.currentText)) return;
    const interrupted = this.coach.cutIfSpeaking();
    const startedAt = this.utteranceStartedAt;
    this.utteranceStartedAt = undefined;
    this.host.said(text, interrupted, startedAt !== undefined ? Date.now() - startedAt : undefined);
  }

  private userSpeech(active: boolean): void {
    // Speech that starts while the coach talks may be its own voice: the user's first words decide then.
    if (active && !this.coach.currentText) this.utteranceStartedAt ??= Date.now();
    // Speech that ended with no words heard (a cough, noise) starts no utterance.
    if (!active && !this.pendingId) this.utteranceStartedAt = undefined;
    if (active) this.speechStartedAt ??= Date.now();
    else if (this.speechStartedAt !== undefined) {
      this.speechMs += Date.now() - this.speechStartedAt;
      this.speechStartedAt = undefined;
    }
    this.host.update({ userSpeaking: active });
  }

  private recognitionFailed(problem: ListenerProblem): void {
    this.problem = problem;
    if (this.pendingId) this.host.setTurns(dropTurns(this.host.turns(), [this.pendingId]));
    this.pendingId = undefined;
    this.utteranceStartedAt = undefined;
    this.host.update({ microphone: problem.microphone, userSpeaking: false, ...(this.host.isLive() ? { message: problem.message } : {}) });
  }

  private applyMicrophoneState(): void {
    if (this.problem) return this.host.update({ microphone: this.problem.microphone });
    if (!this.host.isLive()) return;
    this.host.update({ microphone: this.listening ? 'live' : 'muted' });
  }
}
