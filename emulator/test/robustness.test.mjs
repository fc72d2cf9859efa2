import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REALTIME_KEY, expectEnvelope, raw, start } from './helpers.mjs';

const ODD_BODIES = [
  'null', '"str"', '123', 'true', '[]', '{}', '{"session":null}', '{"expires_after":null}', '{"expires_after":[]}',
  '{"expires_after":{"seconds":"60"}}', '{"session":{"type":null}}', '{"session":{"type":"realtime","audio":null}}',
  '{"session":{"type":"realtime","audio":{"input":null}}}', '{"session":{"type":"realtime","audio":{"input":{"format":null}}}}',
  '{"session":{"type":"realtime","audio":{"input":{"format":{"type":"audio/pcm","rate":16000}}}}}',
  '{"session":{"type":"realtime","audio":{"input":{"transcription":"x"}}}}',
  '{"session":{"type":"realtime","audio":{"input":{"turn_detection":{"type":"semantic_vad","threshold":1}}}}}',
  '{"session":{"type":"realtime","audio":{"input":{"noise_reduction":{}}}}}',
  '{"session":{"type":"realtime","audio":{"output":{"voice":{}}}}}',
  '{"session":{"type":"realtime","tools":[null]}}', '{"session":{"type":"realtime","tools":{}}}',
  '{"session":{"type":"realtime","tools":[{"type":"mcp"}]}}', '{"session":{"type":"realtime","tool_choice":{}}}',
  '{"session":{"type":"realtime","tool_choice":5}}', '{"session":{"type":"realtime","model":7}}',
  '{"session":{"type":"realtime","output_modalities":"audio"}}', '{"session":{"type":"realtime","output_modalities":[1]}}',
  '{"session":{"type":"realtime","max_output_tokens":"lots"}}', '{"session":{"type":"realtime","include":["x"]}}',
  '{"session":{"type":"realtime","prompt":{}}}', '{"session":{"type":"realtime","reasoning":{"effort":"max"}}}',
  '{"session":{"type":"transcription","model":"gpt-realtime-2.1"}}', '{"session":{"type":"transcription","audio":{"output":{}}}}',
  '{"__proto__":{"polluted":1}}', '{"session":{"type":"realtime","__proto__":{"x":1}}}',
  '{"session":{"type":"realtime","tools":[{"type":"function","name":"f","parameters":{"properties":{"constructor":{"type":"string"},"__proto__":{"type":"string"}}}}]}}',
  '\u0000\u0001', '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}',
];

describe('robustness', () => {
  /** @type {Awaited<ReturnType<typeof start>>} */
  let emu;
  beforeAll(async () => {
    emu = await start();
  });
  afterAll(() => emu.close());

  it.each(ODD_BODIES.map((b) => [b.slice(0, 80), b]))('client_secrets %s → 200 or 4xx envelope', async (_label, body) => {
    const r = await raw(emu, '/v1/realtime/client_secrets', {
      method: 'POST', headers: { Authorization: `Bearer ${REALTIME_KEY}`, 'Content-Type': 'application/json' }, body,
    });
    expect(r.json).toBeDefined();
    if (r.status === 200) {
      expect(r.json.value).toMatch(/^ek_/);
    } else {
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      expectEnvelope(expect, r.json);
    }
    expect(/** @type {any} */ ({}).polluted).toBeUndefined();
  });

  it('keeps function-tool JSON schemas verbatim', async () => {
    const parameters = JSON.parse('{"type":"object","properties":{"constructor":{"type":"string"}}}');
    const r = await raw(emu, '/v1/realtime/client_secrets', {
      method: 'POST', headers: { Authorization: `Bearer ${REALTIME_KEY}` },
      body: JSON.stringify({ session: { type: 'realtime', model: 'gpt-realtime-2.1', tools: [{ type: 'function', name: 'f', parameters }] } }),
    });
    expect(r.status).toBe(200);
    expect(r.json.session.tools[0].parameters).toEqual(parameters);
  });

  it('odd paths and methods never crash', async () => {
    for (const [method, path] of [['GET', '/v1/models/%E0%A4%A'], ['DELETE', '/v1/models'], ['PUT', '/v1/realtime/client_secrets'],
      ['GET', '/v1/models/a/b'], ['GET', '//v1//models'], ['PATCH', '/__emulator/faults']]) {
      const r = await raw(emu, path, { method, headers: { Authorization: `Bearer ${REALTIME_KEY}` } });
      expect([404, 200]).toContain(r.status);
      if (r.status === 404) expectEnvelope(expect, r.json);
    }
  });
});
