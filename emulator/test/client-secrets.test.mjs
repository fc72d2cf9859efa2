import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_KEY, STANDARD_KEY, client, expectEnvelope, raw, rejectionOf, start } from './helpers.mjs';

const weatherTool = {
  type: /** @type {const} */ ('function'),
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('POST /v1/realtime/client_secrets', () => {
  /** @type {Awaited<ReturnType<typeof start>>} */
  let emu;
  beforeAll(async () => {
    emu = await start();
  });
  afterAll(() => emu.close());

  const post = (body, key = REALTIME_KEY) =>
    raw(emu, '/v1/realtime/client_secrets', {
      method: 'POST',
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('mints an ek_ secret with the effective session (official client)', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { data, request_id } = await client(emu).realtime.clientSecrets.create({
      expires_after: { anchor: 'created_at', seconds: 60 },
      session: {
        type: 'realtime',
        model: 'gpt-realtime-2.1',
        instructions: 'x',
        audio: { output: { voice: 'marin' } },
        tools: [weatherTool],
      },
    }).withResponse();
    expect(request_id).toMatch(/^req_/);
    expect(data.value).toMatch(/^ek_/);
    expect(data.expires_at).toBeGreaterThanOrEqual(before + 60);
    expect(data.expires_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 60);
    const s = /** @type {any} */ (data.session);
    expect(Object.keys(data)).toEqual(['value', 'expires_at', 'session']);
    expect(s).toMatchObject({
      type: 'realtime', object: 'realtime.session', model: 'gpt-realtime-2.1', instructions: 'x',
      output_modalities: ['audio'], tool_choice: 'auto', max_output_tokens: 'inf', tracing: null,
      truncation: 'auto', prompt: null, expires_at: 0, include: null, tools: [weatherTool],
    });
    expect(s.id).toMatch(/^sess_/);
    expect(s.audio.output).toEqual({ format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin', speed: 1 });
    expect(s.audio.input).toEqual({
      format: { type: 'audio/pcm', rate: 24000 }, transcription: null, noise_reduction: null,
      turn_detection: { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 200,
        idle_timeout_ms: null, create_response: true, interrupt_response: true },
    });
    // Stored for later lookups (/v1/realtime/calls).
    const rec = emu.lookupSecret(data.value);
    expect(rec?.expires_at).toBe(data.expires_at);
    expect(rec?.session.id).toBe(s.id);
    const st = emu.stats();
    expect(st.secrets.map((x) => x.value)).toContain(data.value);
    expect(JSON.stringify(st)).not.toContain(REALTIME_KEY);
    expect(st.lastRequest.client_secrets.body.session.instructions).toBe('x');
    expect(st.lastRequest.client_secrets.body.session.tools[0].name).toBe('get_weather');
  });

  it('defaults: 600 s TTL and a full default realtime session', async () => {
    const now = Math.floor(Date.now() / 1000);
    const r = await client(emu).realtime.clientSecrets.create({});
    expect(r.expires_at - now).toBeGreaterThanOrEqual(599);
    expect(r.expires_at - now).toBeLessThanOrEqual(601);
    expect(r.session).toMatchObject({ type: 'realtime', model: 'gpt-realtime', tools: [] });
    expect(typeof (/** @type {any} */ (r.session).instructions)).toBe('string');
  });

  it('deep-merges nested client fields over defaults', async () => {
    const r = /** @type {any} */ (await client(emu).realtime.clientSecrets.create({
      session: {
        type: 'realtime', model: 'gpt-realtime-2',
        audio: {
          input: {
            transcription: { model: 'gpt-4o-mini-transcribe', language: 'de' },
            noise_reduction: { type: 'near_field' },
            turn_detection: { type: 'semantic_vad', eagerness: 'low' },
          },
          output: { speed: 1.2 },
        },
        output_modalities: ['text'],
      },
    }));
    expect(r.session.audio.input.transcription).toEqual({ model: 'gpt-4o-mini-transcribe', language: 'de' });
    expect(r.session.audio.input.noise_reduction).toEqual({ type: 'near_field' });
    expect(r.session.audio.input.turn_detection).toEqual({ type: 'semantic_vad', eagerness: 'low', create_response: true, interrupt_response: true });
    expect(r.session.audio.input.format).toEqual({ type: 'audio/pcm', rate: 24000 });
    expect(r.session.audio.output).toEqual({ format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1.2 });
    expect(r.session.output_modalities).toEqual(['text']);
  });

  it('turn_detection: null disables VAD', async () => {
    const r = /** @type {any} */ (await client(emu).realtime.clientSecrets.create({
      session: { type: 'realtime', model: 'gpt-realtime-2.1', audio: { input: { turn_detection: null } } },
    }));
    expect(r.session.audio.input.turn_detection).toBeNull();
  });

  it('mints a transcription session', async () => {
    const r = /** @type {any} */ (await client(emu).realtime.clientSecrets.create({
      session: { type: 'transcription', audio: { input: { transcription: { model: 'whisper-1' } } } },
    }));
    expect(r.session.type).toBe('transcription');
    expect(r.session.object).toBe('realtime.transcription_session');
    expect(r.session.audio.input.transcription.model).toBe('whisper-1');
    expect(r.session.audio.output).toBeUndefined();
    expect(r.session.model).toBeUndefined();
  });

  it.each([
    [{ expires_after: { anchor: 'created_at', seconds: 5 } }, 'expires_after.seconds', 'integer_below_min_value'],
    [{ expires_after: { seconds: 7201 } }, 'expires_after.seconds', 'integer_above_max_value'],
    [{ expires_after: { seconds: 60.5 } }, 'expires_after.seconds', 'invalid_type'],
    [{ expires_after: { anchor: 'now', seconds: 60 } }, 'expires_after.anchor', 'invalid_value'],
    [{ session: { model: 'gpt-realtime-2.1' } }, 'session.type', 'missing_required_parameter'],
    [{ session: { type: 'chat' } }, 'session.type', 'invalid_value'],
    [{ session: { type: 'realtime', audio: { output: { voice: 'bob' } } } }, 'session.audio.output.voice', 'invalid_value'],
    [{ session: { type: 'realtime', audio: { output: { speed: 3 } } } }, 'session.audio.output.speed', 'integer_above_max_value'],
    [{ session: { type: 'realtime', output_modalities: ['audio', 'text'] } }, 'session.output_modalities', 'invalid_value'],
    [{ session: { type: 'realtime', max_output_tokens: 0 } }, 'session.max_output_tokens', 'integer_below_min_value'],
    [{ session: { type: 'realtime', tools: [{ type: 'function', function: { name: 'x' } }] } }, 'session.tools[0].function', 'unknown_parameter'],
    [{ session: { type: 'realtime', instructions: 42 } }, 'session.instructions', 'invalid_type'],
    [{ model: 'gpt-realtime', voice: 'alloy', modalities: ['audio'] }, 'model', 'unknown_parameter'],
    [{ session: { type: 'realtime', voice: 'alloy' } }, 'session.voice', 'unknown_parameter'],
    [{ session: { type: 'realtime', model: 'gpt-5.4' } }, 'session.model', 'invalid_value'],
    [[1, 2], 'body', 'invalid_type'],
  ])('400 for %j', async (body, param, code) => {
    const r = await post(body);
    expect(r.status).toBe(400);
    expectEnvelope(expect, r.json);
    expect(r.json.error).toMatchObject({ type: 'invalid_request_error', param, code });
  });

  it('seconds out of range → BadRequestError with the SDK', async () => {
    const e = await rejectionOf(client(emu).realtime.clientSecrets.create({ expires_after: { anchor: 'created_at', seconds: 5 } }));
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect(e.param).toBe('expires_after.seconds');
    expect(e.error.message).toMatch(/Expected a value >= 10, but got 5 instead/);
  });

  it('non-JSON body → 400 envelope', async () => {
    const r = await post('{not json');
    expect(r.status).toBe(400);
    expectEnvelope(expect, r.json);
    expect(r.json.error.message).toMatch(/could not parse the JSON body/);
    expect((await post('')).status).toBe(400);
  });

  it('standard key → 403 model_not_found; unknown or retired model → 404', async () => {
    const e = await rejectionOf(client(emu, { apiKey: STANDARD_KEY }).realtime.clientSecrets.create({
      session: { type: 'realtime', model: 'gpt-realtime-2.1' },
    }));
    expect(e).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(e.code).toBe('model_not_found');
    expect(e.error.message).toBe('The model `gpt-realtime-2.1` does not exist or you do not have access to it.');
    for (const model of ['nope', 'gpt-4o-realtime-preview']) {
      const e2 = await rejectionOf(client(emu).realtime.clientSecrets.create({ session: { type: 'realtime', model } }));
      expect(e2).toBeInstanceOf(OpenAI.NotFoundError);
      expect(e2.code).toBe('model_not_found');
    }
  });

  it('noRealtime fault removes realtime access from every key', async () => {
    emu.setFaults({ route: '*', noRealtime: true });
    try {
      const e = await rejectionOf(client(emu).realtime.clientSecrets.create({ session: { type: 'realtime', model: 'gpt-realtime-2.1' } }));
      expect(e.status).toBe(403);
      const ids = [];
      for await (const m of client(emu).models.list()) ids.push(m.id);
      expect(ids).not.toContain('gpt-realtime-2.1');
    } finally {
      emu.resetFaults();
    }
  });

  it('custom voice object and tool_choice object are accepted', async () => {
    const r = await post({ session: { type: 'realtime', model: 'gpt-realtime-2.1', tools: [weatherTool],
      tool_choice: { type: 'function', name: 'get_weather' }, audio: { output: { voice: { id: 'voice_123' } } } } });
    expect(r.status).toBe(200);
    expect(r.json.session.audio.output.voice).toEqual({ id: 'voice_123' });
    expect(r.json.session.tool_choice).toEqual({ type: 'function', name: 'get_weather' });
  });

  it('expires_at follows the injected clock', async () => {
    const fixed = await start({ now: () => 1_800_000_000_000 });
    try {
      const r = await client(fixed).realtime.clientSecrets.create({ expires_after: { anchor: 'created_at', seconds: 10 } });
      expect(r.expires_at).toBe(1_800_000_010);
    } finally {
      await fixed.close();
    }
  });
});
