/**
 * The conversation side of the fallback coach, independent of microphones and tokens: utterances from
 * the detector become user turns (transcribed), finished user turns get a coach reply (chat → speech),
 * the user talking over the coach (or the stop button, or a typed message) stops the reply and keeps
 * what was heard. Also the searches shown, token usage, the latency the user feels (end of their
 * speech → the coach's first audio), and each turn's spoken duration for the delivery signals (the
 * voice detection's speech length; the coach's audio the user heard).
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { PcmPlayer, PcmPlayerOptions } from '../audio/pcm-player';
import type { TelemetryClient } from '../api/telemetry-client';
import type { TranscriptTurn } from '../realtime/transcript-state';
import { addTokens, latencyStats, ZERO_TOKENS, type LatencySample, type TokenTotals } from '../realtime/usage-meter';
import type { SearchActivity, VoiceSnapshot } from '../session/voice-session-types';
import type { ApiFailure } from '../types/api';
import { CoachReply, type ReplyOutcome, type SearchEvent } from './coach-reply';
import type { FallbackApi } from './fallback-api';
import { discardMessage, failureMessage, isFatal, MESSAGES, type FailedStep } from './fallback-messages';
import { isBusy, type RequestRunner } from './fallback-requests';
import { appendTurn, carryIn, chatMessages, chatTokens, patchTurn, removeTurn, spokenFor, turnsAsText, withSearchEvent } from './fallback-turns';
import { UtteranceDetector, type DetectorEvent } from './utterance-detector';
import { wavBlob } from './wav';

const MAX_SEARCHES_SHOWN = 5;
const MAX_LATENCY_SAMPLES = 200;

export interface ConversationDeps {
  api: FallbackApi;
  run: RequestRunner;
  createPlayer(options: PcmPlayerOptions): PcmPlayer;
  telemetry: TelemetryClient;
  /** Snapshot fields this side owns: turns, searches, usage, speaking flags, latency, passing messages. */
  update(patch: Partial<VoiceSnapshot>): void;
  /** Aborted at hang-up: every request of the session stops. */
  signal(): AbortSignal;
  /** A failure the session cannot continue after (wrong mode, a token refused twice). */
  onFatal(failure: ApiFailure): void;
  captureRate: number;
  now: () => number;
  mark: (name: string) => void;
  language?: string;
}

interface ActiveReply {
  reply: CoachReply;
  turnId: string;
  /** When the user finished (speech end or send): the latency's start. */
  since: number;
}

export class FallbackConversation {
  private turns: readonly TranscriptTurn[] = [];
  private searches: readonly SearchActivity[] = [];
  private readonly detector: UtteranceDetector;
  private active: ActiveReply | undefined;
  private transcribing = 0;
  /** User turns that got (or are getting) a reply. */
  private readonly answered = new Set<string>();
  /** When each user turn ended (speech end or send). */
  private readonly endedAt = new Map<string, number>();
  private samples: LatencySample[] = [];
  private usage: TokenTotals = ZERO_TOKENS;
  private userSpeechMs = 0;
  private counter = 0;
  private pushToTalk = false;

  constructor(private readonly deps: ConversationDeps) {
    this.detector = new UtteranceDetector({ sampleRate: deps.captureRate });
  }

  /** The conversation so far (a mid-session switch from live voice). */
  load(turns: readonly TranscriptTurn[]): void {
    this.turns = carryIn(turns);
    // Already answered by the engine before (or, for a last unanswered question, left to the user to repeat).
    for (const t of this.turns) if (t.role === 'user') this.answered.add(t.itemId);
    this.deps.update({ turns: this.turns });
  }

  // ---- listening -----------------------------------------------------------------------------

  /** One microphone frame (capture rate, PCM16). */
  feed(pcm: Int16Array): void {
    this.handle(this.detector.feed(pcm, this.active?.reply.speaking === true));
  }

  press(): void {
    this.handle(this.detector.press());
  }

  release(): void {
    this.handle(this.detector.release());
  }

  setPushToTalk(enabled: boolean): void {
    this.pushToTalk = enabled;
    this.detector.setPushToTalk(enabled);
    this.deps.update({ userSpeaking: false });
    this.maybeRespond();
  }

  /** The microphone stopped (mute, offline): what was being said is dropped. */
  stopListening(): void {
    if (!this.detector.reset()) return;
    this.deps.update({ userSpeaking: false });
    this.maybeRespond();
  }

