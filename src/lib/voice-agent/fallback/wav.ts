/**
 * PCM16 mono → a WAV file for `POST /api/voice-agent/transcribe`. The browser records at 16 kHz (what
 * speech-to-text models work at internally), so a 60 s utterance is under 2 MB: far below the server's
 * 10 MB limit and a third less upload than 24 kHz, which is latency the user waits for.
 *
 * Pure: no DOM beyond `Blob`; runs in Node for the tests.
 * Browser-only module: never import from `src/server/**` here.
 */

export const WAV_HEADER_BYTES = 44;
/** The server refuses larger uploads (413 payload_too_large). */
export const MAX_WAV_BYTES = 10 * 1024 * 1024;

/** A canonical 44-byte RIFF header + little-endian samples. */
export function encodeWav(pcm: Int16Array, sampleRate: number): Uint8Array<ArrayBuffer> {
  if (!(sampleRate > 0) || !Number.isInteger(sampleRate)) throw new RangeError('The sample rate must be a positive integer.');
  const dataBytes = pcm.length * 2;
  const bytes = new Uint8Array(WAV_HEADER_BYTES + dataBytes);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  // DataView, not a typed-array copy: WAV is little-endian whatever the machine is.
  for (let i = 0; i < pcm.length; i++) view.setInt16(WAV_HEADER_BYTES + i * 2, pcm[i]!, true);
  return bytes;
}

/** The upload itself (`audio/wav`, the type the server's media check expects). */
export function wavBlob(pcm: Int16Array, sampleRate: number): Blob {
  return new Blob([encodeWav(pcm, sampleRate)], { type: 'audio/wav' });
}

/** Duration of `samples` at `sampleRate`, in whole ms. */
export function pcmDurationMs(samples: number, sampleRate: number): number {
  return Math.round((samples * 1000) / sampleRate);
}

/** Chunks of one recording → one buffer. */
export function concatPcm(chunks: readonly Int16Array[]): Int16Array {
  let total = 0;
  for (const chunk of chunks) total += chunk.length;
  const out = new Int16Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
