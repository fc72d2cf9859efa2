// Plausible token accounting for realtime responses and transcriptions.
// Text: ceil(chars / 4). Input audio: 10 tokens per second (1 per 100 ms). Output audio: 20 tokens
// per second (1 per 50 ms). Cached input: the previous response's input, rounded down to a multiple
// of 64, once it reaches 1024 tokens (prompt caching needs a 1024-token prefix). Images: a flat 85
// tokens each (the low-detail base cost). Invariants of every usage object: input_tokens =
// text + audio + image, output_tokens = text + audio, total = input + output, cached ≤ input and each
// cached modality ≤ that modality's input.

export const textTokens = (s) => Math.ceil(String(s ?? '').length / 4);
export const inputAudioTokens = (ms) => Math.ceil(Math.max(0, ms) / 100);
export const outputAudioTokens = (ms) => Math.ceil(Math.max(0, ms) / 50);

export const IMAGE_TOKENS = 85;

/** @typedef {{ text: number, audio: number, image: number }} InputTokens */

/**
 * Input tokens of a response: instructions, tools and every conversation item before it.
 * @param {{ instructions?: string, tools?: unknown[] }} config
 * @param {any[]} items @param {(id: string) => { audioMs?: number }} metaOf
 * @returns {InputTokens}
 */
export function inputUsage(config, items, metaOf) {
  let text = textTokens(config.instructions ?? '') + (config.tools?.length ? textTokens(JSON.stringify(config.tools)) : 0);
  let audio = 0;
  let image = 0;
  for (const it of items) {
    if (it.type === 'function_call') text += textTokens(it.name) + textTokens(it.arguments);
    else if (it.type === 'function_call_output') text += textTokens(it.output);
    else if (it.type === 'message') {
      for (const c of it.content ?? []) {
        if (c.type === 'input_text' || c.type === 'output_text') text += textTokens(c.text);
        else if (c.type === 'input_audio') audio += inputAudioTokens(metaOf(it.id).audioMs ?? 0);
        else if (c.type === 'output_audio') audio += outputAudioTokens(metaOf(it.id).audioMs ?? 0);
        else if (c.type === 'input_image') image += IMAGE_TOKENS;
      }
    }
  }
  return { text, audio, image };
}

/** All input tokens. @param {{ text: number, audio: number, image?: number }} input */
export const inputTotal = (input) => input.text + input.audio + (input.image ?? 0);

/**
 * The `usage` object of response.done (GA shape, every field present).
 * @param {{ text: number, audio: number, image?: number }} input @param {{ text: number, audio: number }} output
 * @param {number} cached tokens of the cached prefix (capped at the input)
 */
export function responseUsage(input, output, cached) {
  const image = input.image ?? 0;
  const inputTokens = inputTotal(input);
  const outputTokens = output.text + output.audio;
  const cachedTokens = Math.max(0, Math.min(cached, inputTokens));
  // the cached prefix starts with instructions and tools (text), then the items' audio and images
  const cachedText = Math.min(cachedTokens, input.text);
  const cachedAudio = Math.min(cachedTokens - cachedText, input.audio);
  const cachedImage = cachedTokens - cachedText - cachedAudio;
  return {
    total_tokens: inputTokens + outputTokens,
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    input_token_details: {
      text_tokens: input.text,
      audio_tokens: input.audio,
      image_tokens: image,
      cached_tokens: cachedTokens,
      cached_tokens_details: { text_tokens: cachedText, audio_tokens: cachedAudio, image_tokens: cachedImage },
    },
    output_token_details: { text_tokens: output.text, audio_tokens: output.audio },
  };
}

/** Cached tokens for the next response, from this response's input tokens. @param {number} inputTokens */
export const cacheableTokens = (inputTokens) => (inputTokens >= 1024 ? Math.floor(inputTokens / 64) * 64 : 0);

/**
 * rate_limits.updated payload: sent at the start of each response, reserving the output budget.
 * @param {number} inputTokens @param {number|'inf'} maxOutput
 */
export function rateLimits(inputTokens, maxOutput) {
  const reserve = maxOutput === 'inf' ? 4096 : maxOutput;
  const limit = 800000;
  const remaining = Math.max(0, limit - inputTokens - reserve);
  return [
    { name: 'requests', limit: 5000, remaining: 4999, reset_seconds: 0.012 },
    { name: 'tokens', limit, remaining, reset_seconds: Math.round(((limit - remaining) / limit) * 60 * 1000) / 1000 },
  ];
}

/** Usage of a completed input audio transcription. @param {number} audioMs @param {string} transcript */
export function transcriptionUsage(audioMs, transcript) {
  const audio = inputAudioTokens(audioMs);
  const out = textTokens(transcript);
  return { type: 'tokens', total_tokens: audio + out, input_tokens: audio, input_token_details: { text_tokens: 0, audio_tokens: audio }, output_tokens: out };
}
