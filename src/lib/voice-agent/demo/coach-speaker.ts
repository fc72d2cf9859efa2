/**
 * The demo coach's voice: the browser's speech synthesis, one sentence per utterance, replies queued in
 * order. One sentence at a time because long utterances stall in some browsers, because the text can be
 * revealed as it is spoken, and because a cut (barge-in) then knows what the user heard: the finished
 * sentences plus the current one up to the last word boundary the voice reported. How long the user
 * heard the voice (for the delivery signals) is timed from each utterance's `start` to its `end`, or to
 * the cut.
 *
 * When there is no synthesis, or an utterance does not start within `startTimeoutMs` (no voice
 * installed, a stuck speech service), or the voice fails, the speaker gives up for good and the session
 * shows replies as text only: a coach that falls silent mid-sentence is worse than one that writes.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { splitSentences } from './demo-text';
import type { DemoSpeech, UtteranceLike, VoiceLike } from './speech-apis';

export const SPEECH_START_TIMEOUT_MS = 2_000;

export interface SpeakerEvents {
  /** The text heard so far of reply `id` (it grows sentence by sentence); `done` once fully spoken, with the ms it took. */
  progress(id: string, heard: string, done: boolean, spokenMs?: number): void;
  /** The coach's voice started or stopped. */
  speaking(active: boolean): void;
  /** Speech is unavailable from now on; the replies not yet spoken are handed back (in order). */
  unavailable(unspoken: ReadonlyArray<{ id: string; text: string }>): void;
}

interface Reply {
  id: string;
  text: string;
  sentences: string[];
  /** Index of the sentence being spoken (or next to speak). */
  index: number;
  /** The current sentence has started. */
  started: boolean;
  /** Last word boundary reported in the current sentence. */
  boundary?: number;
  /** Ms spoken in the finished sentences, and when the current one started (the clock's ms). */
  spokenMs: number;
  startedAt?: number;
}

export class CoachSpeaker {
  private queue: Reply[] = [];
  private current: UtteranceLike | undefined;
  private startTimer: ReturnType<typeof setTimeout> | undefined;
  private failed: boolean;
  private active = false;

  constructor(
    private readonly speech: DemoSpeech,
    private readonly events: SpeakerEvents,
    private readonly options: { lang: string; startTimeoutMs?: number },
  ) {
    this.failed = !speech.synthesis || !speech.createUtterance;
  }

  /** Speech can still be used (false once it failed or was never there). */
  get available(): boolean {
    return !this.failed;
  }

  get speaking(): boolean {
    return this.active;
  }

  /** The reply being spoken now ('' when silent), to recognise our own voice coming back. */
  get currentText(): string {
    return this.active ? (this.queue[0]?.text ?? '') : '';
  }

  /** Queue a reply; it is spoken after the ones before it. */
  say(id: string, text: string): void {
    this.queue.push({ id, text, sentences: splitSentences(text), index: 0, started: false, spokenMs: 0 });
    if (this.queue.length === 1) this.speakNext();
  }

  /**
   * Stop now. Returns what the user heard of the reply being spoken (its text, and for how many ms the
   * voice spoke), and the ids of queued replies that were never started (the session drops them).
   */
  cancel(): { id: string; heard: string; heardMs: number; dropped: string[] } | undefined {
    const [reply, ...rest] = this.queue;
    this.queue = [];
    this.stopUtterance();
    this.speech.synthesis?.cancel();
    this.setActive(false);
    if (!reply) return undefined;
    const current = reply.started && reply.startedAt !== undefined ? this.now() - reply.startedAt : 0;
    return { id: reply.id, heard: heardOf(reply), heardMs: reply.spokenMs + current, dropped: rest.map((r) => r.id) };
  }

  dispose(): void {
    this.cancel();
  }

