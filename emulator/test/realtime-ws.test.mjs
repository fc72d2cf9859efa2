// Realtime WebSocket protocol fidelity with a raw `ws` client: session lifecycle, VAD turns,
// responses, barge-in + truncation, manual turns, text responses, function calls and errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCRIPT } from '../lib/realtime/conversation-script.mjs';
import { connect, deltaMs, indexOf, mint, sleep, startRealtime, utterance, wsUrl } from './realtime-ws-helpers.mjs';

const ID = { event: /^event_[A-Za-z0-9]{21}$/, item: /^item_[A-Za-z0-9]{21}$/, resp: /^resp_[A-Za-z0-9]{21}$/, sess: /^sess_[A-Za-z0-9]+$/ };

describe('realtime WebSocket: session lifecycle', () => {
  /** @type {any} */ let emu;
  beforeAll(async () => {
    emu = await startRealtime();
  });
  afterAll(() => emu.close());

  it('session.created carries the minted GA config with a new sess_ id, object and expires_at', async () => {
    const secret = await mint(emu, { session: { type: 'realtime', model: 'gpt-realtime-2.1', instructions: 'Coach me.', audio: { output: { voice: 'marin' } } } });
    const before = Math.floor(Date.now() / 1000);
    const c = await connect(wsUrl(emu), { protocols: ['realtime', `openai-insecure-api-key.${secret.value}`] });
    expect(c.ws.protocol).toBe('realtime');
    const created = c.events[0];
    expect(created.type).toBe('session.created');
    expect(created.event_id).toMatch(ID.event);
    const s = created.session;
    expect(s).toMatchObject({ type: 'realtime', object: 'realtime.session', model: 'gpt-realtime-2.1', instructions: 'Coach me.', output_modalities: ['audio'] });
    expect(s.id).toMatch(ID.sess);
    expect(s.id).not.toBe(secret.session.id);
    expect(s.audio.output.voice).toBe('marin');
    expect(s.expires_at).toBeGreaterThanOrEqual(before + 3600);
    expect(s.expires_at).toBeLessThanOrEqual(before + 3602);
    expect(c.events.some((e) => e.type === 'conversation.created')).toBe(false);
    c.close();
  });

  it('session.update merges a partial GA config and answers session.updated with the full config', async () => {
    const c = await connect(wsUrl(emu));
    c.send({ type: 'session.update', event_id: 'evt_1', session: { type: 'realtime', instructions: 'Be brief.', audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'high' } }, output: { voice: 'cedar' } } } });
    const u = await c.next('session.updated');
    expect(u.session.instructions).toBe('Be brief.');
    expect(u.session.audio.output).toEqual({ format: { type: 'audio/pcm', rate: 24000 }, voice: 'cedar', speed: 1 });
    expect(u.session.audio.input.turn_detection).toEqual({ type: 'semantic_vad', eagerness: 'high', create_response: true, interrupt_response: true });
    expect(u.session.id).toBe(c.events[0].session.id);
    expect(u.session.tools).toEqual([]);
    c.send({ type: 'session.update', session: { type: 'realtime', model: 'gpt-realtime-2' } });
    expect((await c.next('session.updated')).session.model).toBe('gpt-realtime-2.1');
    const rec = emu.realtimeSessions().find((r) => r.id === u.session.id);
    expect(rec.notes.join()).toMatch(/model change/);
    c.close();
  });

  it('refuses beta-shaped updates with an invalid_request_error echoing event_id; the config is unchanged', async () => {
    const c = await connect(wsUrl(emu));
    c.send({ type: 'session.update', event_id: 'evt_beta', session: { modalities: ['audio', 'text'], voice: 'ash', input_audio_format: 'pcm16' } });
    const e1 = await c.next('error');
    expect(e1.error).toMatchObject({ type: 'invalid_request_error', code: 'unknown_parameter', param: 'session.modalities', event_id: 'evt_beta' });
    c.send({ type: 'session.update', event_id: 'evt_notype', session: { instructions: 'x' } });
    expect((await c.next('error')).error).toMatchObject({ code: 'missing_required_parameter', param: 'session.type', event_id: 'evt_notype' });
    c.send({ type: 'session.update', session: { type: 'realtime', input_audio_format: 'pcm16' } });
    expect((await c.next('error')).error).toMatchObject({ code: 'unknown_parameter', param: 'session.input_audio_format', event_id: null });
    c.send({ type: 'session.update', session: { type: 'realtime', audio: { output: { voice: 'robot' } } } });
    expect((await c.next('error')).error).toMatchObject({ code: 'invalid_value', param: 'session.audio.output.voice' });
    c.send({ type: 'session.update', session: { type: 'realtime' } });
    const u = await c.next('session.updated');
    expect(u.session.audio.output.voice).toBe('alloy');
    expect(c.types().filter((t) => t === 'session.updated')).toHaveLength(1);
    c.close();
  });
});

