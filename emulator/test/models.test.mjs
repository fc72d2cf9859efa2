import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_KEY, STANDARD_KEY, client, raw, rejectionOf, start } from './helpers.mjs';

const REALTIME_IDS = ['gpt-realtime-2.1', 'gpt-realtime-2.1-mini', 'gpt-realtime-2', 'gpt-realtime-1.5'];
const DEPRECATED_IDS = ['gpt-realtime', 'gpt-realtime-mini'];
const NORMAL_IDS = ['gpt-5.4', 'gpt-4o-mini', 'gpt-4o-mini-tts', 'gpt-4o-mini-transcribe', 'whisper-1', 'tts-1'];

describe('GET /v1/models', () => {
  /** @type {Awaited<ReturnType<typeof start>>} */
  let emu;
  beforeAll(async () => {
    emu = await start();
  });
  afterAll(() => emu.close());

  it('lists realtime, deprecated and normal models for a realtime key', async () => {
    const ids = [];
    /** @type {any[]} */
    const models = [];
    for await (const m of client(emu).models.list()) {
      ids.push(m.id);
      models.push(m);
    }
    for (const id of [...REALTIME_IDS, ...DEPRECATED_IDS, ...NORMAL_IDS]) expect(ids).toContain(id);
    for (const m of models) {
      expect(m.object).toBe('model');
      expect(Number.isInteger(m.created)).toBe(true);
      expect(typeof m.owned_by).toBe('string');
    }
    for (const id of DEPRECATED_IDS) expect(models.find((m) => m.id === id).shutdown_date).toBe('2027-01-20');
    expect(models.find((m) => m.id === 'gpt-realtime-2.1').shutdown_date ?? null).toBeNull();
    expect(ids).not.toContain('gpt-4o-realtime-preview');
  });

  it('wire shape is {object:"list", data:[…]}', async () => {
    const r = await raw(emu, '/v1/models', { headers: { Authorization: `Bearer ${REALTIME_KEY}` } });
    expect(r.status).toBe(200);
    expect(r.res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.json.object).toBe('list');
    expect(Array.isArray(r.json.data)).toBe(true);
  });

  it('omits every realtime id for a key without realtime access', async () => {
    const ids = [];
    for await (const m of client(emu, { apiKey: STANDARD_KEY }).models.list()) ids.push(m.id);
    for (const id of NORMAL_IDS) expect(ids).toContain(id);
    expect(ids.filter((id) => id.includes('realtime'))).toEqual([]);
  });

  it('sk-emu-* keys are accepted and realtime-capable', async () => {
    const ids = [];
    for await (const m of client(emu, { apiKey: 'sk-emu-anything-123' }).models.list()) ids.push(m.id);
    expect(ids).toContain('gpt-realtime-2.1');
  });

  it('retrieves one model', async () => {
    const m = await client(emu).models.retrieve('gpt-realtime-2.1');
    expect(m).toMatchObject({ id: 'gpt-realtime-2.1', object: 'model', owned_by: 'system' });
    const dep = await client(emu).models.retrieve('gpt-realtime');
    expect(/** @type {any} */ (dep).shutdown_date).toBe('2027-01-20');
  });

  it('unknown model → NotFoundError model_not_found', async () => {
    const e = await rejectionOf(client(emu).models.retrieve('nope'));
    expect(e).toBeInstanceOf(OpenAI.NotFoundError);
    expect(e.status).toBe(404);
    expect(e.code).toBe('model_not_found');
    expect(e.type).toBe('invalid_request_error');
    expect(e.param).toBe('model');
    expect(e.error.message).toBe('The model `nope` does not exist or you do not have access to it.');
  });

  it('realtime model is not found for a key without realtime access', async () => {
    const e = await rejectionOf(client(emu, { apiKey: STANDARD_KEY }).models.retrieve('gpt-realtime-2.1'));
    expect(e).toBeInstanceOf(OpenAI.NotFoundError);
    expect(e.code).toBe('model_not_found');
  });

  it('counts requests per route', async () => {
    emu.reset();
    await client(emu).models.list();
    await client(emu).models.list();
    await client(emu).models.retrieve('gpt-4o-mini');
    const s = emu.stats();
    expect(s.counts).toEqual({ models: 2, 'models.retrieve': 1 });
    expect(s.lastRequest.models.method).toBe('GET');
    expect(s.lastRequest['models.retrieve'].path).toBe('/v1/models/gpt-4o-mini');
  });
});
