/**
 * The fallback coach's words on the status line, in one place. Where the realtime session says the same
 * thing, the wording is the same (voice-session.ts, audio-setup.ts).
 *
 * Pure. Browser-only module: never import from `src/server/**` here.
 */
import type { VoiceSnapshot } from '../session/voice-session-types';
import type { ApiFailure } from '../types/api';

export const MESSAGES = {
  connecting: 'Connecting to your coach…',
  ended: 'Session ended.',
  left: 'Your session was closed when you left the page.',
  offline: 'You are offline. The microphone is paused until the connection is back.',
  notCaught: "I didn't catch that. Please say it again.",
  holdLonger: 'Hold the button while you speak, then let go.',
  wrongMode: 'This session cannot use the fallback coach. Start again when ready.',
  speechSkipped: 'Part of the reply could not be spoken; it is shown as text.',
  noAudio: 'The coach’s voice cannot play in this browser; replies are shown as text.',
} as const;

export type FailedStep = 'transcribe' | 'chat' | 'speech';

/** Plain words for a failed request: the server's own message when it sent one, else what happened. */
export function failureMessage(failure: ApiFailure, step: FailedStep): string {
  if (failure.kind === 'network') {
    return step === 'transcribe'
      ? 'Your last words could not be sent: the connection failed. Please say them again, or type.'
      : 'The coach could not be reached: the connection failed. Check your connection and try again.';
  }
  if (failure.kind === 'timeout') {
    return step === 'transcribe' ? 'Your last words took too long to process. Please say them again.' : 'The coach took too long to answer. Please try again.';
  }
  if (failure.kind === 'invalid-response') return 'The coach answered in an unexpected way. Please try again.';
  // The API's messages are written for people (e.g. "That recording is longer than 60 seconds.").
  return failure.message || 'Something went wrong. Please try again.';
}

/**
 * Failures no retry will fix in this session: a token for another mode (403), or a token still refused
 * after the one renewal the request runner already made (401).
 */
export function isFatal(failure: ApiFailure): boolean {
  return failure.status === 403 || failure.status === 401;
}

/** What to say when the voice detection dropped an utterance. */
export function discardMessage(reason: 'too-short' | 'silent', pushToTalk: boolean): Partial<Pick<VoiceSnapshot, 'message'>> {
  if (reason === 'silent') return { message: MESSAGES.notCaught };
  // A push-to-talk tap is worth a hint; a VAD blip (a cough, a click) is not worth a word.
  return pushToTalk ? { message: MESSAGES.holdLonger } : {};
}