describe('realtime WebSocket: a voice turn (server VAD)', () => {
  /** @type {any} */ let emu;
  /** @type {any} */ let c;
  beforeAll(async () => {
    emu = await startRealtime();
    const secret = await mint(emu, { session: { type: 'realtime', model: 'gpt-realtime-2.1', audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' } } } } });
    c = await connect(wsUrl(emu), { key: secret.value });
    c.appendPcm(utterance(500, 400));
    await c.next('response.done');
  });
  afterAll(() => emu.close());

  it('emits VAD, commit, user item, transcription and a full audio response in the documented order', () => {
    const ev = c.events;
    const order = ['input_audio_buffer.speech_started', 'input_audio_buffer.speech_stopped', 'input_audio_buffer.committed',
      'conversation.item.added', 'conversation.item.done', 'response.created', 'rate_limits.updated', 'response.output_item.added',
      'conversation.item.added', 'response.content_part.added', 'response.output_audio_transcript.delta', 'response.output_audio.delta',
      'response.output_audio.done', 'response.output_audio_transcript.done', 'response.content_part.done', 'conversation.item.done',
      'response.output_item.done', 'response.done'];
    let at = 0;
    for (const type of order) {
      const i = indexOf(ev, type, at);
      expect(i, `${type} after index ${at}`).toBeGreaterThanOrEqual(at);
      at = i + 1;
    }
    expect(ev.every((e) => ID.event.test(e.event_id))).toBe(true);
    for (const beta of ['response.audio.delta', 'response.audio_transcript.delta', 'response.text.delta', 'conversation.item.created'])
      expect(ev.some((e) => e.type === beta)).toBe(false);
  });

  it('VAD timings follow prefix padding and silence duration (server_vad 300 / 200 ms)', () => {
    const started = c.events.find((e) => e.type === 'input_audio_buffer.speech_started');
    const stopped = c.events.find((e) => e.type === 'input_audio_buffer.speech_stopped');
    const committed = c.events.find((e) => e.type === 'input_audio_buffer.committed');
    expect(started.item_id).toMatch(ID.item);
    expect(started.audio_start_ms).toBe(0);
    expect(stopped.audio_end_ms).toBeGreaterThanOrEqual(680);
    expect(stopped.audio_end_ms).toBeLessThanOrEqual(740);
    expect(committed).toMatchObject({ item_id: started.item_id, previous_item_id: null });
    const added = c.events.find((e) => e.type === 'conversation.item.added');
    expect(added.item).toEqual({ id: started.item_id, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] });
  });

  it('transcribes the turn as the scripted user line (deltas + completed with usage)', async () => {
    const done = await c.next('conversation.item.input_audio_transcription.completed');
    const deltas = c.events.filter((e) => e.type === 'conversation.item.input_audio_transcription.delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((d) => d.delta).join('')).toBe(DEFAULT_SCRIPT[0].user);
    expect(done).toMatchObject({ content_index: 0, transcript: DEFAULT_SCRIPT[0].user });
    expect(done.usage).toMatchObject({ type: 'tokens', input_token_details: { text_tokens: 0 } });
    expect(done.usage.total_tokens).toBe(done.usage.input_tokens + done.usage.output_tokens);
    c.send({ type: 'conversation.item.retrieve', item_id: done.item_id });
    const r = await c.next('conversation.item.retrieved');
    expect(r.item.content[0]).toEqual({ type: 'input_audio', transcript: DEFAULT_SCRIPT[0].user });
  });

  it('speaks the scripted reply: transcript deltas word by word, PCM16 audio deltas of plausible length, usage', () => {
    const done = c.events.find((e) => e.type === 'response.done').response;
    const reply = DEFAULT_SCRIPT[0].assistant;
    const tdeltas = c.events.filter((e) => e.type === 'response.output_audio_transcript.delta');
    expect(tdeltas.map((d) => d.delta).join('')).toBe(reply);
    expect(tdeltas.length).toBe(reply.split(' ').length);
    const audio = c.events.filter((e) => e.type === 'response.output_audio.delta');
    const ms = deltaMs(audio);
    expect(ms).toBeGreaterThan(reply.length * 6 * 0.8);
    expect(ms).toBeLessThan(reply.length * 6 * 1.3);
    expect(c.events.find((e) => e.type === 'response.output_audio_transcript.done').transcript).toBe(reply);
    expect(done).toMatchObject({ object: 'realtime.response', status: 'completed', status_details: null, output_modalities: ['audio'],
      audio: { output: { voice: 'alloy', format: { type: 'audio/pcm', rate: 24000 } } } });
    expect(done.id).toMatch(ID.resp);
    expect(done.conversation_id).toMatch(/^conv_/);
    expect(done.output).toHaveLength(1);
    expect(done.output[0]).toMatchObject({ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_audio', transcript: reply }] });
    const u = done.usage;
    expect(u.total_tokens).toBe(u.input_tokens + u.output_tokens);
    expect(u.input_tokens).toBe(u.input_token_details.text_tokens + u.input_token_details.audio_tokens);
    expect(u.output_tokens).toBe(u.output_token_details.text_tokens + u.output_token_details.audio_tokens);
    expect(u.output_token_details.audio_tokens).toBe(Math.ceil(ms / 50));
    expect(u.input_token_details.audio_tokens).toBeGreaterThan(0);
    expect(u.input_token_details.cached_tokens).toBe(0);
    const rl = c.events[indexOf(c.events, 'response.created') + 1];
    expect(rl.type).toBe('rate_limits.updated');
    expect(rl.rate_limits.map((x) => x.name)).toEqual(['requests', 'tokens']);
  });

  it('records the session for tests (transport, events by type, responses, turns)', async () => {
    const res = await fetch(`${emu.url}/__emulator/realtime/sessions`);
    const { sessions } = await res.json();
    expect(sessions).toHaveLength(1);
    const s = sessions[0];
    expect(s).toMatchObject({ transport: 'websocket', type: 'realtime', model: 'gpt-realtime-2.1', endedAt: null, responses: { created: 1, completed: 1 } });
    expect(s.events.received['input_audio_buffer.append']).toBeGreaterThan(5);
    expect(s.events.sent['response.done']).toBe(1);
    expect(s.userTurns[0]).toMatchObject({ turn: 0, transcript: DEFAULT_SCRIPT[0].user });
    expect(s.responseLog[0]).toMatchObject({ status: 'completed', kind: 'audio', text: DEFAULT_SCRIPT[0].assistant });
    expect(emu.stats().counts.realtime).toBe(1);
    expect(emu.stats().realtime.sessions).toHaveLength(1);
  });
});

describe('realtime WebSocket: barge-in, cancel and truncate', () => {
  /** @type {any} */ let emu;
  beforeAll(async () => {
    // Slower speech so the client can interrupt mid-response.
    emu = await startRealtime({ realtimeConfig: { msPerChar: 25, audioSpeed: 3 } });
  });
  afterAll(() => emu.close());

  it('speech during a response cancels it (turn_detected); truncate cuts the stored transcript to what was heard', async () => {
    const c = await connect(wsUrl(emu));
    c.appendPcm(utterance(400, 300));
    const first = await c.next('response.created');
    for (let i = 0; i < 4; i++) await c.next('response.output_audio.delta');
    const audioBefore = c.events.filter((e) => e.type === 'response.output_audio.delta');
    const heard = Math.floor(deltaMs(audioBefore) / 2);
    c.appendPcm(utterance(400, 300));
    const started = await c.next('input_audio_buffer.speech_started');
    const done = await c.next('response.done');
    expect(done.response).toMatchObject({ id: first.response.id, status: 'cancelled', status_details: { type: 'cancelled', reason: 'turn_detected' } });
    expect(indexOf(c.events, 'response.done')).toBeGreaterThan(c.events.indexOf(started));
    expect(done.response.output[0].status).toBe('incomplete');
    const itemId = done.response.output[0].id;
    const sentWords = c.events.filter((e) => e.type === 'response.output_audio_transcript.delta' && e.response_id === first.response.id).length;
    expect(sentWords).toBeLessThan(DEFAULT_SCRIPT[0].assistant.split(' ').length);

    c.send({ type: 'conversation.item.truncate', event_id: 'evt_tr', item_id: itemId, content_index: 0, audio_end_ms: heard });
    const tr = await c.next('conversation.item.truncated');
    expect(tr).toMatchObject({ item_id: itemId, content_index: 0, audio_end_ms: heard });
    c.send({ type: 'conversation.item.retrieve', item_id: itemId });
    const got = (await c.next('conversation.item.retrieved')).item;
    const transcript = got.content[0].transcript;
    // 25 ms per character: the words that fit in `heard` ms
    const words = DEFAULT_SCRIPT[0].assistant.split(' ');
    let t = 0;
    const fit = [];
    for (const w of words) {
      if (t + w.length * 25 > heard) break;
      fit.push(w);
      t += (w.length + 1) * 25;
    }
    expect(transcript).toBe(fit.join(' '));
    expect(transcript.length).toBeGreaterThan(0);

    // the new turn is answered with the next scripted line
    const second = await c.next('response.done', (e) => e.response.status === 'completed', 8000);
    expect(second.response.output[0].content[0].transcript).toBe(DEFAULT_SCRIPT[1].assistant);
    const rec = emu.realtimeSessions().at(-1);
    expect(rec.truncations).toEqual([{ item_id: itemId, content_index: 0, audio_end_ms: heard, transcript, by: 'client' }]);
    expect(rec.responses).toMatchObject({ created: 2, cancelled: 1, completed: 1 });
    c.close();
  });

  it('truncate errors: unknown item, a user item, beyond the audio (of a max_output_tokens-limited response)', async () => {
    const c = await connect(wsUrl(emu));
    c.send({ type: 'conversation.item.truncate', event_id: 'e1', item_id: 'item_nope', content_index: 0, audio_end_ms: 10 });
    expect((await c.next('error')).error).toMatchObject({ type: 'invalid_request_error', code: 'item_truncate_invalid_item_id', param: 'item_id', event_id: 'e1' });
    c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello coach' }] } });
    const user = (await c.next('conversation.item.done')).item;
    c.send({ type: 'conversation.item.truncate', event_id: 'e2', item_id: user.id, content_index: 0, audio_end_ms: 0 });
    expect((await c.next('error')).error).toMatchObject({ code: 'invalid_value', message: 'Only model output audio messages can be truncated', event_id: 'e2' });
    c.send({ type: 'response.create', response: { max_output_tokens: 40 } });
    const done = await c.next('response.done');
    expect(done.response).toMatchObject({ status: 'incomplete', status_details: { type: 'incomplete', reason: 'max_output_tokens' }, max_output_tokens: 40 });
    expect(done.response.usage.output_tokens).toBeLessThanOrEqual(40);
    const item = done.response.output[0];
    expect(item.status).toBe('incomplete');
    c.send({ type: 'conversation.item.truncate', event_id: 'e3', item_id: item.id, content_index: 0, audio_end_ms: 999999 });
    const err = (await c.next('error')).error;
    expect(err).toMatchObject({ code: 'invalid_value', param: 'audio_end_ms', event_id: 'e3' });
    expect(err.message).toMatch(/^Audio content of \d+ms is already shorter than 999999ms$/);
    c.close();
  });

  it('response.cancel: cancels the active response (client_cancelled); with nothing active it is an error', async () => {
    const c = await connect(wsUrl(emu));
    c.send({ type: 'response.cancel', event_id: 'c0' });
    expect((await c.next('error')).error).toMatchObject({ code: 'response_cancel_not_active', event_id: 'c0' });
    c.send({ type: 'response.create', event_id: 'r1' });
    const created = await c.next('response.created');
    c.send({ type: 'response.create', event_id: 'r2' });
    const busy = await c.next('error');
    expect(busy.error).toMatchObject({ type: 'invalid_request_error', code: 'conversation_already_has_active_response', event_id: 'r2' });
    expect(busy.error.message).toContain(created.response.id);
    await c.next('response.output_audio.delta');
    c.send({ type: 'response.cancel', response_id: created.response.id });
    const done = await c.next('response.done');
    expect(done.response).toMatchObject({ id: created.response.id, status: 'cancelled', status_details: { type: 'cancelled', reason: 'client_cancelled' } });
    const i = indexOf(c.events, 'response.done');
    expect(c.events.slice(i - 5, i).map((e) => e.type)).toEqual(['response.output_audio.done', 'response.output_audio_transcript.done',
      'response.content_part.done', 'conversation.item.done', 'response.output_item.done']);
    await sleep(50);
    expect(c.events.slice(i + 1).filter((e) => e.response_id === created.response.id)).toEqual([]);
    c.close();
  });
});

describe('realtime WebSocket: manual turns, text, conversation items', () => {
  /** @type {any} */ let emu;
  beforeAll(async () => {
    emu = await startRealtime();
  });
  afterAll(() => emu.close());

  it('turn_detection null: no VAD events; commit (empty → error), clear, and no automatic response', async () => {
    const c = await connect(wsUrl(emu));
    c.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } } } });
    expect((await c.next('session.updated')).session.audio.input.turn_detection).toBeNull();
    c.send({ type: 'input_audio_buffer.commit', event_id: 'm1' });
    const empty = await c.next('error');
    expect(empty.error).toMatchObject({ code: 'input_audio_buffer_commit_empty', event_id: 'm1' });
    expect(empty.error.message).toMatch(/Expected at least 100ms of audio, but buffer only has 0\.00ms/);
    c.appendPcm(utterance(300, 200));
    c.send({ type: 'input_audio_buffer.clear' });
    await c.next('input_audio_buffer.cleared');
    c.send({ type: 'input_audio_buffer.commit', event_id: 'm2' });
    expect((await c.next('error')).error.code).toBe('input_audio_buffer_commit_empty');
    c.appendPcm(utterance(300, 200));
    c.send({ type: 'input_audio_buffer.commit' });
    const committed = await c.next('input_audio_buffer.committed');
    expect(committed.item_id).toMatch(ID.item);
    await c.next('conversation.item.done');
    await sleep(80);
    expect(c.types().some((t) => t.startsWith('input_audio_buffer.speech'))).toBe(false);
    expect(c.types()).not.toContain('response.created');
    c.send({ type: 'response.create' });
    const done = await c.next('response.done');
    expect(done.response.output[0].content[0].transcript).toBe(DEFAULT_SCRIPT[0].assistant);
    c.close();
  });

  it('a user text item + response.create with output_modalities ["text"] gives output_text events only', async () => {
    const c = await connect(wsUrl(emu));
    c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'I want to rehearse my board pitch.' }] } });
    const added = await c.next('conversation.item.added');
    expect(added.item).toMatchObject({ type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'I want to rehearse my board pitch.' }] });
    expect(added.item.id).toMatch(ID.item);
    await c.next('conversation.item.done');
    c.send({ type: 'response.create', response: { output_modalities: ['text'], instructions: 'Answer in text.' } });
    const done = await c.next('response.done');
    const types = c.types();
    expect(types.some((t) => t.startsWith('response.output_audio'))).toBe(false);
    const deltas = c.events.filter((e) => e.type === 'response.output_text.delta');
    expect(deltas.map((d) => d.delta).join('')).toBe(DEFAULT_SCRIPT[0].assistant);
    expect((await c.next('response.output_text.done')).text).toBe(DEFAULT_SCRIPT[0].assistant);
    expect(c.events.find((e) => e.type === 'response.content_part.added').part).toEqual({ type: 'text', text: '' });
    expect(done.response.output_modalities).toEqual(['text']);
    expect(done.response.output[0].content).toEqual([{ type: 'output_text', text: DEFAULT_SCRIPT[0].assistant }]);
    expect(done.response.usage.output_token_details.audio_tokens).toBe(0);
    // the override applied to that response only
    c.send({ type: 'response.create' });
    const second = await c.next('response.done');
    expect(second.response.output_modalities).toEqual(['audio']);
    c.close();
  });

  it('out-of-band responses (conversation "none") run alongside the active one and stay out of the conversation', async () => {
    const c = await connect(wsUrl(emu));
    c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hello.' }] } });
    c.send({ type: 'response.create' });
    const main = await c.next('response.created');
    c.send({ type: 'response.create', response: { conversation: 'none', output_modalities: ['text'], metadata: { purpose: 'summary' } } });
    const oob = await c.next('response.done', (e) => e.response.conversation_id === null);
    expect(oob.response).toMatchObject({ status: 'completed', metadata: { purpose: 'summary' }, output_modalities: ['text'] });
    expect(oob.response.id).not.toBe(main.response.id);
    const oobItem = oob.response.output[0].id;
    expect(c.events.some((e) => e.type === 'conversation.item.added' && e.item.id === oobItem)).toBe(false);
    const done = await c.next('response.done', (e) => e.response.id === main.response.id);
    // the out-of-band response did not consume the scripted turn
    expect(done.response.output[0].content[0].transcript).toBe(DEFAULT_SCRIPT[0].assistant);
    expect(oob.response.output[0].content[0].text.length).toBeGreaterThan(10);
    expect(emu.realtimeSessions().at(-1).responses).toMatchObject({ created: 2, completed: 2 });
    c.close();
  });

  it('transcription sessions (?intent=transcription) transcribe turns but never respond', async () => {
    const c = await connect(wsUrl(emu, 'intent=transcription'));
    expect(c.events[0].session).toMatchObject({ type: 'transcription', object: 'realtime.transcription_session' });
    c.appendPcm(utterance(300, 300));
    const t = await c.next('conversation.item.input_audio_transcription.completed');
    expect(t.transcript).toBe(DEFAULT_SCRIPT[0].user);
    c.send({ type: 'response.create', event_id: 't1' });
    expect((await c.next('error')).error).toMatchObject({ event_id: 't1' });
    expect(c.types()).not.toContain('response.created');
    c.close();
  });

  it('conversation.item.create / retrieve / delete, previous_item_id and their errors', async () => {
    const c = await connect(wsUrl(emu));
    c.send({ type: 'conversation.item.create', item: { id: 'item_custom1', type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Context.' }] } });
    expect((await c.next('conversation.item.added')).previous_item_id).toBeNull();
    c.send({ type: 'conversation.item.create', previous_item_id: 'root', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'First.' }] } });
    const first = await c.next('conversation.item.added', (e) => e.item.role === 'user');
    expect(first.previous_item_id).toBeNull();
    c.send({ type: 'conversation.item.create', event_id: 'x1', previous_item_id: 'item_missing', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'x' }] } });
    expect((await c.next('error')).error).toMatchObject({ code: 'item_create_invalid_previous_item_id', event_id: 'x1' });
    c.send({ type: 'conversation.item.create', event_id: 'x2', item: { type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: 'hi' }] } });
    expect((await c.next('error')).error).toMatchObject({ code: 'invalid_value', param: 'item.content[0].type', event_id: 'x2' });
    c.send({ type: 'conversation.item.create', event_id: 'x3', item: { type: 'function_call_output', output: 'x' } });
    expect((await c.next('error')).error).toMatchObject({ code: 'missing_required_parameter', param: 'item.call_id' });
    c.send({ type: 'conversation.item.retrieve', item_id: 'item_custom1' });
    expect((await c.next('conversation.item.retrieved')).item).toEqual({ id: 'item_custom1', object: 'realtime.item', type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Context.' }], status: 'completed' });
    c.send({ type: 'conversation.item.delete', item_id: 'item_custom1' });
    expect(await c.next('conversation.item.deleted')).toMatchObject({ item_id: 'item_custom1' });
    c.send({ type: 'conversation.item.retrieve', event_id: 'x4', item_id: 'item_custom1' });
    expect((await c.next('error')).error).toMatchObject({ code: 'item_retrieve_invalid_item_id', param: 'item_id', event_id: 'x4' });
    c.send({ type: 'conversation.item.delete', event_id: 'x5', item_id: 'item_custom1' });
    expect((await c.next('error')).error).toMatchObject({ code: 'item_delete_invalid_item_id', event_id: 'x5' });
    c.close();
  });
});

