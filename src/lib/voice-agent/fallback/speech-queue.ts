/**
 * Speaks the coach's reply sentence by sentence, in order, through one PcmPlayer: each sentence is one
 * player item, its PCM streamed into the player as it arrives from `/speech`, so the first audio starts
 * with the first chunk of the first sentence. Sentence N+1 is fetched once sentence N is playing (not
 * earlier: speech the user interrupts is speech paid for and never heard) and its chunks wait until
 * sentence N is fully queued, so the player's clock lays them end to end without a gap.
 *
 * A sentence whose speech fails is skipped (its text is on screen) and reported. `stop()` — barge-in or
 * the stop button — aborts every fetch, cuts the player at once and says what the user heard: the whole
 * sentences before the cut, and how far into the current one (measured on the audio clock by the
 * player, not from bytes received).
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { PcmPlayer, PcmPlayerOptions } from '../audio/pcm-player';
import { PCM16_RATE } from '../audio/pcm16';
import type { ApiFailure, ApiResult } from '../types/api';
import { speakable } from './speakable';

/** Speaking pace used to guess a sentence's length while its audio is still arriving, ms per character. */
export const ESTIMATED_MS_PER_CHAR = 65;

export interface SpeechSource extends AsyncIterable<Int16Array> {
  failure(): ApiFailure | undefined;
}

export interface SpeechQueueDeps {
  fetchSpeech(text: string, signal: AbortSignal): Promise<ApiResult<SpeechSource>>;
  createPlayer(options: PcmPlayerOptions): PcmPlayer;
  /** Rate of the speech PCM (default 24 kHz). */
  sampleRate?: number;
  /** Player item ids are `${idPrefix}:${index}` (unique per reply). */
  idPrefix?: string;
  /** The reply's first sample reached the speaker. */
  onFirstAudio?(): void;
  /** The coach started (first audio) or stopped (all played, or stopped) speaking. */
  onSpeaking?(speaking: boolean): void;
  /** A sentence could not be spoken and was skipped. Not called for fetches `stop()` aborted. */
  onSentenceFailed?(index: number, text: string, failure: ApiFailure): void;
}

export interface SpeechCut {
  /** Leading sentences the user got: heard in full, or skipped because their speech failed. */
  delivered: number;
  /** The sentence the cut fell in, when some of it was heard or queued. */
  partial?: { index: number; playedMs: number; totalMs: number };
}

type Phase = 'waiting' | 'fetching' | 'ended' | 'failed';

interface Sentence {
  index: number;
  text: string;
  itemId: string;
  phase: Phase;
  controller?: AbortController;
  /** Chunks that arrived before it was this sentence's turn in the player. */
  buffered: Int16Array[];
  samples: number;
  /** Handed to the player (some or all of its audio). */
  writing: boolean;
  started: boolean;
  drained: boolean;
}

export class SpeechQueue {
  private readonly sentences: Sentence[] = [];
  private readonly player: PcmPlayer;
  private readonly rate: number;
  /** The sentence whose chunks go straight to the player; earlier ones are fully queued or skipped. */
  private writer = 0;
  private nextFetch = 0;
  private ended = false;
  /** Stopped, or everything played: no more fetching, playing or reporting. */
  private over = false;
  private firstAudioSent = false;
  private speakingNow = false;
  private cut: SpeechCut | undefined;
  private resolveFinished!: (how: 'played' | 'stopped') => void;
  /** Resolves when everything was played (after `end()`) or the queue was stopped. */
  readonly finished: Promise<'played' | 'stopped'>;

  constructor(private readonly deps: SpeechQueueDeps) {
    this.rate = deps.sampleRate ?? PCM16_RATE;
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    this.player = deps.createPlayer({
      sampleRate: this.rate,
      onFirstAudio: (id) => this.onFirstAudio(id),
      onDrained: (id) => this.onDrained(id),
    });
  }

  /** The next sentence of the reply. */
  push(text: string): void {
    if (this.over || this.ended) return;
    const index = this.sentences.length;
    this.sentences.push({ index, text, itemId: `${this.deps.idPrefix ?? 'speech'}:${index}`, phase: 'waiting', buffered: [], samples: 0, writing: false, started: false, drained: false });
    this.pump();
  }

  /** No more sentences will come. */
  end(): void {
    if (this.over || this.ended) return;
    this.ended = true;
    this.checkFinished();
  }

  get speaking(): boolean {
    return this.speakingNow;
  }

  get sentenceTexts(): readonly string[] {
    return this.sentences.map((s) => s.text);
  }

  /**
   * Ms of the coach's voice the user heard: the whole sentences played (their PCM, as written to the
   * player) plus, after a cut, the played part of the sentence it fell in.
   */
  get heardMs(): number {
    const cut = this.cut;
    const whole = cut ? this.sentences.slice(0, cut.delivered) : this.sentences.filter((s) => s.drained);
    const samples = whole.reduce((n, s) => n + s.samples, 0);
    return Math.round((samples * 1000) / this.rate + (cut?.partial?.playedMs ?? 0));
  }

