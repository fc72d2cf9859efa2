/**
 * One fallback chat turn: the coach's instructions (a `developer` message bound here) + the browser's
 * history → streamed Chat Completions rounds. A round that calls `web_search` runs the search on the
 * server and feeds the result back; after CHAT_MAX_TOOL_ROUNDS searches the last round is made with
 * `tool_choice: "none"`, so the model must answer. The first round is opened before anything is sent,
 * so its failure is still an ordinary JSON error; later failures become an `error` event.
 */
import type { ChatCompletionChunk, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { FALLBACK_CHAT_INSTRUCTIONS, WEB_SEARCH_CHAT_TOOL } from '../coach/coach-chat';
import { ApiError } from '../http/api-error';
import type { Logger } from '../observability/logger';
import type { FallbackUpstream } from '../openai/fallback-upstream';
import { UpstreamCancelledError } from '../openai/upstream-guard';
import type { ChatEvent, ChatUsage } from './chat-events';
import type { ChatMessage } from './fallback-bodies';
import { runSearchTool, type SearchToolDeps } from './chat-search-tool';
import { asFallbackError } from './fallback-errors';

export interface ChatTurnSummary {
  outcome: 'completed' | 'failed' | 'cancelled';
  /** Upstream chat calls made. */
  rounds: number;
  searchRounds: number;
  finishReason: string;
  usage: ChatUsage;
}

export interface ChatTurnDeps {
  upstream: Pick<FallbackUpstream, 'chatRound'>;
  search: SearchToolDeps;
  maxToolRounds: number;
  /** The `developer` message: the session's composed instructions (coach-chat.ts `fallbackChatInstructions`). */
  instructions?: string;
  /** The chat model, named in plain-words errors. */
  model: string;
  signal: AbortSignal;
  logger: Logger;
  /** Called once when the turn ends, however it ends (metrics and the `chatCompleted` log). */
  onFinished(summary: ChatTurnSummary): void;
}

interface ToolCall {
  id: string;
  name: string;
  arguments: string;
}

interface RoundResult {
  text: string;
  toolCalls: ToolCall[];
  finishReason: string | undefined;
}

const TOOLS = [WEB_SEARCH_CHAT_TOOL];

/** Opens the first round (throws the mapped ApiError if it fails), then streams the turn's events. */
export async function openChatTurn(deps: ChatTurnDeps, history: ChatMessage[]): Promise<AsyncGenerator<ChatEvent>> {
  const instructions = deps.instructions ?? FALLBACK_CHAT_INSTRUCTIONS;
  const messages: ChatCompletionMessageParam[] = [{ role: 'developer', content: instructions }, ...history];
  try {
    const first = await deps.upstream.chatRound({ messages, tools: TOOLS, toolChoice: 'auto', signal: deps.signal });
    return streamTurn(deps, messages, first);
  } catch (error) {
    deps.onFinished({ outcome: deps.signal.aborted ? 'cancelled' : 'failed', rounds: 1, searchRounds: 0, finishReason: 'error', usage: { inputTokens: 0, outputTokens: 0 } });
    throw asFallbackError(error, deps.model);
  }
}

async function* streamTurn(
  deps: ChatTurnDeps,
  messages: ChatCompletionMessageParam[],
  first: AsyncIterable<ChatCompletionChunk>,
): AsyncGenerator<ChatEvent> {
  const usage: ChatUsage = { inputTokens: 0, outputTokens: 0 };
  const summary: ChatTurnSummary = { outcome: 'failed', rounds: 1, searchRounds: 0, finishReason: 'error', usage };
  let stream = first;
  try {
    for (;;) {
      const round = yield* readRound(stream, usage);
      summary.finishReason = round.finishReason ?? 'stop';
      if (round.toolCalls.length === 0 || summary.searchRounds >= deps.maxToolRounds) break;

      messages.push({
        role: 'assistant',
        content: round.text || null,
        tool_calls: round.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
      });
      for (const call of round.toolCalls) {
        const content =
          call.name === WEB_SEARCH_CHAT_TOOL.function.name
            ? yield* runSearchTool(deps.search, call.id, call.arguments)
            : JSON.stringify({ error: `There is no tool named ${call.name}.` });
        messages.push({ role: 'tool', tool_call_id: call.id, content });
      }
      summary.searchRounds += 1;
      const toolChoice = summary.searchRounds >= deps.maxToolRounds ? 'none' : 'auto';
      stream = await deps.upstream.chatRound({ messages, tools: TOOLS, toolChoice, signal: deps.signal });
      summary.rounds += 1;
    }
    summary.outcome = 'completed';
    yield { event: 'done', data: { finishReason: summary.finishReason, usage, searchRounds: summary.searchRounds } };
  } catch (error) {
    if (error instanceof UpstreamCancelledError || deps.signal.aborted) {
      summary.outcome = 'cancelled';
      return;
    }
    summary.finishReason = 'error';
    const mapped = asFallbackError(error, deps.model);
    if (!(mapped instanceof ApiError)) deps.logger.error({ event: 'unhandledError', err: error, path: '/api/voice-agent/chat' }, 'chat turn failed');
    yield {
      event: 'error',
      data:
        mapped instanceof ApiError
          ? { code: mapped.code, message: mapped.message }
          : { code: 'internal_error', message: 'Something went wrong on our side. Please try again.' },
    };
  } finally {
    if (deps.signal.aborted) summary.outcome = 'cancelled';
    deps.onFinished(summary);
  }
}

/** Streams one round's text as `delta` events; collects its tool calls (merged by index) and usage. */
async function* readRound(stream: AsyncIterable<ChatCompletionChunk>, usage: ChatUsage): AsyncGenerator<ChatEvent, RoundResult> {
  let text = '';
  let finishReason: string | undefined;
  const calls = new Map<number, ToolCall>();
  for await (const chunk of stream) {
    if (chunk.usage) {
      usage.inputTokens += chunk.usage.prompt_tokens ?? 0;
      usage.outputTokens += chunk.usage.completion_tokens ?? 0;
    }
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    const piece = choice.delta?.content;
    if (piece) {
      text += piece;
      yield { event: 'delta', data: { text: piece } };
    }
    for (const fragment of choice.delta?.tool_calls ?? []) {
      const call = calls.get(fragment.index) ?? { id: '', name: '', arguments: '' };
      if (fragment.id) call.id = fragment.id;
      if (fragment.function?.name) call.name = fragment.function.name;
      if (fragment.function?.arguments) call.arguments += fragment.function.arguments;
      calls.set(fragment.index, call);
    }
    if (choice.finish_reason) finishReason = choice.finish_reason;
  }
  const toolCalls = [...calls.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, call]) => call)
    .filter((call) => call.id && call.name);
  return { text, toolCalls, finishReason };
}