  private handle(events: readonly DetectorEvent[]): void {
    for (const event of events) {
      switch (event.type) {
        case 'speech-start':
          this.deps.update({ userSpeaking: true, message: undefined });
          this.interrupt(); // barge-in: the user talks over the coach
          break;
        case 'discarded':
          this.deps.update({ userSpeaking: false, ...discardMessage(event.reason, this.pushToTalk) });
          this.maybeRespond();
          break;
        case 'utterance':
          this.deps.update({ userSpeaking: false });
          this.userSpeechMs += event.speechMs;
          this.deps.mark('coach:user-speech-end');
          void this.transcribe(event.pcm, this.deps.now(), event.speechMs);
          break;
      }
    }
  }

  // ---- turns ---------------------------------------------------------------------------------

  /** `speechMs`: the utterance's length as the voice detection measured it (the turn's duration). */
  private async transcribe(pcm: Int16Array, endedAt: number, speechMs: number): Promise<void> {
    const itemId = this.nextId('user');
    this.endedAt.set(itemId, endedAt);
    this.setTurns(appendTurn(this.turns, { itemId, role: 'user', text: '', status: 'pending', source: 'voice', ...spokenFor(speechMs) }));
    this.transcribing++;
    const wav = wavBlob(pcm, this.deps.captureRate);
    const language = this.deps.language;
    const result = await this.deps.run((token, signal) => this.deps.api.transcribe(wav, token, signal, language ? { language } : {}), { signal: this.deps.signal() });
    this.transcribing--;
    if (this.deps.signal().aborted) return;
    if (!result.ok) {
      this.setTurns(patchTurn(this.turns, itemId, { status: 'failed' }));
      this.failed(result.error, 'transcribe');
    } else if (!result.data.text.trim()) {
      // Silence or noise: no turn, just a word on the status line.
      this.setTurns(removeTurn(this.turns, itemId));
      this.deps.update({ message: MESSAGES.notCaught });
    } else this.setTurns(patchTurn(this.turns, itemId, { text: result.data.text.trim(), status: 'done' }));
    this.maybeRespond();
  }

  /** Typed instead of spoken: shown at once, answered at once (stopping the coach if it is talking). */
  sendText(text: string): void {
    this.interrupt();
    const itemId = this.nextId('user');
    this.endedAt.set(itemId, this.deps.now());
    this.setTurns(appendTurn(this.turns, { itemId, role: 'user', text, status: 'done', source: 'text' }));
    this.deps.update({ message: undefined });
    this.maybeRespond();
  }

  /**
   * Answer when the user has finished: the last turn is theirs and transcribed, nothing else is being
   * transcribed (their next words belong to the same question), and they are not speaking right now.
   */
  private maybeRespond(): void {
    if (this.active || this.transcribing > 0 || this.detector.speaking || this.deps.signal().aborted) return;
    const last = this.turns[this.turns.length - 1];
    if (!last || last.role !== 'user' || last.status !== 'done' || this.answered.has(last.itemId)) return;
    this.answered.add(last.itemId);
    this.startReply(this.endedAt.get(last.itemId) ?? this.deps.now());
  }

  /**
   * A practice scenario's counterpart speaks first, as in live voice: the chat is asked for the opening
   * (no messages; the server knows the scenario). Only into an empty conversation.
   */
  open(): void {
    if (this.active || this.turns.length > 0 || this.deps.signal().aborted) return;
    this.startReply();
  }

  /** `since`: when the user's turn ended (the reply's latency is measured from it); none for the opening. */
  private startReply(since?: number): void {
    const messages = chatMessages(this.turns);
    const turnId = this.nextId('coach');
    this.setTurns(appendTurn(this.turns, { itemId: turnId, role: 'assistant', text: '', status: 'pending', source: 'voice' }));
    // Hang-up stops the reply (stopAll), which aborts its requests: the reply's signal is enough.
    const reply: CoachReply = new CoachReply({
      id: turnId,
      messages,
      chat: (msgs, replySignal, onEvent) => this.deps.run((token, s) => this.deps.api.streamChat(msgs, token, { signal: s, onEvent }), { signal: replySignal }),
      // A rate-limited sentence is skipped, not waited for: the text is on screen and the reply goes on.
      speech: (text, replySignal) => this.deps.run((token, s) => this.deps.api.fetchSpeech(text, token, s), { signal: replySignal, retryWhenBusy: false }),
      createPlayer: (options) => this.deps.createPlayer(options),
      onText: (text) => this.isActive(reply) && this.setTurns(patchTurn(this.turns, turnId, { text, status: 'streaming' })),
      onSearch: (event) => this.onSearch(event),
      onFirstAudio: () => since !== undefined && this.onFirstAudio(since),
      onSpeaking: (speaking) => this.isActive(reply) && this.deps.update({ coachSpeaking: speaking }),
      onSpeechFailed: (failure) => this.isActive(reply) && this.speechFailed(failure),
    });
    this.active = { reply, turnId, since: since ?? this.deps.now() };
    void reply.finished.then((outcome) => this.afterReply(reply, turnId, outcome));
  }

