/**
 * Usage out of `response.done`: what the server bills a session for. The event comes from OpenAI (or
 * the emulator) and must be read tolerantly — a malformed count must never inflate or crash a meter.
 */
import { describe, expect, it } from 'vitest';
import { ZERO_USAGE, type TokenUsage } from '../../../src/server/metering/metering-types';
import { addUsage, usageFromResponseDone } from '../../../src/server/metering/usage';

const done = (usage: unknown) => ({ type: 'response.done', event_id: 'event_1', response: { id: 'resp_1', status: 'completed', usage } });
const usage = (overrides: Partial<TokenUsage>): TokenUsage => ({ ...ZERO_USAGE, ...overrides });

describe('usageFromResponseDone', () => {
  it('reads every GA count by modality, cached counts included', () => {
    const event = done({
      total_tokens: 1_950,
      input_tokens: 1_600,
      output_tokens: 350,
      input_token_details: {
        text_tokens: 1_200,
        audio_tokens: 380,
        image_tokens: 20,
        cached_tokens: 1_110,
        cached_tokens_details: { text_tokens: 1_000, audio_tokens: 100, image_tokens: 10 },
      },
      output_token_details: { text_tokens: 50, audio_tokens: 300 },
    });
    expect(usageFromResponseDone(event)).toEqual({
      inputTextTokens: 1_200,
      inputAudioTokens: 380,
      inputImageTokens: 20,
      cachedTextTokens: 1_000,
      cachedAudioTokens: 100,
      cachedImageTokens: 10,
      outputTextTokens: 50,
      outputAudioTokens: 300,
    });
  });

  it('is null for other events, a response without usage, and things that are not events', () => {
    expect(usageFromResponseDone({ type: 'response.created', response: { usage: { input_tokens: 5 } } })).toBeNull();
    expect(usageFromResponseDone(done(null))).toBeNull();
    expect(usageFromResponseDone(done(undefined))).toBeNull();
    expect(usageFromResponseDone(done([1, 2]))).toBeNull();
    expect(usageFromResponseDone({ type: 'response.done', response: null })).toBeNull();
    expect(usageFromResponseDone({ type: 'response.done' })).toBeNull();
    for (const notAnEvent of [null, undefined, 42, 'response.done', []]) expect(usageFromResponseDone(notAnEvent)).toBeNull();
  });

  it('reads a bare response object (no type field) the same way', () => {
    expect(usageFromResponseDone({ response: { usage: { input_tokens: 7, output_tokens: 3 } } })).toEqual(
      usage({ inputTextTokens: 7, outputTextTokens: 3 }),
    );
  });

  it('attributes input and output to text when the per-modality details are missing', () => {
    expect(usageFromResponseDone(done({ total_tokens: 130, input_tokens: 100, output_tokens: 30 }))).toEqual(
      usage({ inputTextTokens: 100, outputTextTokens: 30 }),
    );
    // Details objects with no modality counts in them count as missing too.
    expect(usageFromResponseDone(done({ input_tokens: 100, output_tokens: 30, input_token_details: {}, output_token_details: {} }))).toEqual(
      usage({ inputTextTokens: 100, outputTextTokens: 30 }),
    );
  });

  it('attributes a bare cached_tokens (no cached details) to text', () => {
    const event = done({ input_tokens: 900, output_tokens: 0, input_token_details: { text_tokens: 600, audio_tokens: 300, cached_tokens: 250 } });
    expect(usageFromResponseDone(event)).toEqual(usage({ inputTextTokens: 600, inputAudioTokens: 300, cachedTextTokens: 250 }));
    // …and when the modality counts are missing as well, everything is text.
    expect(usageFromResponseDone(done({ input_tokens: 400, input_token_details: { cached_tokens: 150 } }))).toEqual(
      usage({ inputTextTokens: 400, cachedTextTokens: 150 }),
    );
  });

  it('never counts more cached tokens than its modality took as input', () => {
    const event = done({
      input_tokens: 150,
      input_token_details: {
        text_tokens: 100,
        audio_tokens: 50,
        cached_tokens: 900,
        cached_tokens_details: { text_tokens: 400, audio_tokens: 80, image_tokens: 5 },
      },
    });
    expect(usageFromResponseDone(event)).toEqual(
      usage({ inputTextTokens: 100, inputAudioTokens: 50, cachedTextTokens: 100, cachedAudioTokens: 50, cachedImageTokens: 0 }),
    );
    // A bare cached count on an all-audio input has no text to be cached against.
    expect(usageFromResponseDone(done({ input_tokens: 50, input_token_details: { audio_tokens: 50, cached_tokens: 40 } }))).toEqual(
      usage({ inputAudioTokens: 50 }),
    );
  });

  it('counts missing, negative, fractional, non-numeric and unsafe counts as 0', () => {
    const event = done({
      input_tokens: 10,
      output_tokens: 10,
      input_token_details: { text_tokens: -5, audio_tokens: 2.5, image_tokens: '7', cached_tokens: 3 },
      output_token_details: { text_tokens: Number.NaN, audio_tokens: 2 ** 60 },
    });
    expect(usageFromResponseDone(event)).toEqual(ZERO_USAGE);
    expect(usageFromResponseDone(done({ input_tokens: -100, output_tokens: 'lots' }))).toEqual(ZERO_USAGE);
    expect(usageFromResponseDone(done({}))).toEqual(ZERO_USAGE);
  });
});

describe('addUsage', () => {
  it('adds field by field and leaves both operands untouched', () => {
    const a = usage({ inputTextTokens: 10, cachedTextTokens: 4, outputAudioTokens: 300 });
    const b = usage({ inputTextTokens: 5, inputAudioTokens: 200, cachedAudioTokens: 20, inputImageTokens: 1, cachedImageTokens: 1, outputTextTokens: 7, outputAudioTokens: 100 });
    expect(addUsage(a, b)).toEqual({
      inputTextTokens: 15,
      inputAudioTokens: 200,
      inputImageTokens: 1,
      cachedTextTokens: 4,
      cachedAudioTokens: 20,
      cachedImageTokens: 1,
      outputTextTokens: 7,
      outputAudioTokens: 400,
    });
    expect(a.inputTextTokens).toBe(10);
    expect(addUsage(ZERO_USAGE, a)).toEqual(a);
  });
});