  /** Stop now: fetches aborted, playback cut. What the user heard (the same answer if called again). */
  stop(): SpeechCut {
    if (this.cut) return this.cut;
    const playing = !this.over;
    this.over = true;
    for (const s of this.sentences) s.controller?.abort();
    // After everything played there is nothing to cut: every sentence was delivered.
    const playerCut = playing ? this.player.stop() : undefined;
    this.player.close();
    this.cut = this.measure(playerCut);
    this.setSpeaking(false);
    this.resolveFinished('stopped');
    return this.cut;
  }

  // ---- internals -----------------------------------------------------------------------------

  /** Start the fetches that are due: the first sentence at once, each next one once its predecessor plays. */
  private pump(): void {
    while (!this.over && this.nextFetch < this.sentences.length) {
      const previous = this.sentences[this.nextFetch - 1];
      if (previous && !(previous.started || previous.drained || previous.phase === 'failed' || (previous.phase === 'ended' && previous.samples === 0))) return;
      void this.fetch(this.sentences[this.nextFetch++]!);
    }
  }

  private async fetch(s: Sentence): Promise<void> {
    const text = speakable(s.text);
    if (!text) {
      s.phase = 'ended'; // nothing to say aloud (a bare link): on screen only
      return this.afterSentence();
    }
    s.phase = 'fetching';
    s.controller = new AbortController();
    this.advanceWriter(); // its turn already? then its chunks stream straight into the player
    const result = await this.deps.fetchSpeech(text, s.controller.signal);
    if (this.over) return;
    if (!result.ok) return this.fail(s, result.error);
    for await (const chunk of result.data) {
      if (this.over) return;
      s.samples += chunk.length;
      if (s.writing) this.player.enqueue(s.itemId, chunk);
      else s.buffered.push(chunk);
    }
    if (this.over) return;
    const failure = result.data.failure();
    // Cut off midway: what arrived is still played; nothing at all counts as a failed sentence.
    if (failure && s.samples === 0) return this.fail(s, failure);
    s.phase = 'ended';
    this.afterSentence();
  }

  private fail(s: Sentence, failure: ApiFailure): void {
    s.phase = 'failed';
    s.buffered = [];
    this.deps.onSentenceFailed?.(s.index, s.text, failure);
    this.afterSentence();
  }

  private afterSentence(): void {
    this.advanceWriter();
    this.pump();
    this.checkFinished();
  }

  /** Hand sentences to the player in order: queued audio first, then the rest streams straight in. */
  private advanceWriter(): void {
    while (this.writer < this.sentences.length) {
      const s = this.sentences[this.writer]!;
      if (s.phase === 'failed') {
        this.writer++;
        continue;
      }
      if (!s.writing && s.phase !== 'waiting') {
        s.writing = true;
        for (const chunk of s.buffered) this.player.enqueue(s.itemId, chunk);
        s.buffered = [];
      }
      if (s.phase !== 'ended') return; // still streaming: its later chunks go straight in
      if (s.samples > 0) this.player.finish(s.itemId);
      this.writer++;
    }
  }

  private onFirstAudio(itemId: string): void {
    const s = this.byItem(itemId);
    if (!s || this.over) return;
    s.started = true;
    if (!this.firstAudioSent) {
      this.firstAudioSent = true;
      this.deps.onFirstAudio?.();
    }
    this.setSpeaking(true);
    this.pump();
  }

  private onDrained(itemId: string): void {
    const s = this.byItem(itemId);
    if (!s || this.over) return;
    s.drained = true;
    this.pump();
    this.checkFinished();
  }

  private checkFinished(): void {
    if (this.over || !this.ended) return;
    const done = this.sentences.every((s) => s.drained || s.phase === 'failed' || (s.phase === 'ended' && s.samples === 0));
    if (!done) return;
    this.over = true;
    this.player.close();
    this.setSpeaking(false);
    this.resolveFinished('played');
  }

  /** What the user heard, from the player's cut (the item it fell in and the ms of it played). */
  private measure(playerCut: { itemId: string; playedMs: number } | undefined): SpeechCut {
    let delivered = 0;
    for (const s of this.sentences) {
      if (playerCut && s.itemId === playerCut.itemId) {
        const written = (s.samples * 1000) / this.rate;
        const totalMs = s.phase === 'ended' ? written : Math.max(written, s.text.length * ESTIMATED_MS_PER_CHAR);
        return { delivered, partial: { index: s.index, playedMs: playerCut.playedMs, totalMs: Math.round(totalMs) } };
      }
      // The player plays items in order: one written before the cut item (or with no cut at all) was heard.
      const heard = s.writing && s.samples > 0;
      if (heard || s.drained || s.phase === 'failed' || (s.phase === 'ended' && s.samples === 0)) delivered++;
      else break;
    }
    return { delivered };
  }

  private byItem(itemId: string): Sentence | undefined {
    const prefix = `${this.deps.idPrefix ?? 'speech'}:`;
    if (!itemId.startsWith(prefix)) return undefined;
    return this.sentences[Number(itemId.slice(prefix.length))];
  }

  private setSpeaking(speaking: boolean): void {
    if (this.speakingNow === speaking) return;
    this.speakingNow = speaking;
    this.deps.onSpeaking?.(speaking);
  }
}
