/**
 * The pricing table and the cost arithmetic, in nano-dollars, with the built-in list prices of the
 * default model (gpt-realtime-2.1: text $4 / $0.40 cached / $16 out, audio $32 / $0.40 / $64, image $5 / $0.50
 * per million tokens) and of the mini model.
 */
import { describe, expect, it } from 'vitest';
import { ZERO_USAGE, type TokenUsage } from '../../../src/server/metering/metering-types';
import { costNanoUsd, DEFAULT_PRICES, nanoToUsd, parsePricingTable, usdToNano } from '../../../src/server/metering/pricing';
import { usageFromResponseDone } from '../../../src/server/metering/usage';

const usage = (overrides: Partial<TokenUsage>): TokenUsage => ({ ...ZERO_USAGE, ...overrides });
const full = DEFAULT_PRICES['gpt-realtime-2.1']!;
const mini = DEFAULT_PRICES['gpt-realtime-2.1-mini']!;

describe('costNanoUsd', () => {
  it('1000 output audio tokens of gpt-realtime-2.1 cost $0.064 = 64,000,000 nano-dollars', () => {
    const nano = costNanoUsd(usage({ outputAudioTokens: 1_000 }), full);
    expect(nano).toBe(64_000_000);
    expect(nanoToUsd(nano)).toBeCloseTo(0.064, 12);
  });

  it('prices each modality at its own rate', () => {
    expect(costNanoUsd(usage({ inputTextTokens: 1 }), full)).toBe(4_000);
    expect(costNanoUsd(usage({ inputTextTokens: 1, cachedTextTokens: 1 }), full)).toBe(400);
    expect(costNanoUsd(usage({ inputAudioTokens: 1_000 }), full)).toBe(32_000_000);
    expect(costNanoUsd(usage({ outputTextTokens: 1_000 }), full)).toBe(16_000_000);
    expect(costNanoUsd(usage({ inputImageTokens: 100, cachedImageTokens: 20 }), full)).toBe(80 * 5_000 + 20 * 500);
    expect(costNanoUsd(usage({ outputAudioTokens: 1_000 }), mini)).toBe(20_000_000);
    expect(costNanoUsd(ZERO_USAGE, full)).toBe(0);
  });

  it('bills cached input at the cached rate instead of the full one (a realistic turn: $0.03404)', () => {
    const turn = usage({ inputTextTokens: 1_200, cachedTextTokens: 1_000, inputAudioTokens: 500, cachedAudioTokens: 100, outputTextTokens: 50, outputAudioTokens: 300 });
    // text 200×4000 + 1000×400, audio 400×32000 + 100×400, output 50×16000 + 300×64000
    expect(costNanoUsd(turn, full)).toBe(800_000 + 400_000 + 12_800_000 + 40_000 + 800_000 + 19_200_000);
    expect(costNanoUsd(turn, full)).toBe(34_040_000);
  });

  it('never bills more cached tokens than were input', () => {
    expect(costNanoUsd(usage({ inputTextTokens: 3, cachedTextTokens: 5 }), full)).toBe(3 * 400);
  });

  it('prices image input at the text rate for a model without image prices', () => {
    const noImage = { text: { input: 1, cachedInput: 0.1, output: 2 }, audio: { input: 10, cachedInput: 1, output: 20 } };
    expect(costNanoUsd(usage({ inputImageTokens: 10, cachedImageTokens: 5 }), noImage)).toBe(5 * 1_000 + 5 * 100);
  });

  it('is always a whole number of nano-dollars', () => {
    const tiny = { text: { input: 0.0001, cachedInput: 0, output: 0.0003 }, audio: { input: 0, cachedInput: 0, output: 0 } };
    const nano = costNanoUsd(usage({ inputTextTokens: 3, outputTextTokens: 7 }), tiny);
    expect(Number.isInteger(nano)).toBe(true);
    expect(nano).toBe(2); // 0.3 + 2.1 = 2.4 → 2
  });

  it('prices a response.done straight from the wire', () => {
    const event = { type: 'response.done', response: { usage: { input_tokens: 100, output_tokens: 1_000, input_token_details: { audio_tokens: 100 }, output_token_details: { audio_tokens: 1_000 } } } };
    expect(costNanoUsd(usageFromResponseDone(event)!, full)).toBe(100 * 32_000 + 64_000_000);
  });
});

describe('parsePricingTable', () => {
  it('is the built-in table when MODEL_PRICES is unset or empty', () => {
    expect(parsePricingTable(undefined)).toEqual({ ok: true, table: DEFAULT_PRICES });
    expect(parsePricingTable('')).toEqual({ ok: true, table: DEFAULT_PRICES });
  });

  it('merges an operator\'s prices over the built-in ones, model by model', () => {
    const contract = { text: { input: 3, cachedInput: 0.3, output: 12 }, audio: { input: 24, cachedInput: 0.3, output: 48 } };
    const parsed = parsePricingTable(JSON.stringify({ 'gpt-realtime-2.1': contract, 'my-model': contract }));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.table['gpt-realtime-2.1']).toEqual(contract);
    expect(parsed.table['my-model']).toEqual(contract);
    expect(parsed.table['gpt-realtime-mini']).toEqual(DEFAULT_PRICES['gpt-realtime-mini']);
    expect(costNanoUsd(usage({ outputAudioTokens: 1_000 }), parsed.table['gpt-realtime-2.1']!)).toBe(48_000_000);
  });

  it('refuses bad JSON, negative or missing prices and unknown fields with a message naming the place', () => {
    const bad = (raw: string) => {
      const parsed = parsePricingTable(raw);
      expect(parsed.ok).toBe(false);
      return parsed.ok ? '' : parsed.message;
    };
    expect(bad('{not json')).toMatch(/not valid JSON/);
    const price = { input: 1, cachedInput: 0.1, output: 2 };
    expect(bad(JSON.stringify({ m: { text: { ...price, input: -1 }, audio: price } }))).toBe('m.text.input must not be negative');
    expect(bad(JSON.stringify({ m: { text: price } }))).toMatch(/^m\.audio /);
    expect(bad(JSON.stringify({ m: { text: price, audio: { ...price, outptu: 3 } } }))).toMatch(/^m\.audio/);
    // The bad id is named (zod reports record keys as "Invalid key in record", not the regex's own message).
    expect(bad(JSON.stringify({ 'bad model!': { text: price, audio: price } }))).toMatch(/^"bad model!" is not a model id/);
  });
});

describe('usdToNano / nanoToUsd', () => {
  it('converts budgets to whole nano-dollars and back', () => {
    expect(usdToNano(0.01)).toBe(10_000_000);
    expect(usdToNano(12.5)).toBe(12_500_000_000);
    expect(usdToNano(0.1 + 0.2)).toBe(300_000_000);
    expect(usdToNano(undefined)).toBeUndefined();
    expect(nanoToUsd(34_040_000)).toBeCloseTo(0.03404, 12);
  });
});