describe('realtime WebSocket: web_search function call round trip (raw)', () => {
  const SCRIPT = [{ user: 'What does the EU AI Act require?', assistant: 'Put that in your deck.', tool: { name: 'web_search', query: 'EU AI Act obligations' } }];
  const TOOLS = [{ type: 'function', name: 'web_search', description: 'Search the web', parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] } }];
  /** @type {any} */ let emu;
  beforeAll(async () => {
    emu = await startRealtime({ realtimeScript: SCRIPT });
  });
  afterAll(() => emu.close());

  it('calls web_search with the scripted query, then quotes the tool output', async () => {
    const c = await connect(wsUrl(emu));
    c.send({ type: 'session.update', session: { type: 'realtime', tools: TOOLS, tool_choice: 'auto' } });
    await c.next('session.updated');
    c.appendPcm(utterance(400, 400));
    const done = await c.next('response.done');
    expect(done.response.status).toBe('completed');
    const call = done.response.output[0];
    expect(call).toMatchObject({ type: 'function_call', name: 'web_search', status: 'completed', arguments: '{"query":"EU AI Act obligations"}' });
    expect(call.call_id).toMatch(/^call_/);
    const added = c.events.find((e) => e.type === 'response.output_item.added');
    expect(added.item).toMatchObject({ type: 'function_call', status: 'in_progress', arguments: '', call_id: call.call_id });
    const deltas = c.events.filter((e) => e.type === 'response.function_call_arguments.delta');
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.every((d) => d.call_id === call.call_id && d.item_id === call.id)).toBe(true);
    expect(deltas.map((d) => d.delta).join('')).toBe(call.arguments);
    expect(c.events.find((e) => e.type === 'response.function_call_arguments.done')).toMatchObject({ call_id: call.call_id, name: 'web_search', arguments: call.arguments });
    expect(c.types()).not.toContain('response.output_audio.delta');

    c.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: call.call_id, output: JSON.stringify({ answer: 'High-risk AI systems need risk management and human oversight ([policy.example.org](https://policy.example.org/x)). Second sentence.' }) } });
    const out = await c.next('conversation.item.added', (e) => e.item.type === 'function_call_output');
    expect(out.previous_item_id).toBe(call.id);
    c.send({ type: 'response.create' });
    const next = await c.next('response.done', (e) => e.response.id !== done.response.id);
    expect(next.response.output[0].content[0].transcript).toBe('According to the search: High-risk AI systems need risk management and human oversight. Put that in your deck.');
    c.close();
  });

  it('without the tool declared the scripted turn is answered directly', async () => {
    const c = await connect(wsUrl(emu));
    c.appendPcm(utterance(400, 400));
    const done = await c.next('response.done');
    expect(done.response.output[0]).toMatchObject({ type: 'message', content: [{ type: 'output_audio', transcript: 'Put that in your deck.' }] });
    c.close();
  });
});

