/**
 * One reply of the fallback coach: the `/chat` stream shown as it arrives, cut into sentences, each
 * spoken through the speech queue as soon as it is complete. `stop()` (barge-in, the stop button, hang-up)
 * ends the stream and the voice at once and returns what the user heard: that, not what was written,
 * is what the transcript keeps and what the coach is told it said.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { PcmPlayer, PcmPlayerOptions } from '../audio/pcm-player';
import type { ApiFailure, ApiResult } from '../types/api';
import type { ChatDone, ChatEvent } from './chat-events';
import type { ChatMessage } from './fallback-api';
import { heardText } from './fallback-turns';
import { createSentenceSplitter } from './sentence-splitter';
import { SpeechQueue, type SpeechSource } from './speech-queue';

export type SearchEvent = Extract<ChatEvent, { type: 'search' | 'search_result' | 'search_failed' }>;

export interface CoachReplyDeps {
  /** Unique per reply (the assistant turn's id); prefixes the player's item ids. */
  id: string;
  messages: readonly ChatMessage[];
  chat(messages: readonly ChatMessage[], signal: AbortSignal, onEvent: (event: ChatEvent) => void): Promise<ApiResult<ChatDone>>;
  speech(text: string, signal: AbortSignal): Promise<ApiResult<SpeechSource>>;
  createPlayer(options: PcmPlayerOptions): PcmPlayer;
  /** The reply so far, as written (it runs ahead of the voice). */
  onText(text: string): void;
  onSearch(event: SearchEvent): void;
  onFirstAudio(): void;
  onSpeaking(speaking: boolean): void;
  onSpeechFailed(failure: ApiFailure): void;
}

export type ReplyOutcome =
  /** Written and spoken to the end. */
  | { kind: 'done'; text: string; done: ChatDone }
  /** The stream failed; `text` is what arrived before (already spoken), possibly empty. */
  | { kind: 'failed'; text: string; failure: ApiFailure }
  /** Stopped; `text` is what the user heard. */
  | { kind: 'stopped'; text: string };

export class CoachReply {
  private readonly controller = new AbortController();
  private readonly queue: SpeechQueue;
  private readonly splitter = createSentenceSplitter();
  private text = '';
  private outcome: ReplyOutcome | undefined;
  private settle!: (outcome: ReplyOutcome) => void;
  readonly finished: Promise<ReplyOutcome>;

  constructor(private readonly deps: CoachReplyDeps) {
    this.finished = new Promise((resolve) => (this.settle = resolve));
    this.queue = new SpeechQueue({
      idPrefix: deps.id,
      fetchSpeech: (text, signal) => deps.speech(text, signal),
      createPlayer: (options) => deps.createPlayer(options),
      onFirstAudio: () => deps.onFirstAudio(),
      onSpeaking: (speaking) => deps.onSpeaking(speaking),
      onSentenceFailed: (_index, _text, failure) => deps.onSpeechFailed(failure),
    });
    void this.run();
  }

  /** The coach's voice is playing. */
  get speaking(): boolean {
    return this.queue.speaking;
  }

  get isOver(): boolean {
    return this.outcome !== undefined;
  }

  /** Ms of this reply's voice the user heard (so far; final once stopped or finished). */
  get heardMs(): number {
    return this.queue.heardMs;
  }

  /** Stop now; what the user heard of the reply. */
  stop(): string {
    if (this.outcome) return this.outcome.text;
    this.controller.abort();
    const text = heardText(this.queue.sentenceTexts, this.queue.stop());
    this.finish({ kind: 'stopped', text });
    return text;
  }

  private async run(): Promise<void> {
    const result = await this.deps.chat(this.deps.messages, this.controller.signal, (event) => this.onEvent(event));
    if (this.outcome) return;
    for (const sentence of this.splitter.flush()) this.queue.push(sentence);
    this.queue.end();
    const text = this.text.trim();
    // A reply cut off mid-stream is still spoken as far as it got: that text is valid, the rest never came.
    await this.queue.finished;
    if (this.outcome) return;
    this.finish(result.ok ? { kind: 'done', text, done: result.data } : { kind: 'failed', text, failure: result.error });
  }

  private onEvent(event: ChatEvent): void {
    if (this.outcome) return;
    switch (event.type) {
      case 'delta':
        if (!event.text) return;
        this.text += event.text;
        this.deps.onText(this.text.trim());
        for (const sentence of this.splitter.push(event.text)) this.queue.push(sentence);
        return;
      case 'search':
      case 'search_result':
      case 'search_failed':
        this.deps.onSearch(event);
        return;
      default:
        return; // done / error: the stream's result says it
    }
  }

  private finish(outcome: ReplyOutcome): void {
    this.outcome = outcome;
    this.settle(outcome);
  }
}
