/**
 * Pure PCM helpers for the WebSocket transport's audio pipeline (protocol brief §3.3): the Realtime API
 * speaks PCM16 — signed 16-bit, little-endian, mono, 24 kHz — as base64 inside JSON events. No Web Audio,
 * no DOM: everything here runs (and is tested) in Node as well as in the browser.
 *
 * Browser-only module: never import from `src/server/**` here.
 */

/** The only PCM rate the Realtime API accepts and produces. */
export const PCM16_RATE = 24_000;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Float samples in [-1, 1] → Int16 (values outside are clamped; NaN becomes 0). */
export function floatToPcm16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    // Asymmetric scale so -1 → -32768 and 1 → 32767 exactly; NaN stays NaN, which an Int16Array stores as 0.
    out[i] = s >= 1 ? 32767 : s <= -1 ? -32768 : Math.round(s < 0 ? s * 32768 : s * 32767);
  }
  return out;
}

/** Int16 → float samples in [-1, 1). */
export function pcm16ToFloat(samples: Int16Array): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    out[i] = s < 0 ? s / 32768 : s / 32767;
  }
  return out;
}

/** The little-endian bytes of the samples (a view of the same memory on little-endian machines). */
export function pcm16ToBytes(samples: Int16Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  const bytes = new Uint8Array(samples.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i]!, true);
  return bytes;
}

/** Little-endian bytes → samples (a trailing odd byte is ignored). Always a copy, so alignment never matters. */
export function bytesToPcm16(bytes: Uint8Array): Int16Array {
  const count = bytes.length >> 1;
  const out = new Int16Array(count);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(bytes.subarray(0, count * 2));
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * 2);
  for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

/** Bytes per `String.fromCharCode.apply` call: far below every engine's argument limit. */
const BASE64_CHUNK = 0x8000;

/** Standard base64 of the bytes, in chunks so a multi-megabyte buffer cannot overflow the call stack. */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += BASE64_CHUNK) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + BASE64_CHUNK) as unknown as number[]);
  }
  return btoa(binary);
}

/** Decodes standard (or URL-safe) base64; whitespace is ignored. Throws on other invalid input. */
export function decodeBase64(base64: string): Uint8Array {
  let clean = base64.replace(/\s+/g, '');
  if (/[-_]/.test(clean)) clean = clean.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(clean);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Samples → the base64 payload of one `input_audio_buffer.append`. */
export function encodePcm16Base64(samples: Int16Array): string {
  return encodeBase64(pcm16ToBytes(samples));
}

/** The base64 payload of one `response.output_audio.delta` → samples. */
export function decodePcm16Base64(base64: string): Int16Array {
  return bytesToPcm16(decodeBase64(base64));
}

/** Root-mean-square level of a chunk, 0..1 (Int16 samples are scaled to full scale). */
export function rmsLevel(samples: Float32Array | Int16Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    sum += s * s;
  }
  const rms = Math.sqrt(sum / samples.length);
  return Math.min(1, samples instanceof Int16Array ? rms / 32768 : rms);
}

export interface Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Resamples the next chunk of a continuous stream; state carries over, so any chunking gives the same output. */
  process(input: Float32Array): Float32Array;
  /** Forget the stream so far (after a gap, e.g. mute → unmute). */
  reset(): void;
}

/**
 * A streaming resampler from any rate to `outputRate` (default 24 kHz), for when the AudioContext could
 * not be created at 24 kHz (its rate is then the device's, usually 44.1 or 48 kHz).
 *
 * Each output sample is a weighted sum of the input around its position with a triangular (tent) window.
 * Upsampling uses a window of ±1 input sample, which is plain linear interpolation; downsampling widens the
 * window to ±ratio input samples, a cheap low-pass that keeps most energy above the new Nyquist frequency
 * from folding back as aliasing (speech has little there anyway). Weights are normalised, so the stream's
 * first samples (no history yet) are not attenuated. The output lags the input by at most the window's
 * half-width (≤ 1/24 kHz × ratio, well under 1 ms).
 */
export function createResampler(inputRate: number, outputRate: number = PCM16_RATE): Resampler {
  if (!(inputRate > 0) || !(outputRate > 0)) throw new RangeError('Sample rates must be positive.');
  const step = inputRate / outputRate; // input samples per output sample
  const halfWidth = Math.max(1, step);
  let history = new Float32Array(0); // input not yet fully consumed
  let historyStart = 0; // absolute input index of history[0]
  let outputIndex = 0; // absolute index of the next output sample

  const passthrough = inputRate === outputRate;

  return {
    inputRate,
    outputRate,
    process(input) {
      if (passthrough) return input.slice();
      const buffer = new Float32Array(history.length + input.length);
      buffer.set(history);
      buffer.set(input, history.length);
      const available = historyStart + buffer.length; // absolute index just past the last input sample
      const out: number[] = [];
      for (;;) {
        const center = outputIndex * step;
        const last = Math.floor(center + halfWidth);
        if (last >= available) break; // the window is not complete yet: wait for the next chunk
        const first = Math.max(0, Math.ceil(center - halfWidth));
        let acc = 0;
        let norm = 0;
        for (let n = first; n <= last; n++) {
          const w = 1 - Math.abs(n - center) / halfWidth;
          if (w <= 0) continue;
          acc += w * buffer[n - historyStart]!;
          norm += w;
        }
        out.push(norm > 0 ? acc / norm : 0);
        outputIndex++;
      }
      // Keep what the next output's window can still reach.
      const keepFrom = Math.max(historyStart, Math.ceil(outputIndex * step - halfWidth));
      history = buffer.slice(keepFrom - historyStart);
      historyStart = keepFrom;
      return Float32Array.from(out);
    },
    reset() {
      history = new Float32Array(0);
      historyStart = 0;
      outputIndex = 0;
    },
  };
}
