/**
 * What the relay changes in the events it forwards, and nothing more:
 * - server → browser: the session's instructions (the coach's prompt) are blanked in `session.created` /
 *   `session.updated`; `response.done` is handed to the meter. Upstream is OpenAI (trusted), and most of
 *   its traffic is large audio deltas, so a byte search picks the few frames worth parsing.
 * - browser → server: the fields the server binds at mint time cannot be changed from the browser
 *   (`session.update`: instructions, model, tools, tool_choice, prompt; `response.create` overrides:
 *   instructions, tools, tool_choice, prompt). The browser is not trusted, so every frame is parsed and
 *   re-serialised: upstream only ever sees JSON this server wrote, which closes parser-differential tricks
 *   (duplicate keys, escaped type names) that a byte search would miss. Client traffic is small enough.
 */
import { randomBytes } from 'node:crypto';

type Json = Record<string, unknown>;
export type ServerEvent = { type: string } & Json;

const BOUND_SESSION_FIELDS = ['instructions', 'model', 'tools', 'tool_choice', 'prompt'] as const;
const BOUND_RESPONSE_FIELDS = ['instructions', 'tools', 'tool_choice', 'prompt'] as const;

const RESPONSE_DONE = Buffer.from('"response.done"');
const SESSION_CREATED = Buffer.from('"session.created"');
const SESSION_UPDATED = Buffer.from('"session.updated"');

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What to do with one upstream frame: forward the original bytes, or the redacted text; `metered` is for the supervisor. */
export interface UpstreamFrame {
  forward: Buffer | string;
  metered?: ServerEvent;
}

export function inspectUpstreamFrame(data: Buffer): UpstreamFrame {
  const done = data.includes(RESPONSE_DONE);
  const session = !done && (data.includes(SESSION_CREATED) || data.includes(SESSION_UPDATED));
  if (!done && !session) return { forward: data };
  let event: unknown;
  try {
    event = JSON.parse(data.toString('utf8'));
  } catch {
    return { forward: data };
  }
  if (!isObject(event) || typeof event.type !== 'string') return { forward: data };
  if (event.type === 'response.done') return { forward: data, metered: event as ServerEvent };
  if ((event.type === 'session.created' || event.type === 'session.updated') && isObject(event.session) && 'instructions' in event.session) {
    event.session.instructions = '';
    return { forward: JSON.stringify(event) };
  }
  return { forward: data };
}

/** A browser frame to forward upstream (canonical JSON), or an `error` event to answer the browser with instead. */
export type ClientFrame = { forward: string } | { reject: string };

export function filterClientFrame(data: Buffer): ClientFrame {
  let event: unknown;
  try {
    event = JSON.parse(data.toString('utf8'));
  } catch {
    return { reject: errorEvent('invalid_json', 'The event is not valid JSON.') };
  }
  if (!isObject(event)) return { reject: errorEvent('invalid_event', 'An event must be a JSON object.') };
  if (event.type === 'session.update' && isObject(event.session)) drop(event.session, BOUND_SESSION_FIELDS);
  if (event.type === 'response.create' && isObject(event.response)) drop(event.response, BOUND_RESPONSE_FIELDS);
  return { forward: JSON.stringify(event) };
}

function drop(target: Json, fields: readonly string[]): void {
  for (const field of fields) delete target[field];
}

/** A GA `error` event written by the relay itself (OpenAI's envelope). */
export function errorEvent(code: string, message: string, type = 'invalid_request_error'): string {
  return JSON.stringify({
    type: 'error',
    event_id: `evt_${randomBytes(12).toString('hex')}`,
    error: { type, code, message, param: null, event_id: null },
  });
}
