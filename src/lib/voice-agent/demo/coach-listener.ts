/**
 * The demo coach's ears: the browser's speech recognition, continuous with interim results. It is
 * switched on and off by the session (mute, push-to-talk, offline) and restarts itself when the browser
 * ends a recognition session on its own (silence, its time limit). Failures end in one plain message and
 * typing, never in a loop: permission refused, no microphone, the speech service unreachable, or a
 * recognition that keeps ending without hearing anything. 'no-speech' is normal and restarts quietly.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { DemoSpeech, RecognitionEventLike, RecognitionLike } from './speech-apis';

export type ListenerProblem = { microphone: 'denied' | 'unavailable'; message: string };

export interface ListenerEvents {
  /** What the user is saying so far (replaces the previous interim text). */
  interim(text: string): void;
  /** A finished utterance. */
  final(text: string): void;
  speechStart(): void;
  speechEnd(): void;
  /** Recognition is given up for this session. */
  failed(problem: ListenerProblem): void;
  /** Listening started or stopped (for the microphone state). */
  listening(active: boolean): void;
}

const TYPE_INSTEAD = 'Type your replies below.';

export const LISTENER_MESSAGES = {
  missing: `This browser has no speech recognition. ${TYPE_INSTEAD}`,
  denied: `Microphone access was refused, so the coach cannot hear you. ${TYPE_INSTEAD} To speak, allow the microphone in your browser's site settings.`,
  notAllowed: `This browser does not allow speech recognition on this page. ${TYPE_INSTEAD}`,
  noMicrophone: `No microphone was found. ${TYPE_INSTEAD}`,
  network: `Speech recognition could not reach your browser's speech service. ${TYPE_INSTEAD}`,
  keepsStopping: `Speech recognition keeps stopping. ${TYPE_INSTEAD}`,
  other: `Speech recognition stopped working. ${TYPE_INSTEAD}`,
} as const;

/** Restarts without a single result within this window, beyond this count, mean recognition is broken. */
const RESTART_WINDOW_MS = 10_000;
const MAX_RESTARTS_IN_WINDOW = 5;
/** A short pause before restarting: an immediate start right after `end` is refused by some browsers. */
const RESTART_DELAY_MS = 250;

export class CoachListener {
  private recognition: RecognitionLike | undefined;
  private wanted = false;
  private running = false;
  private broken = false;
  private restarts: number[] = [];
  private restartTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly speech: DemoSpeech,
    private readonly events: ListenerEvents,
    private readonly options: { lang: string; now?: () => number },
  ) {}

  get supported(): boolean {
    return typeof this.speech.createRecognition === 'function';
  }

  /** Listen (true) or not. Starting without the API reports it once and does nothing. */
  setWanted(wanted: boolean): void {
    this.wanted = wanted;
    if (wanted) this.start();
    else this.stop();
  }

  dispose(): void {
    this.wanted = false;
    clearTimeout(this.restartTimer);
    const recognition = this.recognition;
    this.recognition = undefined;
    if (recognition) {
      recognition.onresult = recognition.onerror = recognition.onend = recognition.onspeechstart = recognition.onspeechend = null;
      try {
        recognition.abort();
      } catch {
        /* already stopped */
      }
    }
    this.setRunning(false);
  }

  private start(): void {
    if (this.broken || this.running) return;
    if (!this.supported) return this.giveUp({ microphone: 'unavailable', message: LISTENER_MESSAGES.missing });
    const recognition = (this.recognition ??= this.create());
    if (!recognition) return;
    try {
      recognition.start();
      this.setRunning(true);
    } catch {
      // InvalidStateError: it is still running from before (the `end` event has not arrived yet).
      this.setRunning(true);
    }
  }

  private stop(): void {
    clearTimeout(this.restartTimer);
    if (!this.running || !this.recognition) return;
    try {
      this.recognition.stop(); // delivers the final result of what was said so far
    } catch {
      /* already stopped */
    }
  }

  private create(): RecognitionLike | undefined {
    let recognition: RecognitionLike;
    try {
      recognition = this.speech.createRecognition!();
    } catch {
      this.giveUp({ microphone: 'unavailable', message: LISTENER_MESSAGES.missing });
      return undefined;
    }
    recognition.continuous = true;
    recognition.interimResults = true;
    recognition.lang = this.options.lang;
    recognition.onresult = (event) => this.onResult(event);
    recognition.onerror = (event) => this.onError(event.error);
    recognition.onend = () => this.onEnd();
    recognition.onspeechstart = () => this.events.speechStart();
    recognition.onspeechend = () => this.events.speechEnd();
    return recognition;
  }

  private onResult(event: RecognitionEventLike): void {
    this.restarts = []; // it hears things: the restarts so far were normal
    let interim = '';
    for (let i = event.resultIndex; i < event.results.length; i++) {
      const result = event.results[i]!;
      const text = (result[0]?.transcript ?? '').trim();
      if (!text) continue;
      if (result.isFinal) this.events.final(text);
      else interim += `${interim ? ' ' : ''}${text}`;
    }
    if (interim) this.events.interim(interim);
  }

  private onError(error: string): void {
    switch (error) {
      case 'no-speech':
      case 'aborted':
        return; // silence, or our own stop: `end` follows and decides
      case 'not-allowed':
        return this.giveUp({ microphone: 'denied', message: LISTENER_MESSAGES.denied });
      case 'service-not-allowed':
        return this.giveUp({ microphone: 'denied', message: LISTENER_MESSAGES.notAllowed });
      case 'audio-capture':
        return this.giveUp({ microphone: 'unavailable', message: LISTENER_MESSAGES.noMicrophone });
      case 'network':
        return this.giveUp({ microphone: 'unavailable', message: LISTENER_MESSAGES.network });
      default:
        return this.giveUp({ microphone: 'unavailable', message: LISTENER_MESSAGES.other });
    }
  }

  private onEnd(): void {
    this.setRunning(false);
    if (!this.wanted || this.broken) return;
    const now = (this.options.now ?? Date.now)();
    this.restarts = [...this.restarts.filter((t) => now - t < RESTART_WINDOW_MS), now];
    if (this.restarts.length > MAX_RESTARTS_IN_WINDOW) {
      return this.giveUp({ microphone: 'unavailable', message: LISTENER_MESSAGES.keepsStopping });
    }
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (this.wanted) this.start();
    }, RESTART_DELAY_MS);
  }

  private giveUp(problem: ListenerProblem): void {
    if (this.broken) return;
    this.broken = true;
    this.wanted = false;
    this.dispose();
    this.events.failed(problem);
  }

  private setRunning(running: boolean): void {
    if (this.running === running) return;
    this.running = running;
    this.events.listening(running);
  }
}
