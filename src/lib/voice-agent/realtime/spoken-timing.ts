/**
 * When was each word of an assistant reply spoken? The Realtime API streams the transcript and the
 * audio separately and gives no word timestamps, yet a barge-in is reported in audio time
 * (`conversation.item.truncated {audio_end_ms}`). To show only what the user actually heard, we
 * estimate word end times:
 *
 * 1. The item's audio duration is the audio received so far: the decoded byte length of every
 *    `response.output_audio.delta` (PCM16 at 24 kHz is 48 bytes per ms; G.711 is 8). When no audio
 *    bytes arrive (WebRTC plays an RTP track and may send no deltas on the data channel), the
 *    duration falls back to a nominal speaking rate. Either way it is never shorter than the playback
 *    progress the transport reported (`app.audio_played`).
 * 2. The transcript's characters are spread evenly over that duration, so a word ends at
 *    `duration × (characters up to the word's end) / (all characters)`.
 * 3. The words whose estimated end is at or before the cut-off were heard.
 *
 * Transcript deltas usually run a little ahead of the audio, so a cut in the middle of a reply that is
 * still streaming keeps slightly more words than were heard. That is the accepted error: a word or two.
 *
 * Browser-only module: never import from `src/server/**` here.
 */

/** PCM16, 24 kHz, mono: 24 000 samples × 2 bytes per second. */
export const PCM16_24K_BYTES_PER_MS = 48;

/** ≈ 14 characters (≈ 2.6 words) per second: a calm speaking voice at speed 1.0. */
export const NOMINAL_MS_PER_CHAR = 70;

/** The audio and transcript of one assistant item, as far as they have arrived. */
export interface SpokenTrack {
  responseId?: string;
  /** Transcript deltas in arrival order. */
  deltas: readonly string[];
  /** The server's final transcript (`…transcript.done`); preferred over the joined deltas. */
  finalText?: string;
  /** Decoded audio bytes received for this item. */
  audioBytes: number;
  /** Highest playback position the transport reported for this item. */
  playedMs?: number;
  /** Set once the item was cut at a known audio position (truncate is exact; later cuts keep it). */
  truncatedAtMs?: number;
}

export function emptyTrack(responseId?: string): SpokenTrack {
  return responseId === undefined ? { deltas: [], audioBytes: 0 } : { responseId, deltas: [], audioBytes: 0 };
}

/** Everything the model has said in this item so far. */
export function fullText(track: SpokenTrack): string {
  return track.finalText ?? track.deltas.join('');
}

/** Decoded length of a base64 string, without decoding it. */
export function base64ByteLength(base64: string): number {
  const clean = base64.replace(/[^A-Za-z0-9+/=_-]/g, '');
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - padding);
}

/** Estimated audio duration of the item (see the method above). */
export function spokenDurationMs(track: SpokenTrack, bytesPerMs: number): number {
  const estimate =
    track.audioBytes > 0 && bytesPerMs > 0 ? track.audioBytes / bytesPerMs : fullText(track).length * NOMINAL_MS_PER_CHAR;
  // Nothing can have been played that was not there: reported playback bounds the estimate from below.
  return Math.max(estimate, track.playedMs ?? 0);
}

export interface WordTiming {
  word: string;
  /** Index in the text just past the word. */
  endIndex: number;
  /** Estimated ms into the item's audio at which the word has been spoken. */
  endMs: number;
}

/** Every word of `text` with its estimated end time when the whole text takes `durationMs`. */
export function estimateWordTimings(text: string, durationMs: number): WordTiming[] {
  const timings: WordTiming[] = [];
  if (text.length === 0) return timings;
  for (const match of text.matchAll(/\S+/g)) {
    const endIndex = (match.index ?? 0) + match[0].length;
    timings.push({ word: match[0], endIndex, endMs: (durationMs * endIndex) / text.length });
  }
  return timings;
}

/** The prefix of `text` made of the words that had ended by `cutoffMs` (trailing space trimmed). */
export function heardText(text: string, durationMs: number, cutoffMs: number): string {
  let end = 0;
  for (const timing of estimateWordTimings(text, durationMs)) {
    if (timing.endMs > cutoffMs) break;
    end = timing.endIndex;
  }
  return text.slice(0, end).trimEnd();
}

/** What the user heard of the track when cut at `cutoffMs`. */
export function heardPart(track: SpokenTrack, bytesPerMs: number, cutoffMs: number): string {
  return heardText(fullText(track), spokenDurationMs(track, bytesPerMs), cutoffMs);
}
