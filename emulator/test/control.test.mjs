import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, expectEnvelope, raw, rejectionOf, start } from './helpers.mjs';

describe('control API /__emulator', () => {
  /** @type {Awaited<ReturnType<typeof start>>} */
  let emu;
  beforeAll(async () => {
    emu = await start();
  });
  afterAll(() => emu.close());

  const postJson = (path, body) =>
    raw(emu, path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

  it('health', async () => {
    expect((await raw(emu, '/__emulator/health')).json).toEqual({ ok: true });
  });

  it('POST /__emulator/faults sets faults (no auth needed), GET lists, DELETE clears', async () => {
    const r = await postJson('/__emulator/faults', { route: 'models', status: 503, times: 1 });
    expect(r.status).toBe(200);
    expect(r.json.faults).toEqual([{ route: 'models', status: 503, times: 1 }]);
    expect((await raw(emu, '/__emulator/faults')).json.faults).toHaveLength(1);
    expect(await rejectionOf(client(emu).models.list())).toBeInstanceOf(OpenAI.InternalServerError);
    await client(emu).models.list();

    await postJson('/__emulator/faults', [{ route: 'models', status: 500 }, { route: 'client_secrets', latencyMs: 1 }]);
    await postJson('/__emulator/faults?append=1', { route: 'models', latencyMs: 1 });
    expect((await raw(emu, '/__emulator/faults')).json.faults).toHaveLength(3);
    await postJson('/__emulator/faults', { faults: [{ status: 429 }], append: true });
    expect((await raw(emu, '/__emulator/faults')).json.faults).toHaveLength(4);
    expect((await raw(emu, '/__emulator/faults', { method: 'DELETE' })).json).toEqual({ faults: [] });
    await client(emu).models.list();
  });

  it('bad control bodies → 400 envelope', async () => {
    const r = await raw(emu, '/__emulator/faults', { method: 'POST', body: 'nope' });
    expect(r.status).toBe(400);
    expectEnvelope(expect, r.json);
    const r2 = await postJson('/__emulator/faults', { status: 'x' });
    expect(r2.status).toBe(400);
    expect(r2.json.error.code).toBe('invalid_fault');
  });

  it('GET /__emulator/stats and POST /__emulator/reset', async () => {
    await raw(emu, '/__emulator/reset', { method: 'POST' });
    await client(emu).models.list();
    await client(emu).realtime.clientSecrets.create({ session: { type: 'realtime', model: 'gpt-realtime-2.1', instructions: 'be brief' } });
    const s = (await raw(emu, '/__emulator/stats')).json;
    expect(s.counts).toEqual({ models: 1, client_secrets: 1 });
    expect(s.secrets).toHaveLength(1);
    expect(s.secrets[0].value).toMatch(/^ek_/);
    expect(s.lastRequest.client_secrets.body.session.instructions).toBe('be brief');
    expect(s.lastRequest.client_secrets.headers.authorization).toMatch(/^Bearer sk-te\*\*\*/);
    expect(s.lastRequest.client_secrets.headers['content-type']).toMatch(/application\/json/);
    expect(s.history.map((h) => [h.route, h.status])).toEqual([['models', 200], ['client_secrets', 200]]);
    await raw(emu, '/__emulator/reset', { method: 'POST' });
    expect((await raw(emu, '/__emulator/stats')).json).toMatchObject({ counts: {}, total: 0, secrets: [], faults: [] });
  });

  it('unknown control path → 404 envelope', async () => {
    const r = await raw(emu, '/__emulator/nope');
    expect(r.status).toBe(404);
    expectEnvelope(expect, r.json);
  });
});
