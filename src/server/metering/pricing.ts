/**
 * The pricing table: USD per million tokens, per model and modality, turning metered usage into an
 * estimated cost. Built-in entries follow OpenAI's published list prices for the realtime models (late
 * 2026); an operator's contract prices go in MODEL_PRICES (JSON, same shape), which is merged over them
 * model by model. Estimates only: the invoice is the truth (docs/cost-control.md).
 */
import { z } from 'zod';
import type { ModelPrice, PricingTable, TokenUsage } from './metering-types';

const REALTIME_FULL: ModelPrice = {
  text: { input: 4, cachedInput: 0.4, output: 16 },
  audio: { input: 32, cachedInput: 0.4, output: 64 },
  image: { input: 5, cachedInput: 0.5 },
};
const REALTIME_MINI: ModelPrice = {
  text: { input: 0.6, cachedInput: 0.06, output: 2.4 },
  audio: { input: 10, cachedInput: 0.3, output: 20 },
  image: { input: 0.8, cachedInput: 0.08 },
};

/** List prices of the realtime models the platform can run (protocol brief §6 names them). */
export const DEFAULT_PRICES: PricingTable = Object.freeze({
  'gpt-realtime-2.1': REALTIME_FULL,
  'gpt-realtime-2': REALTIME_FULL,
  'gpt-realtime-1.5': REALTIME_FULL,
  'gpt-realtime': REALTIME_FULL,
  'gpt-realtime-2025-08-28': REALTIME_FULL,
  'gpt-realtime-2.1-mini': REALTIME_MINI,
  'gpt-realtime-mini': REALTIME_MINI,
  'gpt-realtime-mini-2025-10-06': REALTIME_MINI,
  'gpt-realtime-mini-2025-12-15': REALTIME_MINI,
});

const usd = z.number({ error: 'must be a number (USD per million tokens)' }).min(0, 'must not be negative').max(10_000, 'must be at most 10000');
const modality = z.object({ input: usd, cachedInput: usd, output: usd }).strict();
const modelPrice = z
  .object({ text: modality, audio: modality, image: z.object({ input: usd, cachedInput: usd }).strict().optional() })
  .strict();
const MODEL_ID = /^[\w.:-]+$/;
const tableSchema = z.record(z.string(), modelPrice);

export type PricingParse = { ok: true; table: PricingTable } | { ok: false; message: string };

/** MODEL_PRICES (JSON) merged over the built-in table; undefined/empty = the built-in table. */
export function parsePricingTable(raw: string | undefined): PricingParse {
  if (!raw) return { ok: true, table: DEFAULT_PRICES };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, message: 'is not valid JSON (expected {"<model>": {"text": {"input": 4, "cachedInput": 0.4, "output": 16}, "audio": {…}}})' };
  }
  // Checked by hand: zod 4 does not pass a custom message through for record keys.
  const badId = json && typeof json === 'object' && !Array.isArray(json) ? Object.keys(json).find((id) => !MODEL_ID.test(id)) : undefined;
  if (badId !== undefined) return { ok: false, message: `"${badId.slice(0, 60)}" is not a model id (letters, digits and . : - _)` };
  const parsed = tableSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, message: `${issue.path.join('.') || 'value'} ${issue.message}` };
  }
  return { ok: true, table: Object.freeze({ ...DEFAULT_PRICES, ...parsed.data }) };
}

const NANO_PER_USD = 1e9;

export function usdToNano(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value * NANO_PER_USD);
}

export function nanoToUsd(nano: number): number {
  return nano / NANO_PER_USD;
}

/**
 * Estimated cost of some usage, in nano-dollars (integer). Cached tokens are part of the input counts
 * (as OpenAI reports them) and are billed at the cached rate instead of the full one. A price of $X per
 * million tokens is X × 1000 nano-dollars per token.
 */
export function costNanoUsd(usage: TokenUsage, price: ModelPrice): number {
  const perToken = (usdPerMillion: number) => usdPerMillion * 1000;
  const uncached = (all: number, cached: number) => Math.max(0, all - Math.min(all, cached));
  const image = price.image ?? { input: price.text.input, cachedInput: price.text.cachedInput };
  const total =
    uncached(usage.inputTextTokens, usage.cachedTextTokens) * perToken(price.text.input) +
    Math.min(usage.inputTextTokens, usage.cachedTextTokens) * perToken(price.text.cachedInput) +
    uncached(usage.inputAudioTokens, usage.cachedAudioTokens) * perToken(price.audio.input) +
    Math.min(usage.inputAudioTokens, usage.cachedAudioTokens) * perToken(price.audio.cachedInput) +
    uncached(usage.inputImageTokens, usage.cachedImageTokens) * perToken(image.input) +
    Math.min(usage.inputImageTokens, usage.cachedImageTokens) * perToken(image.cachedInput) +
    usage.outputTextTokens * perToken(price.text.output) +
    usage.outputAudioTokens * perToken(price.audio.output);
  return Math.round(total);
}