  private speakNext(): void {
    const reply = this.queue[0];
    if (!reply || this.failed) return;
    const sentence = reply.sentences[reply.index];
    if (sentence === undefined) return this.finish(reply);
    const utterance = this.speech.createUtterance!(sentence);
    utterance.lang = this.options.lang;
    utterance.rate = 1;
    utterance.volume = 1;
    const voice = pickVoice(this.speech.synthesis!.getVoices(), this.options.lang);
    if (voice) utterance.voice = voice;
    reply.started = false;
    reply.boundary = undefined;
    utterance.onstart = () => {
      if (this.current !== utterance) return;
      clearTimeout(this.startTimer);
      reply.started = true;
      reply.startedAt = this.now();
      this.setActive(true);
      this.events.progress(reply.id, heardOf(reply, true), false);
    };
    utterance.onboundary = (event) => {
      if (this.current === utterance && typeof event.charIndex === 'number') reply.boundary = event.charIndex;
    };
    utterance.onend = () => {
      if (this.current !== utterance) return;
      clearTimeout(this.startTimer);
      // Some engines end an utterance without ever starting it: that is a failure, not speech.
      if (!reply.started) return this.fail();
      reply.spokenMs += this.now() - (reply.startedAt ?? this.now());
      reply.index += 1;
      this.speakNext();
    };
    utterance.onerror = (event) => {
      if (this.current !== utterance) return;
      // 'interrupted'/'canceled' come from our own cancel; anything else means the voice is gone.
      if (event.error === 'interrupted' || event.error === 'canceled') return;
      this.fail();
    };
    this.current = utterance;
    this.startTimer = setTimeout(() => {
      if (this.current === utterance && !reply.started) this.fail();
    }, this.options.startTimeoutMs ?? SPEECH_START_TIMEOUT_MS);
    try {
      this.speech.synthesis!.speak(utterance);
    } catch {
      this.fail();
    }
  }

  private finish(reply: Reply): void {
    this.current = undefined;
    this.queue.shift();
    this.events.progress(reply.id, reply.text, true, reply.spokenMs);
    if (this.queue.length === 0) this.setActive(false);
    else this.speakNext();
  }

  private fail(): void {
    if (this.failed) return;
    this.failed = true;
    const unspoken = this.queue.map((r) => ({ id: r.id, text: r.text }));
    this.queue = [];
    this.stopUtterance();
    try {
      this.speech.synthesis?.cancel();
    } catch {
      /* nothing left to stop */
    }
    this.setActive(false);
    this.events.unavailable(unspoken);
  }

  private now(): number {
    return Date.now();
  }

  private stopUtterance(): void {
    clearTimeout(this.startTimer);
    this.startTimer = undefined;
    this.current = undefined;
  }

  private setActive(active: boolean): void {
    if (this.active === active) return;
    this.active = active;
    this.events.speaking(active);
  }
}

/**
 * What was heard of a reply: finished sentences, plus the current one when it has started — all of it
 * while it plays (`whole`), or up to the end of the word the voice last reported when cut (nothing of
 * it when the voice reports no boundaries: better to drop words than to claim they were said).
 */
function heardOf(reply: Reply, whole = false): string {
  const done = reply.sentences.slice(0, reply.index);
  const sentence = reply.sentences[reply.index];
  if (sentence !== undefined && reply.started) {
    if (whole) done.push(sentence);
    else if (reply.boundary !== undefined && reply.boundary > 0) {
      const end = sentence.slice(reply.boundary).search(/\s|$/);
      const partial = sentence.slice(0, reply.boundary + end).replace(/[\s,;:.!?]+$/, '');
      if (partial) done.push(`${partial}…`);
    }
  }
  return done.join(' ');
}

/** A voice for the language: local ones first (no text leaves the machine), then any match, else the default. */
export function pickVoice(voices: readonly VoiceLike[], lang: string): VoiceLike | undefined {
  const base = lang.split('-')[0]!.toLowerCase();
  const exact = voices.filter((v) => v.lang.toLowerCase() === lang.toLowerCase());
  const family = voices.filter((v) => v.lang.toLowerCase().startsWith(base));
  for (const group of [exact, family]) {
    const local = group.find((v) => v.localService);
    if (local) return local;
    if (group[0]) return group[0];
  }
  return undefined;
}
