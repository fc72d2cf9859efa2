/**
 * Web search through OpenAI's Responses API and its hosted `web_search` tool (protocol brief §8).
 * The Realtime API has no hosted search, so the voice model calls a function and this server asks
 * a text model to search and answer. The answer is read from the `message` output item (the SDK's
 * `output_text` is a convenience computed client-side, used only as a fallback) and cleaned for
 * speech; the links come from its `url_citation` annotations.
 */
import OpenAI from 'openai';
import type { Response as ResponsesResponse, ResponseOutputText } from 'openai/resources/responses/responses';
import { classifyUpstreamError, type UpstreamFailureKind } from '../../openai/upstream-error';
import { SearchProviderError, type Citation, type SearchFailureKind, type SearchProvider, type SearchResult } from '../search-types';
import { cleanUrl, dropUnfinishedSentence, toSpeakable } from './answer-text';

export const DEFAULT_OPENAI_SEARCH_MODEL = 'gpt-5.4';
const MAX_CITATIONS = 5;

export const OPENAI_SEARCH_INSTRUCTIONS =
  'Search the web, then answer for a busy executive who will hear your answer read aloud. ' +
  'Use two or three short spoken sentences of plain text: no Markdown, no lists, no URLs, no citation markers.';

export interface OpenAISearchProviderOptions {
  /** The official client (the app builds it with maxRetries 0: the search service owns retries). */
  client: OpenAI;
  model?: string;
  timeoutMs: number;
}

// Why each upstream failure maps where it does: 429s are never hammered (the service cools down),
// 5xx/timeouts/network errors may pass on a second try, key and entitlement problems will not.
const FAILURES: Record<UpstreamFailureKind, [SearchFailureKind, boolean]> = {
  invalid_key: ['auth', false],
  no_realtime_access: ['auth', false], // 403/404 model_not_found: the key cannot use the search model
  region_blocked: ['auth', false],
  quota_exhausted: ['rate_limited', false],
  rate_limited: ['rate_limited', false],
  timeout: ['timeout', true],
  network: ['unavailable', true],
  server_error: ['unavailable', true],
  bad_request: ['bad_response', false], // our request was refused: retrying sends the same request
};

export function createOpenAISearchProvider(options: OpenAISearchProviderOptions): SearchProvider {
  const { client, timeoutMs } = options;
  const model = options.model ?? DEFAULT_OPENAI_SEARCH_MODEL;

  return {
    name: 'openai',
    async search(query, signal) {
      let response: ResponsesResponse;
      try {
        response = await client.responses.create(
          {
            model,
            input: query,
            instructions: OPENAI_SEARCH_INSTRUCTIONS,
            tools: [{ type: 'web_search', search_context_size: 'low' }],
            include: ['web_search_call.action.sources'],
            max_output_tokens: 400,
          },
          { signal, timeout: timeoutMs, maxRetries: 0 },
        );
      } catch (error) {
        throw toSearchError(error, signal);
      }
      return readResponse(response);
    },
  };
}

/** Answer and citations from a Responses API body. Exported for tests of odd shapes. */
export function readResponse(response: ResponsesResponse): SearchResult {
  const parts: ResponseOutputText[] = [];
  for (const item of response.output ?? []) {
    // Commentary messages are the model thinking aloud between tool calls, not the answer.
    if (item.type !== 'message' || item.phase === 'commentary') continue;
    for (const part of item.content ?? []) if (part.type === 'output_text') parts.push(part);
  }
  let text = parts.map((p) => p.text).join('\n').trim() || (response.output_text ?? '').trim();
  if (response.status === 'incomplete') text = dropUnfinishedSentence(text);
  const answer = toSpeakable(text);
  if (!answer) {
    if (response.status === 'failed') {
      throw new SearchProviderError('openai', 'unavailable', `response failed: ${response.error?.message ?? 'no detail'}`, true);
    }
    throw new SearchProviderError('openai', 'bad_response', `the response carried no answer text (status ${response.status ?? 'unknown'})`, false);
  }
  return { answer, citations: citationsFrom(parts), provider: 'openai' };
}

function citationsFrom(parts: readonly ResponseOutputText[]): Citation[] {
  const seen = new Map<string, Citation>();
  for (const part of parts) {
    for (const annotation of part.annotations ?? []) {
      if (annotation.type !== 'url_citation') continue;
      const url = cleanUrl(annotation.url);
      if (!url || seen.has(url)) continue;
      seen.set(url, { title: annotation.title?.trim() || new URL(url).hostname, url });
    }
  }
  return [...seen.values()].slice(0, MAX_CITATIONS);
}

function toSearchError(error: unknown, signal: AbortSignal): SearchProviderError {
  if (signal.aborted) {
    // The search service passes AbortSignal.timeout(...): that is a deadline, worth one more try.
    // Any other abort is the caller giving up, and a retry would be aborted too.
    const deadline = (signal.reason as { name?: string } | undefined)?.name === 'TimeoutError';
    return new SearchProviderError('openai', 'timeout', deadline ? 'search deadline passed' : 'search cancelled', deadline);
  }
  const failure = classifyUpstreamError(error);
  const [kind, retryable] = FAILURES[failure.kind];
  const status = failure.status || undefined;
  return new SearchProviderError('openai', kind, `${failure.kind}${status ? ` (${status})` : ''}: ${failure.detail}`, retryable, status);
}
