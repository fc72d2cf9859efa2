// Structured outputs on POST /v1/chat/completions (`response_format` json_schema / json_object) with the
// official client: request validation as OpenAI does it, and deterministic schema-valid JSON (plain and SSE).
import OpenAI from 'openai';
import { zodResponseFormat } from 'openai/helpers/zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { generateFromSchema } from '../lib/chat-structured.mjs';
import { STANDARD_KEY, client, expectEnvelope, raw, start } from './helpers.mjs';

const MODEL = 'gpt-5.4';
const USER_TURNS = [
  'We will cut onboarding time by 30 percent in two quarters.',
  'What would convince you that the pilot is worth funding?',
  'I think maybe we could perhaps start small.',
];
const TRANSCRIPT = [`EXECUTIVE: ${USER_TURNS[0]}`, 'COUNTERPART: Why should the board believe that number?',
  `EXECUTIVE: ${USER_TURNS[1]} ${USER_TURNS[2]}`].join('\n');
const messages = [
  { role: 'system', content: 'You are an examiner. Grade the executive against the rubric.' },
  { role: 'user', content: `Transcript:\n${TRANSCRIPT}` },
];

/** A grading schema written by hand (strict mode: every property required, no extra properties). */
const GRADING_SCHEMA = {
  type: 'object', additionalProperties: false, required: ['criteria', 'strengths', 'improvements', 'verdict', 'confident'],
  properties: {
    criteria: { type: 'array', minItems: 3, maxItems: 3, items: {
      type: 'object', additionalProperties: false, required: ['id', 'score', 'evidence', 'comment', 'weight'],
      properties: {
        id: { type: 'string', enum: ['clarity', 'evidence', 'questions'] },
        score: { type: 'integer', minimum: 1, maximum: 5 },
        weight: { type: 'number', minimum: 0.5, maximum: 0.75 },
        evidence: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'string' } },
        comment: { type: 'string', maxLength: 40 },
      } } },
    strengths: { type: 'array', minItems: 3, maxItems: 3, items: { type: 'string' } },
    improvements: { type: 'array', minItems: 3, maxItems: 3, items: { type: 'string' } },
    verdict: { anyOf: [{ type: 'string', enum: ['pass', 'fail'] }, { type: 'null' }] },
    confident: { type: 'boolean' },
  },
};
const Grading = z.object({
  criteria: z.array(z.object({
    id: z.enum(['clarity', 'evidence', 'questions']),
    score: z.number().int().min(1).max(5),
    weight: z.number().min(0.5).max(0.75),
    evidence: z.array(z.string()).min(1).max(2),
    comment: z.string().max(40),
  }).strict()).length(3),
  strengths: z.array(z.string()).length(3),
  improvements: z.array(z.string()).length(3),
  verdict: z.enum(['pass', 'fail']).nullable(),
  confident: z.boolean(),
}).strict();
const jsonSchema = (schema = GRADING_SCHEMA, extra = {}) => ({ type: 'json_schema', json_schema: { name: 'grading', schema, strict: true, ...extra } });

