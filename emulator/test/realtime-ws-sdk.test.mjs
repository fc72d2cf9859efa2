// The official @openai/agents-realtime client (0.14.3) against the emulator's /v1/realtime WebSocket,
// with ek_ secrets minted by the emulator's own POST /v1/realtime/client_secrets.
import { OpenAIRealtimeWebSocket, RealtimeAgent, RealtimeSession, tool } from '@openai/agents-realtime';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCRIPT } from '../lib/realtime/conversation-script.mjs';
import { mint, sleep, startRealtime, utterance, wsUrl } from './realtime-ws-helpers.mjs';

const MODEL = 'gpt-realtime-2.1';

/** Poll until pred() holds. */
async function until(pred, timeout = 5000) {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > timeout) throw new Error('condition not met in time');
    await sleep(10);
  }
}

/** @param {Int16Array} pcm */
const buf = (pcm) => pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.byteLength);

describe('@openai/agents-realtime OpenAIRealtimeWebSocket', () => {
  /** @type {any} */ let emu;
  beforeAll(async () => {
    emu = await startRealtime();
  });
  afterAll(() => emu.close());

  it('connects with an ek_ over browser-style subprotocols, configures the session and gets a spoken reply', async () => {
    const secret = await mint(emu, { session: { type: 'realtime', model: MODEL, audio: { output: { voice: 'marin' } } } });
    const transport = new OpenAIRealtimeWebSocket({
      url: wsUrl(emu, `model=${MODEL}`),
      createWebSocket: async ({ url, apiKey }) => /** @type {any} */ (new WebSocket(url, ['realtime', `openai-insecure-api-key.${apiKey}`, 'openai-agents-sdk.0.14.3'])),
    });
    /** @type {any[]} */ const raw = [];
    /** @type {ArrayBuffer[]} */ const audio = [];
    /** @type {any[]} */ const turns = [];
    /** @type {any[]} */ const errors = [];
    transport.on('*', (e) => raw.push(e));
    transport.on('audio', (e) => audio.push(e.data));
    transport.on('turn_done', (e) => turns.push(e));
    transport.on('error', (e) => errors.push(e));
    await transport.connect({ apiKey: secret.value, model: MODEL });
    expect(transport.status).toBe('connected');
    await until(() => raw.filter((e) => e.type === 'session.updated').length >= 2);
    const updated = raw.filter((e) => e.type === 'session.updated').at(-1).session;
    // AGR's defaults (semantic VAD, transcription) merged over the minted config; the voice is kept
    expect(updated.audio.input.turn_detection).toMatchObject({ type: 'semantic_vad', interrupt_response: true, create_response: true });
    expect(updated.audio.input.transcription).toMatchObject({ model: 'gpt-4o-mini-transcribe' });
    expect(updated.audio.output.voice).toBe('marin');
    expect(updated.tracing).toBe('auto');

    transport.sendAudio(buf(utterance(400, 700)));
    await until(() => turns.length === 1);
    const reply = DEFAULT_SCRIPT[0].assistant;
    expect(turns[0].response.output[0].content[0].transcript).toBe(reply);
    const ms = audio.reduce((s, b) => s + b.byteLength / 48, 0);
    expect(ms).toBeGreaterThan(reply.length * 6 * 0.8);
    expect(turns[0].response.usage.totalTokens).toBe(turns[0].response.usage.inputTokens + turns[0].response.usage.outputTokens);
    await until(() => raw.some((e) => e.type === 'conversation.item.input_audio_transcription.completed'));
    expect(raw.find((e) => e.type === 'conversation.item.input_audio_transcription.completed').transcript).toBe(DEFAULT_SCRIPT[0].user);
    expect(errors).toEqual([]);
    transport.close();
  });
});

