/**
 * The slices of the browser's Web Speech API the demo uses, as small structural types, so the session
 * can be tested with fakes and runs (typing only) where the API is missing. `browserSpeech()` returns
 * the real ones: `speechSynthesis` for the coach's voice, `SpeechRecognition` (or Chrome/Safari's
 * `webkitSpeechRecognition`) for the user's.
 *
 * Browser-only module: never import from `src/server/**` here.
 */

export interface VoiceLike {
  readonly name: string;
  readonly lang: string;
  readonly default?: boolean;
  readonly localService?: boolean;
}

export interface UtteranceLike {
  text: string;
  lang: string;
  rate: number;
  volume: number;
  voice: VoiceLike | null;
  onstart: ((event: unknown) => void) | null;
  onend: ((event: unknown) => void) | null;
  onerror: ((event: { error?: string }) => void) | null;
  /** Word boundaries as they are spoken (not every voice reports them). */
  onboundary: ((event: { charIndex: number; name?: string }) => void) | null;
}

export interface SynthesisLike {
  speak(utterance: UtteranceLike): void;
  cancel(): void;
  getVoices(): readonly VoiceLike[];
}

export interface RecognitionAlternativeLike {
  readonly transcript: string;
}

export interface RecognitionResultLike {
  readonly isFinal: boolean;
  readonly length: number;
  readonly [index: number]: RecognitionAlternativeLike;
}

export interface RecognitionEventLike {
  readonly resultIndex: number;
  readonly results: { readonly length: number; readonly [index: number]: RecognitionResultLike };
}

export interface RecognitionLike {
  continuous: boolean;
  interimResults: boolean;
  lang: string;
  start(): void;
  stop(): void;
  abort(): void;
  onresult: ((event: RecognitionEventLike) => void) | null;
  onerror: ((event: { error: string; message?: string }) => void) | null;
  onend: ((event: unknown) => void) | null;
  onspeechstart: ((event: unknown) => void) | null;
  onspeechend: ((event: unknown) => void) | null;
}

export interface DemoSpeech {
  /** Absent: the coach's replies are text only. */
  synthesis?: SynthesisLike;
  createUtterance?(text: string): UtteranceLike;
  /** Absent: the user types. */
  createRecognition?(): RecognitionLike;
}

type RecognitionConstructor = new () => RecognitionLike;

/** The browser's speech APIs, whichever exist. */
export function browserSpeech(): DemoSpeech {
  if (typeof window === 'undefined') return {};
  const w = window as unknown as {
    speechSynthesis?: SynthesisLike;
    SpeechSynthesisUtterance?: new (text: string) => UtteranceLike;
    SpeechRecognition?: RecognitionConstructor;
    webkitSpeechRecognition?: RecognitionConstructor;
  };
  const speech: DemoSpeech = {};
  const Utterance = w.SpeechSynthesisUtterance;
  if (w.speechSynthesis && Utterance) {
    speech.synthesis = w.speechSynthesis;
    speech.createUtterance = (text) => new Utterance(text);
  }
  const Recognition = w.SpeechRecognition ?? w.webkitSpeechRecognition;
  if (Recognition) speech.createRecognition = () => new Recognition();
  return speech;
}
