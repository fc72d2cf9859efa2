// response.done usage as a metering server reads it on the sideband: the complete GA shape, with
// input = text + audio + image, total = input + output, and cached tokens within the input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputUsage, responseUsage } from '../lib/realtime/usage.mjs';
import { client } from './helpers.mjs';
import { connect, startRealtime, utterance, wsUrl } from './realtime-ws-helpers.mjs';
import { pendingCall, sideband, until, usageProblems } from './realtime-sideband-rig.mjs';

/** A 1×1 PNG as a data URL. */
const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/** @type {any} */ let emu;
beforeAll(async () => {
  emu = await startRealtime();
});
afterAll(() => emu?.close());

describe('response.done usage', () => {
  it('images count as image tokens, in input_tokens and in total_tokens (read on the sideband)', async () => {
    const call = await pendingCall(emu);
    const sb = sideband(emu, call.callId);
    await sb.opened;
    await call.connect();
    await sb.next('session.created');
    sb.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user',
      content: [{ type: 'input_text', text: 'What is on this slide?' }, { type: 'input_image', image_url: PNG }] } });
    await sb.next('conversation.item.added');
    sb.send({ type: 'response.create', response: { output_modalities: ['text'] } });
    const u = (await sb.next('response.done', undefined, 8000)).response.usage;
    expect(usageProblems(u)).toEqual([]);
    expect(u.input_token_details.image_tokens).toBe(85);
    expect(u.input_token_details.text_tokens).toBeGreaterThan(0);
    expect(u.input_tokens).toBe(u.input_token_details.text_tokens + u.input_token_details.audio_tokens + 85);
    expect(u.output_token_details).toEqual({ text_tokens: u.output_tokens, audio_tokens: 0 });
    await client(emu).realtime.calls.hangup(call.callId);
    await call.browser.close();
  });

  it('a long prefix is cached on the next response (a multiple of 64, at least 1024, within the input)', async () => {
    const c = await connect(wsUrl(emu));
    c.send({ type: 'session.update', session: { type: 'realtime', instructions: 'Coach the speaker. '.repeat(300) } });
    await c.next('session.updated');
    c.appendPcm(utterance(400, 700));
    const first = (await c.next('response.done', undefined, 8000)).response.usage;
    expect(usageProblems(first)).toEqual([]);
    expect(first.input_token_details.cached_tokens).toBe(0);
    expect(first.input_token_details.audio_tokens).toBeGreaterThan(0);
    c.send({ type: 'response.create' });
    const second = (await c.next('response.done', undefined, 8000)).response.usage;
    expect(usageProblems(second)).toEqual([]);
    expect(second.input_token_details.cached_tokens).toBeGreaterThanOrEqual(1024);
    expect(second.input_token_details.cached_tokens % 64).toBe(0);
    expect(second.input_tokens).toBeGreaterThan(first.input_tokens);
    c.close();
  });

  it('responseUsage keeps every invariant when the cached prefix covers audio and images too', () => {
    const items = [
      { id: 'a', type: 'message', role: 'user', content: [{ type: 'input_audio' }] },
      { id: 'b', type: 'message', role: 'user', content: [{ type: 'input_image', image_url: PNG }, { type: 'input_text', text: 'x'.repeat(40) }] },
    ];
    const input = inputUsage({ instructions: 'y'.repeat(400) }, items, (id) => (id === 'a' ? { audioMs: 3000 } : {}));
    expect(input).toEqual({ text: 110, audio: 30, image: 85 });
    for (const cached of [0, 64, 120, 140, 225, 10_000]) {
      const u = responseUsage(input, { text: 7, audio: 40 }, cached);
      expect(usageProblems(u)).toEqual([]);
      expect(u.input_token_details.cached_tokens).toBe(Math.min(cached, 225));
    }
    expect(responseUsage(input, { text: 0, audio: 0 }, 10_000).input_token_details.cached_tokens_details).toEqual({ text_tokens: 110, audio_tokens: 30, image_tokens: 85 });
  });
});