  /** Stop the coach (barge-in, the stop button, a typed message): the turn keeps what was heard. */
  interrupt(): void {
    const active = this.active;
    if (!active) return;
    this.active = undefined;
    const text = active.reply.stop();
    this.setTurns(patchTurn(this.turns, active.turnId, { text, status: 'interrupted', ...spokenFor(active.reply.heardMs) }));
    this.deps.update({ coachSpeaking: false });
  }

  private afterReply(reply: CoachReply, turnId: string, outcome: ReplyOutcome): void {
    if (outcome.kind === 'stopped' || !this.isActive(reply)) return; // `interrupt` settled the turn
    this.active = undefined;
    this.deps.update({ coachSpeaking: false });
    if (outcome.kind === 'done') {
      this.setTurns(outcome.text ? patchTurn(this.turns, turnId, { text: outcome.text, status: 'done', ...spokenFor(reply.heardMs) }) : removeTurn(this.turns, turnId));
      const { inputTokens, outputTokens } = outcome.done.usage;
      this.usage = addTokens(this.usage, chatTokens(outcome.done.usage));
      this.deps.update({ usage: this.usage });
      this.deps.telemetry.record({ type: 'usage', inputTextTokens: inputTokens, inputAudioTokens: 0, cachedTokens: 0, outputTextTokens: outputTokens, outputAudioTokens: 0 });
    } else {
      // What arrived before the failure was valid and was spoken: keep it, as a reply cut short.
      this.setTurns(patchTurn(this.turns, turnId, outcome.text ? { text: outcome.text, status: 'interrupted', ...spokenFor(reply.heardMs) } : { status: 'failed' }));
      this.failed(outcome.failure, 'chat');
    }
    this.maybeRespond();
  }

  // ---- side effects of a reply ---------------------------------------------------------------

  private onFirstAudio(since: number): void {
    this.deps.mark('coach:first-audio');
    const now = this.deps.now();
    const latencyMs = Math.max(0, now - since);
    this.samples = [...this.samples.slice(1 - MAX_LATENCY_SAMPLES), { kind: 'first-audio', trigger: 'speech', latencyMs, atMs: now }];
    this.deps.telemetry.record({ type: 'response_latency', ms: Math.round(latencyMs) });
    this.deps.update({ medianLatencyMs: latencyStats(this.samples)?.medianMs });
  }

  private onSearch(event: SearchEvent): void {
    this.searches = withSearchEvent(this.searches, event, MAX_SEARCHES_SHOWN);
    this.deps.update({ searches: this.searches });
  }

  private speechFailed(failure: ApiFailure): void {
    // 429/503 were already shown as a countdown by the request runner.
    if (isBusy(failure)) return;
    this.deps.update({ message: MESSAGES.speechSkipped });
  }

  private failed(failure: ApiFailure, step: FailedStep): void {
    if (this.deps.signal().aborted) return;
    if (isFatal(failure)) return this.deps.onFatal(failure);
    this.deps.update({ message: failureMessage(failure, step) });
  }

  // ---- plumbing ------------------------------------------------------------------------------

  /** Hang-up: the reply stops (its turn keeps what was heard), listening stops. */
  stopAll(): void {
    this.interrupt();
    this.detector.reset();
  }

  get isReplying(): boolean {
    return this.active !== undefined;
  }

  asText(): string {
    return turnsAsText(this.turns);
  }

  summary(): { turns: number; userSpeechSeconds: number } {
    return { turns: this.turns.length, userSpeechSeconds: Math.round(this.userSpeechMs / 1000) };
  }

  private isActive(reply: CoachReply): boolean {
    return this.active?.reply === reply;
  }

  private setTurns(turns: readonly TranscriptTurn[]): void {
    if (turns === this.turns) return;
    this.turns = turns;
    this.deps.update({ turns });
  }

  private nextId(kind: 'user' | 'coach'): string {
    return `fallback_${kind}_${++this.counter}`;
  }
}