describe('@openai/agents-realtime RealtimeSession + RealtimeAgent', () => {
  /** @type {any} */ let emu;
  beforeAll(async () => {
    emu = await startRealtime();
  });
  afterAll(() => emu.close());

  it('runs the default coaching script; the SDK executes web_search and the coach quotes its output', async () => {
    /** @type {string[]} */ const queries = [];
    const webSearch = tool({
      name: 'web_search',
      description: 'Search the web for current facts.',
      parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'], additionalProperties: false },
      strict: true,
      execute: async (/** @type {any} */ { query }) => {
        queries.push(query);
        return JSON.stringify({ answer: 'Providers of high-risk AI systems must run a risk management system and keep human oversight. Obligations phase in from 2026.' });
      },
    });
    const agent = new RealtimeAgent({ name: 'Coach', instructions: 'You are an executive coach.', tools: [webSearch] });
    const transport = new OpenAIRealtimeWebSocket({ url: wsUrl(emu, `model=${MODEL}`) });
    const session = new RealtimeSession(agent, { transport, model: MODEL });
    /** @type {any[]} */ const errors = [];
    let done = 0;
    session.on('error', (e) => errors.push(e));
    session.on('transport_event', (e) => {
      if (e.type === 'response.done') done++;
    });
    const secret = await mint(emu);
    await session.connect({ apiKey: secret.value });

    for (let turn = 0; turn < 4; turn++) {
      const before = done;
      transport.sendAudio(buf(utterance(400, 700)));
      await until(() => done > before);
      await sleep(30);
    }
    await until(() => done >= 5); // turn 4: function call response + the spoken follow-up
    await until(() => session.history.filter((h) => h.type === 'message' && h.role === 'assistant').length === 4);
    await sleep(50);

    expect(queries).toEqual([DEFAULT_SCRIPT[3].tool?.query]);
    const messages = session.history.filter((h) => h.type === 'message');
    const text = (/** @type {any} */ h) => h.content.map((c) => c.transcript ?? c.text).join('');
    expect(messages.filter((m) => m.role === 'user').map(text)).toEqual(DEFAULT_SCRIPT.slice(0, 4).map((t) => t.user));
    const assistant = messages.filter((m) => m.role === 'assistant').map(text);
    expect(assistant.slice(0, 3)).toEqual(DEFAULT_SCRIPT.slice(0, 3).map((t) => t.assistant));
    expect(assistant[3]).toBe(`According to the search: Providers of high-risk AI systems must run a risk management system and keep human oversight. ${DEFAULT_SCRIPT[3].assistant}`);
    const call = session.history.find((h) => h.type === 'function_call');
    expect(call).toMatchObject({ name: 'web_search', status: 'completed', arguments: JSON.stringify({ query: DEFAULT_SCRIPT[3].tool?.query }) });

    const rec = emu.realtimeSessions().at(-1);
    expect(rec.events.received['conversation.item.create']).toBe(1);
    expect(rec.events.received['response.create']).toBe(1);
    expect(rec.responseLog.map((r) => r.kind)).toEqual(['audio', 'audio', 'audio', 'function_call', 'audio']);
    expect(rec.errors).toEqual([]);
    expect(errors).toEqual([]);
    session.close();
  });

  it('barge-in: the server cancels, the SDK truncates to what it played, and its history shows the cut transcript', async () => {
    emu.setRealtimeConfig({ msPerChar: 25, audioSpeed: 2 });
    try {
      const agent = new RealtimeAgent({ name: 'Coach', instructions: 'Coach.' });
      const transport = new OpenAIRealtimeWebSocket({ url: wsUrl(emu, `model=${MODEL}`) });
      const session = new RealtimeSession(agent, { transport, model: MODEL });
      let audioChunks = 0;
      let interrupted = 0;
      transport.on('audio', () => audioChunks++);
      session.on('audio_interrupted', () => interrupted++);
      const secret = await mint(emu);
      await session.connect({ apiKey: secret.value });
      transport.sendAudio(buf(utterance(400, 700)));
      await until(() => audioChunks >= 3);
      transport.sendAudio(buf(utterance(400, 700)));
      const rec = () => emu.realtimeSessions().at(-1);
      await until(() => rec().truncations.length === 1 && rec().responseLog.length >= 1);

      const r = rec();
      expect(r.responseLog[0]).toMatchObject({ status: 'cancelled', reason: 'turn_detected' });
      expect(r.events.received['response.cancel'] ?? 0).toBe(0); // interrupt_response: the server cancelled
      const t = r.truncations[0];
      expect(t.by).toBe('client');
      expect(t.audio_end_ms).toBeGreaterThan(0);
      const full = DEFAULT_SCRIPT[0].assistant;
      expect(full.startsWith(t.transcript)).toBe(true);
      expect(t.transcript.length).toBeLessThan(full.length);
      expect(interrupted).toBe(1);
      await until(() => session.history.some((h) => h.type === 'message' && h.role === 'assistant' && h.content[0]?.transcript === t.transcript));
      session.close();
    } finally {
      emu.setRealtimeConfig(null);
    }
  });
});
