/**
 * Token usage out of a GA realtime `response.done` event (protocol brief §4.3). The event comes from
 * OpenAI through the sideband or the relay, so it is read tolerantly: a count that is missing, negative or
 * not a whole number counts as 0, and modality details that are absent are attributed to text. Cached
 * counts are part of the input counts and never exceed their modality's input (they are billed at the
 * cached rate instead of the full one, so a cached count above the input would lower the estimate).
 */
import { USAGE_FIELDS, type TokenUsage } from './metering-types';

type Json = Record<string, unknown>;

function objectOrUndefined(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** A token count as we trust it: a non-negative safe integer, anything else 0. */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/** True when a details object names at least one of the given modality counts. */
function hasAny(details: Json | undefined, keys: readonly string[]): details is Json {
  return details !== undefined && keys.some((key) => typeof details[key] === 'number');
}

const INPUT_MODALITIES = ['text_tokens', 'audio_tokens', 'image_tokens'] as const;
const OUTPUT_MODALITIES = ['text_tokens', 'audio_tokens'] as const;

/**
 * The usage of one `response.done`, or null when the event is not a `response.done` or carries no usage
 * object (a response that never reached the model reports none: nothing to bill).
 */
export function usageFromResponseDone(event: unknown): TokenUsage | null {
  const root = objectOrUndefined(event);
  if (!root || (root.type !== undefined && root.type !== 'response.done')) return null;
  const usage = objectOrUndefined(objectOrUndefined(root.response)?.usage);
  if (!usage) return null;

  const inputDetails = objectOrUndefined(usage.input_token_details);
  const outputDetails = objectOrUndefined(usage.output_token_details);

  // Without per-modality input counts, every input token is taken as text.
  const input = hasAny(inputDetails, INPUT_MODALITIES)
    ? { text: count(inputDetails.text_tokens), audio: count(inputDetails.audio_tokens), image: count(inputDetails.image_tokens) }
    : { text: count(usage.input_tokens), audio: 0, image: 0 };

  // Without per-modality cached counts, the cached total is taken as text.
  const cachedDetails = objectOrUndefined(inputDetails?.cached_tokens_details);
  const cached = hasAny(cachedDetails, INPUT_MODALITIES)
    ? { text: count(cachedDetails.text_tokens), audio: count(cachedDetails.audio_tokens), image: count(cachedDetails.image_tokens) }
    : { text: count(inputDetails?.cached_tokens), audio: 0, image: 0 };

  const output = hasAny(outputDetails, OUTPUT_MODALITIES)
    ? { text: count(outputDetails.text_tokens), audio: count(outputDetails.audio_tokens) }
    : { text: count(usage.output_tokens), audio: 0 };

  return {
    inputTextTokens: input.text,
    inputAudioTokens: input.audio,
    inputImageTokens: input.image,
    cachedTextTokens: Math.min(cached.text, input.text),
    cachedAudioTokens: Math.min(cached.audio, input.audio),
    cachedImageTokens: Math.min(cached.image, input.image),
    outputTextTokens: output.text,
    outputAudioTokens: output.audio,
  };
}

/** Field-by-field sum (a session's running total). */
export function addUsage(a: Readonly<TokenUsage>, b: Readonly<TokenUsage>): TokenUsage {
  const sum = {} as TokenUsage;
  for (const field of USAGE_FIELDS) sum[field] = a[field] + b[field];
  return sum;
}