describe('POST /v1/chat/completions with response_format', () => {
  /** @type {Awaited<ReturnType<typeof start>>} */
  let emu;
  beforeAll(async () => {
    emu = await start({ fallbackConfig: { chatChunkMs: 0 } });
  });
  afterEach(() => emu.reset());
  afterAll(() => emu.close());
  const c = () => client(emu, { apiKey: STANDARD_KEY });
  const post = (body) => raw(emu, '/v1/chat/completions', {
    method: 'POST', headers: { Authorization: `Bearer ${STANDARD_KEY}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  it('json_schema: content is JSON valid against the schema, refusal null, deterministic for the same input', async () => {
    const r = await c().chat.completions.create({ model: MODEL, messages, response_format: jsonSchema() });
    expect(r.choices[0]).toMatchObject({ finish_reason: 'stop', message: { role: 'assistant', refusal: null } });
    const content = /** @type {string} */ (r.choices[0].message.content);
    const parsed = Grading.parse(JSON.parse(content));
    // evidence strings quote a sentence of the executive's lines verbatim (never the counterpart's)
    for (const cr of parsed.criteria) for (const q of cr.evidence) expect(USER_TURNS.some((t) => t.includes(q))).toBe(true);
    expect(r.usage?.completion_tokens).toBe(Math.ceil(content.length / 4));
    const again = await c().chat.completions.create({ model: MODEL, messages, response_format: jsonSchema() });
    expect(again.choices[0].message.content).toBe(content);
    const other = await c().chat.completions.create({ model: MODEL, messages: [messages[0], { role: 'user', content: 'EXECUTIVE: Another answer entirely, with other words.' }], response_format: jsonSchema() });
    expect(other.choices[0].message.content).not.toBe(content);
    Grading.parse(JSON.parse(/** @type {string} */ (other.choices[0].message.content)));
  });

  it('streaming gives the same JSON, assembled from the chunks; the stream helper parses it', async () => {
    const plain = await c().chat.completions.create({ model: MODEL, messages, response_format: jsonSchema() });
    const stream = await c().chat.completions.create({ model: MODEL, messages, response_format: jsonSchema(), stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe(plain.choices[0].message.content);
    Grading.parse(JSON.parse(text));
  });

  it('client.chat.completions.parse with zodResponseFormat (zod 4) → message.parsed', async () => {
    const Schema = z.object({
      overall: z.number().int().min(0).max(100),
      criteria: z.array(z.object({ id: z.string(), score: z.number().int().min(1).max(5), quote: z.string() })),
      tone: z.enum(['calm', 'defensive', 'confident']),
      note: z.string().nullable(),
    });
    const r = await c().chat.completions.parse({ model: MODEL, messages, response_format: zodResponseFormat(Schema, 'scorecard') });
    const parsed = r.choices[0].message.parsed;
    expect(parsed).not.toBeNull();
    const v = Schema.parse(parsed);
    for (const cr of v.criteria) expect(USER_TURNS.some((t) => t.includes(cr.quote))).toBe(true);
    expect(r.choices[0].message.refusal).toBeNull();
  });

  it('json_object: a JSON object when the messages mention JSON', async () => {
    const r = await c().chat.completions.create({ model: MODEL, response_format: { type: 'json_object' },
      messages: [{ role: 'system', content: 'Answer in JSON.' }, { role: 'user', content: 'How do I open the board meeting?' }] });
    const v = JSON.parse(/** @type {string} */ (r.choices[0].message.content));
    expect(z.object({ reply: z.string().min(1), quote: z.string() }).parse(v).quote).toBe('How do I open the board meeting?');
  });

  it('a non-strict schema: only required properties are generated; nested $ref resolves', async () => {
    const schema = { type: 'object', required: ['a', 'list'], $defs: { Item: { type: 'object', required: ['n'], properties: { n: { type: 'integer', minimum: 10, maximum: 12 } } } },
      properties: { a: { type: 'string', minLength: 200 }, b: { type: 'string' }, list: { type: 'array', minItems: 4, items: { $ref: '#/$defs/Item' } } } };
    const r = await c().chat.completions.create({ model: MODEL, messages, response_format: { type: 'json_schema', json_schema: { name: 'loose', schema } } });
    const v = z.object({ a: z.string().min(200), list: z.array(z.object({ n: z.number().int().min(10).max(12) })).min(4) }).strict()
      .parse(JSON.parse(/** @type {string} */ (r.choices[0].message.content)));
    expect(v.list).toHaveLength(4);
  });

  it('max_completion_tokens cuts the JSON: finish_reason "length"', async () => {
    const r = await c().chat.completions.create({ model: MODEL, messages, response_format: jsonSchema(), max_completion_tokens: 5 });
    expect(r.choices[0].finish_reason).toBe('length');
    expect(r.choices[0].message.content).toHaveLength(20);
  });

  it.each([
    ['json_schema without json_schema', { type: 'json_schema' }, 'response_format.json_schema', 'missing_required_parameter', /Missing required parameter/],
    ['a schema without a name', { type: 'json_schema', json_schema: { schema: GRADING_SCHEMA } }, 'response_format.json_schema.name', 'missing_required_parameter', /Missing required parameter: 'response_format.json_schema.name'/],
    ['a name with spaces', jsonSchema(GRADING_SCHEMA, { name: 'my grading' }), 'response_format.json_schema.name', 'invalid_value', /does not match pattern/],
    ['an unknown json_schema key', jsonSchema(GRADING_SCHEMA, { format: 'x' }), 'response_format.json_schema.format', 'unknown_parameter', /Unknown parameter/],
    ['schema as a string', jsonSchema(/** @type {any} */ ('object')), 'response_format.json_schema.schema', 'invalid_type', /expected an object/],
    ['strict as a string', jsonSchema(GRADING_SCHEMA, { strict: 'yes' }), 'response_format.json_schema.strict', 'invalid_type', /expected a boolean/],
    ['strict: no additionalProperties', jsonSchema({ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }), 'response_format', null,
      /^Invalid schema for response_format 'grading': In context=\(\), 'additionalProperties' is required to be supplied and to be false\.$/],
    ['strict: a property not required', jsonSchema({ type: 'object', additionalProperties: false, properties: { a: { type: 'object', additionalProperties: false, properties: { b: { type: 'string' } }, required: [] } }, required: ['a'] }),
      'response_format', null, /In context=\('properties', 'a'\), 'required' is required to be supplied and to be an array including every key in properties\. Missing 'b'\./],
    ['strict: a root that is not an object', jsonSchema({ type: 'array', items: { type: 'string' } }), 'response_format', null, /must be a JSON Schema of 'type: "object"', got 'type: "array"'/],
    ['strict: an unknown type', jsonSchema({ type: 'object', additionalProperties: false, properties: { a: { type: 'str' } }, required: ['a'] }), 'response_format', null, /'str' is not a valid type/],
  ])('400 for %s', async (_name, response_format, param, code, message) => {
    const r = await post({ model: MODEL, messages, response_format });
    expect(r.status).toBe(400);
    expectEnvelope(expect, r.json);
    expect(r.json.error).toMatchObject({ type: 'invalid_request_error', param, code });
    expect(r.json.error.message).toMatch(message);
  });

  it('the SDK surfaces a bad schema as BadRequestError', async () => {
    const e = await c().chat.completions.create({ model: MODEL, messages, response_format: /** @type {any} */ ({ type: 'json_schema', json_schema: { schema: {} } }) }).catch((x) => x);
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect(e.param).toBe('response_format.json_schema.name');
  });
});

describe('generateFromSchema', () => {
  it('numbers and integers stay within bounds, enums are members, arrays within min/maxItems', () => {
    for (let i = 0; i < 50; i++) {
      const v = /** @type {any} */ (generateFromSchema(GRADING_SCHEMA, { messages: [{ role: 'user', content: `EXECUTIVE: Case ${i}. Another sentence here.` }] }));
      Grading.parse(v);
    }
  });
  it('with no user text, quote-named strings fall back to a coaching line', () => {
    const v = /** @type {any} */ (generateFromSchema({ type: 'object', required: ['quote'], properties: { quote: { type: 'string' } } }, { messages: [{ role: 'system', content: 'x' }] }));
    expect(typeof v.quote).toBe('string');
    expect(v.quote.length).toBeGreaterThan(0);
  });
});
