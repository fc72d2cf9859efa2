/**
 * Audio set-up that must happen in the user's click: iOS/Safari (and Chrome's autoplay policy) only let
 * a page make sound from an element or AudioContext first used inside a user gesture. So the click
 * handler calls `unlockAudio()` synchronously, before any await, and the transports use what it made.
 *
 * Browser-only module: never import from `src/server/**` here.
 */

export interface UnlockedAudio {
  /** Plays the coach's WebRTC track. */
  audioElement: HTMLAudioElement;
  /** 24 kHz where the browser allows it (the realtime PCM16 rate); used for capture, playback and meters. */
  audioContext: AudioContext;
}

/** Call synchronously inside the click handler. */
export function unlockAudio(): UnlockedAudio {
  const audioElement = new Audio();
  audioElement.autoplay = true;
  audioElement.setAttribute('playsinline', '');
  let audioContext: AudioContext;
  try {
    audioContext = new AudioContext({ sampleRate: 24_000, latencyHint: 'interactive' });
  } catch {
    audioContext = new AudioContext({ latencyHint: 'interactive' }); // some browsers refuse custom rates
  }
  void audioContext.resume().catch(() => undefined);
  // One silent sample through the context: the classic iOS unlock.
  const buffer = audioContext.createBuffer(1, 1, audioContext.sampleRate);
  const source = audioContext.createBufferSource();
  source.buffer = buffer;
  source.connect(audioContext.destination);
  source.start();
  void audioElement.play().catch(() => undefined); // no source yet: the call itself is what unlocks it
  return { audioElement, audioContext };
}

/**
 * iOS Safari speaks only after `speechSynthesis.speak()` was first called inside a gesture: an empty
 * utterance from the click unlocks it for the demo coach's replies later. Harmless elsewhere.
 */
export function primeSpeechSynthesis(): void {
  try {
    if (typeof window === 'undefined' || !('speechSynthesis' in window) || typeof SpeechSynthesisUtterance !== 'function') return;
    const utterance = new SpeechSynthesisUtterance('');
    utterance.volume = 0;
    window.speechSynthesis.speak(utterance);
  } catch {
    /* no speech synthesis: the demo shows its replies as text */
  }
}

export type MicrophoneResult =
  | { ok: true; stream: MediaStream }
  | { ok: false; reason: 'denied' | 'unavailable' | 'unsupported'; message: string };

/** The microphone with the browser's echo cancellation, noise suppression and gain control. */
export async function openMicrophone(): Promise<MicrophoneResult> {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
    return { ok: false, reason: 'unsupported', message: 'This browser cannot use a microphone here (a secure https:// page is required).' };
  }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 },
    });
    return { ok: true, stream };
  } catch (error) {
    const name = error instanceof DOMException ? error.name : '';
    if (name === 'NotAllowedError' || name === 'SecurityError') {
      return {
        ok: false,
        reason: 'denied',
        message: 'Microphone access was blocked. Allow it in the address bar to talk, or type your answers below.',
      };
    }
    return { ok: false, reason: 'unavailable', message: 'No microphone could be opened. Check that one is connected, or type your answers below.' };
  }
}

/** A 0..1 level meter over a stream (RMS of the time-domain signal), read on demand by the UI. */
export function createLevelMeter(context: AudioContext, stream: MediaStream): { level(): number; close(): void } {
  const source = context.createMediaStreamSource(stream);
  const analyser = context.createAnalyser();
  analyser.fftSize = 512;
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  return {
    level() {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      return Math.min(1, Math.sqrt(sum / samples.length) * 4);
    },
    close() {
      source.disconnect();
      analyser.disconnect();
    },
  };
}
