// The microphone capture processor of the WebSocket transport. Runs in the AudioWorkletGlobalScope (the
// audio rendering thread), so it is plain JavaScript with no imports; it is loaded by URL (capture-worklet.ts:
// `pcm-capture-worklet.js?url&no-inline`), which Vite emits as a hashed same-origin file — the CSP allows
// scripts from 'self' only, and a data: URL would be refused.
//
// It collects mono Float32 samples from input 0 and posts ~40 ms chunks plus their RMS level to the main
// thread, transferring the buffer (no copy). It posts Float32 rather than PCM16 on purpose: when the
// AudioContext is not at 24 kHz the main thread resamples first, which needs floats, and the conversion
// is ~1000 multiplications per chunk either way. Keeping the maths in one tested module (pcm16.ts) beats
// duplicating it here.
//
// Messages in: {type:'enabled', enabled:boolean} (muted → posts nothing and drops the partial chunk),
// {type:'stop'} (the processor ends). Messages out: {type:'chunk', samples: Float32Array, level: number}.

const DEFAULT_CHUNK_MS = 40;

class PcmCaptureProcessor extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const processorOptions = (options && options.processorOptions) || {};
    const chunkMs = Number(processorOptions.chunkMs) > 0 ? Number(processorOptions.chunkMs) : DEFAULT_CHUNK_MS;
    // `sampleRate` is a global of the AudioWorkletGlobalScope: the context's rate.
    this.size = Math.max(128, Math.round((sampleRate * chunkMs) / 1000));
    this.buffer = new Float32Array(this.size);
    this.filled = 0;
    this.sumSquares = 0;
    this.enabled = processorOptions.enabled !== false;
    this.stopped = false;
    this.port.onmessage = (event) => {
      const message = event.data || {};
      if (message.type === 'enabled') {
        this.enabled = Boolean(message.enabled);
        this.filled = 0;
        this.sumSquares = 0;
      } else if (message.type === 'stop') {
        this.stopped = true;
      }
    };
  }

  process(inputs) {
    if (this.stopped) return false;
    const input = inputs[0];
    // No channels: nothing connected (or the track ended). Muted: send nothing at all, not even silence.
    if (!this.enabled || !input || input.length === 0) return true;
    const channels = input.length;
    const frames = input[0].length;
    for (let i = 0; i < frames; i++) {
      let sample = input[0][i];
      if (channels > 1) {
        for (let c = 1; c < channels; c++) sample += input[c][i];
        sample /= channels;
      }
      this.buffer[this.filled++] = sample;
      this.sumSquares += sample * sample;
      if (this.filled === this.size) this.flush();
    }
    return true;
  }

  flush() {
    const samples = this.buffer;
    const level = Math.min(1, Math.sqrt(this.sumSquares / this.size));
    this.port.postMessage({ type: 'chunk', samples, level }, [samples.buffer]);
    this.buffer = new Float32Array(this.size);
    this.filled = 0;
    this.sumSquares = 0;
  }
}

registerProcessor('pcm-capture', PcmCaptureProcessor);
