// Server-sent events for a streamed Response (§8): derives the full event sequence from the final
// Response object, so streamed and non-streamed answers always agree.

/** Word-ish tokens (`\S+\s*`) grouped per delta. Concatenating the chunks gives back `text`. */
const WORDS_PER_DELTA = 3;

/** @param {string} text @returns {string[]} */
export function textChunks(text) {
  const words = text.match(/\S+\s*|\s+/g) ?? [];
  const out = [];
  for (let i = 0; i < words.length; i += WORDS_PER_DELTA) out.push(words.slice(i, i + WORDS_PER_DELTA).join(''));
  return out;
}

/** One SSE frame: `event: <type>` and `data: <json>`. @param {{ type: string }} event */
export const sseFrame = (event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;

/**
 * The event sequence for a final Response: created, in_progress, the web_search_call item events,
 * the message item events (text deltas, each annotation right after the delta that completes its span),
 * then response.completed (or response.incomplete). sequence_number counts from 0.
 * @param {any} final
 */
export function responseEvents(final) {
  /** @type {any[]} */
  const events = [];
  const push = (type, fields) => events.push({ type, sequence_number: events.length, ...fields });
  const clone = (v) => structuredClone(v);
  const pending = { ...final, status: 'in_progress', completed_at: null, incomplete_details: null, output: [], usage: null };

  push('response.created', { response: clone(pending) });
  push('response.in_progress', { response: clone(pending) });
  final.output.forEach((item, output_index) => {
    const ref = { item_id: item.id, output_index };
    if (item.type === 'web_search_call') {
      push('response.output_item.added', { output_index, item: { ...clone(item), status: 'in_progress', action: { type: 'search' } } });
      for (const phase of ['in_progress', 'searching', 'completed']) push(`response.web_search_call.${phase}`, ref);
      push('response.output_item.done', { output_index, item: clone(item) });
      return;
    }
    const part = item.content[0];
    const at = { ...ref, content_index: 0 };
    push('response.output_item.added', { output_index, item: { ...clone(item), status: 'in_progress', content: [] } });
    push('response.content_part.added', { ...at, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
    let sent = 0;
    let next = 0;
    const flushAnnotations = (upTo) => {
      for (; next < part.annotations.length && part.annotations[next].end_index <= upTo; next++)
        push('response.output_text.annotation.added', { ...at, annotation_index: next, annotation: clone(part.annotations[next]) });
    };
    for (const delta of textChunks(part.text)) {
      push('response.output_text.delta', { ...at, delta, logprobs: [] });
      sent += delta.length;
      flushAnnotations(sent);
    }
    flushAnnotations(Infinity);
    push('response.output_text.done', { ...at, text: part.text, logprobs: [] });
    push('response.content_part.done', { ...at, part: clone(part) });
    push('response.output_item.done', { output_index, item: clone(item) });
  });
  push(final.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: clone(final) });
  return events;
}