describe('realtime WebSocket: bad input never breaks the session', () => {
  /** @type {any} */ let emu;
  beforeAll(async () => {
    emu = await startRealtime();
  });
  afterAll(() => emu.close());

  it('invalid JSON, unknown types, unknown fields, bad audio and WebRTC-only events give error events', async () => {
    const c = await connect(wsUrl(emu));
    c.send('{not json');
    expect((await c.next('error')).error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json', event_id: null });
    c.send({ type: 'response.audio.delta', event_id: 'u1' });
    const unknown = (await c.next('error')).error;
    expect(unknown).toMatchObject({ code: 'invalid_value', param: 'type', event_id: 'u1' });
    expect(unknown.message).toMatch(/^Invalid value: 'response.audio.delta'. Supported values are: 'session.update', /);
    c.send({ type: 'response.cancel', event_id: 'u2', foo: 1 });
    expect((await c.next('error')).error).toMatchObject({ code: 'unknown_parameter', param: 'foo', event_id: 'u2' });
    c.send({ type: 'input_audio_buffer.append', event_id: 'u3', audio: 'not base64!' });
    expect((await c.next('error')).error).toMatchObject({ code: 'invalid_value', param: 'audio', event_id: 'u3' });
    c.send({ type: 'input_audio_buffer.append', event_id: 'u4', audio: Buffer.from([1, 2, 3]).toString('base64') });
    expect((await c.next('error')).error).toMatchObject({ code: 'invalid_value', param: 'audio', event_id: 'u4' });
    c.send({ type: 'output_audio_buffer.clear', event_id: 'u5' });
    expect((await c.next('error')).error).toMatchObject({ code: 'invalid_value', event_id: 'u5' });
    c.send([1, 2]);
    expect((await c.next('error')).error.code).toBe('invalid_event');
    c.send({ event_id: 'u6' });
    expect((await c.next('error')).error).toMatchObject({ code: 'missing_required_parameter', param: 'type', event_id: 'u6' });
    c.close();
  });

  it('survives a burst of random garbage and still answers', async () => {
    const c = await connect(wsUrl(emu));
    const types = ['session.update', 'input_audio_buffer.append', 'conversation.item.create', 'conversation.item.truncate', 'response.create',
      'response.cancel', 'conversation.item.delete', 'input_audio_buffer.commit', '__proto__', 'constructor', 'x'.repeat(500)];
    const values = [null, 0, -1, 1e308, 'x', '', [], {}, { type: 'realtime' }, [null], { __proto__: { a: 1 } }, 'AAAA', true];
    let seed = 7;
    const rnd = (n) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 300; i++) {
      const ev = { type: types[rnd(types.length)] };
      for (const k of ['session', 'audio', 'item', 'item_id', 'content_index', 'audio_end_ms', 'response', 'previous_item_id']) if (rnd(3) === 0) ev[k] = values[rnd(values.length)];
      c.send(rnd(10) === 0 ? JSON.stringify(ev).slice(0, rnd(20)) : ev);
    }
    c.send({ type: 'session.update', event_id: 'final', session: { type: 'realtime', instructions: 'still alive' } });
    const u = await c.next('session.updated', (e) => e.session.instructions === 'still alive', 8000);
    expect(u.session.instructions).toBe('still alive');
    expect(c.ws.readyState).toBe(1);
    const errors = c.events.filter((e) => e.type === 'error');
    expect(errors.length).toBeGreaterThan(100);
    expect(errors.every((e) => e.error.type === 'invalid_request_error' || e.error.type === 'server_error')).toBe(true);
    expect(errors.filter((e) => e.error.type === 'server_error')).toEqual([]);
    c.close();
  });
});
