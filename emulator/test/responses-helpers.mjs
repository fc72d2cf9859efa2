// Shared helpers for the /v1/responses tests.
import { expect } from 'vitest';
import { CORPUS } from '../lib/web-corpus.mjs';
import { REALTIME_KEY, raw } from './helpers.mjs';

export const QUERY = 'EU AI Act high-risk obligations';
/** @type {Omit<import('openai/resources/responses/responses').ResponseCreateParamsNonStreaming, 'stream'>} */
export const base = { model: 'gpt-5.4', input: QUERY, tools: [{ type: 'web_search' }], include: ['web_search_call.action.sources'] };
export const RESERVED_HOST = /(^|\.)example\.(com|org|net)$/;

/** The message's output_text part. @param {any} r */
export const textPart = (r) => r.output.find((o) => o.type === 'message').content[0];

/** Check every url_citation against the text it indexes into. @param {any} part */
export function expectCitations(part) {
  for (const a of part.annotations) {
    expect(Object.keys(a).sort()).toEqual(['end_index', 'start_index', 'title', 'type', 'url']);
    expect(a.type).toBe('url_citation');
    expect(a.end_index).toBeGreaterThan(a.start_index);
    const url = new URL(a.url);
    expect(url.hostname).toMatch(RESERVED_HOST);
    expect(url.search).toBe('?utm_source=chatgpt.com');
    const span = part.text.slice(a.start_index, a.end_index);
    expect(span).toBe(`([${url.hostname.replace(/^www\./, '')}](${a.url}))`);
    expect(a.title).toBe(CORPUS.find((p) => a.url.startsWith(`${p.url}?`))?.title);
  }
}

/** Raw POST /v1/responses. @param {{url: string}} emu @param {unknown} body */
export const postResponses = (emu, body, key = REALTIME_KEY) =>
  raw(emu, '/v1/responses', {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
