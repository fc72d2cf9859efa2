import { describe, expect, it } from 'vitest';
import type { ApiResult, SearchResponse } from '../../../src/lib/voice-agent/types/api';
import type { ClientEvent, ItemCreateEvent } from '../../../src/lib/voice-agent/realtime/realtime-events';
import { createResponseTracker } from '../../../src/lib/voice-agent/realtime/response-tracker';
import { createToolRunner, readQuery, type ToolNotice } from '../../../src/lib/voice-agent/realtime/tool-runner';
import { functionCallItem, S, wire } from './realtime-test-support';

const ANSWER: SearchResponse = {
  answer: 'The EU AI Act applies in stages from 2025 to 2027.',
  citations: [
    { title: 'EU AI Act overview', url: 'https://example.eu/ai-act' },
    { title: 'Timeline', url: '/knowledge/eu-ai-act' },
  ],
  provider: 'knowledge',
  cached: false,
  stale: false,
};
const ok = (data: SearchResponse): ApiResult<SearchResponse> => ({ ok: true, data, meta: { status: 200, clockSkewMs: 0 } });

/** A search whose answers the test releases by hand. */
function manualSearch() {
  const calls: Array<{ query: string; resolve: (r: ApiResult<SearchResponse>) => void }> = [];
  const search = (query: string) => new Promise<ApiResult<SearchResponse>>((resolve) => calls.push({ query, resolve }));
  return { calls, search };
}

function setup(search: (q: string) => Promise<ApiResult<SearchResponse>>) {
  const sent: ClientEvent[] = [];
  const notices: ToolNotice[] = [];
  const tracker = createResponseTracker((e) => sent.push(e));
  const runner = createToolRunner({ send: (e) => sent.push(e), search, requestResponse: () => tracker.requestResponse(), notify: (n) => notices.push(n) });
  const play = (events: Array<Record<string, unknown>>) =>
    wire(events).forEach((e) => {
      tracker.handle(e);
      runner.handle(e);
    });
  const outputs = () =>
    sent.filter((e): e is ItemCreateEvent => e.type === 'conversation.item.create').map((e) => ({ callId: e.item.call_id, output: JSON.parse(e.item.output ?? '') }));
  const types = () => sent.map((e) => e.type);
  return { sent, notices, tracker, runner, play, outputs, types };
}

/** §5: the model calls a function inside response `resp`. */
function callEvents(resp: string, callId: string, args: string, name = 'web_search') {
  const item = `item_${callId}`;
  return [
    S.responseCreated(resp),
    S.outputItem('added', resp, functionCallItem(item, callId, name, '', 'in_progress')),
    S.argumentsDelta(resp, item, callId, args.slice(0, 5)),
    S.argumentsDelta(resp, item, callId, args.slice(5)),
    S.argumentsDone(resp, item, callId, name, args),
    S.outputItem('done', resp, functionCallItem(item, callId, name, args)),
  ];
}

describe('tool runner: web_search round trip', () => {
  it('searches once, returns compact JSON, and asks for the reply only after the calling response is done', async () => {
    const { calls, search } = manualSearch();
    const { play, runner, outputs, types, notices } = setup(search);
    const args = '{"query":"EU AI Act timeline"}';
    play(callEvents('resp_1', 'call_1', args));
    expect(calls.map((c) => c.query)).toEqual(['EU AI Act timeline']);
    expect(notices).toEqual([{ kind: 'search-started', callId: 'call_1', query: 'EU AI Act timeline' }]);

    calls[0].resolve(ok(ANSWER));
    await runner.idle();
    expect(outputs()).toEqual([
      { callId: 'call_1', output: { answer: ANSWER.answer, sources: ANSWER.citations, provider: 'knowledge' } },
    ]);
    expect(types()).not.toContain('response.create'); // resp_1 is still active

    play([S.responseDone('resp_1', 'completed', [functionCallItem('item_call_1', 'call_1', 'web_search', args)])]);
    expect(types()).toEqual(['conversation.item.create', 'response.create']);
    expect(calls).toHaveLength(1); // the call seen three times ran once
    expect(notices[1]).toEqual({ kind: 'search-finished', callId: 'call_1', query: 'EU AI Act timeline', result: ANSWER });
  });

  it('requests the reply at once when the search finishes after the calling response', async () => {
    const { play, runner, types } = setup(async () => ok({ ...ANSWER, stale: true }));
    play([...callEvents('resp_1', 'call_1', '{"query":"q"}'), S.responseDone('resp_1', 'completed')]);
    await runner.idle();
    expect(types()).toEqual(['conversation.item.create', 'response.create']);
  });

  it('marks stale answers and keeps at most five sources, title and url only', async () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ title: `T${i}`, url: `https://s${i}.example` }));
    const { play, runner, outputs } = setup(async () => ok({ ...ANSWER, stale: true, cached: true, citations: many }));
    play(callEvents('resp_1', 'call_1', '{"query":"q"}'));
    await runner.idle();
    const [{ output }] = outputs();
    expect(output).toEqual({ answer: ANSWER.answer, sources: many.slice(0, 5), stale: true, provider: 'knowledge' });
  });

  it('returns one reply request for several calls in one response, after all outputs', async () => {
    const { calls, search } = manualSearch();
    const { play, runner, types } = setup(search);
    play([...callEvents('resp_1', 'call_a', '{"query":"a"}'), ...callEvents('resp_1', 'call_b', '{"query":"b"}').slice(1), S.responseDone('resp_1', 'completed')]);
    calls[1].resolve(ok(ANSWER));
    await Promise.resolve();
    await Promise.resolve();
    expect(types()).not.toContain('response.create');
    calls[0].resolve(ok(ANSWER));
    await runner.idle();
    expect(types()).toEqual(['conversation.item.create', 'conversation.item.create', 'response.create']);
  });
});

describe('tool runner: failures become outputs the model can speak', () => {
  it('reports a failed search in plain words and still asks for the reply', async () => {
    const { play, runner, outputs, types, notices } = setup(async () => ({ ok: false, error: { kind: 'timeout', message: 'timed out after 20000 ms' } }));
    play([...callEvents('resp_1', 'call_1', '{"query":"market size"}'), S.responseDone('resp_1', 'completed')]);
    await runner.idle();
    expect(outputs()).toEqual([{ callId: 'call_1', output: { error: 'The search took too long and was stopped.' } }]);
    expect(types()).toContain('response.create');
    expect(notices[1]).toMatchObject({ kind: 'search-finished', callId: 'call_1', failure: { kind: 'timeout' } });
  });

  it('maps rate limiting and a rejected search to an error output', async () => {
    let n = 0;
    const { play, runner, outputs } = setup(async () => {
      n += 1;
      if (n === 1) return { ok: false, error: { kind: 'http', status: 429, code: 'RATE_LIMITED', message: 'slow down' } };
      throw new Error('boom');
    });
    play([...callEvents('resp_1', 'call_1', '{"query":"a"}'), ...callEvents('resp_2', 'call_2', '{"query":"b"}')]);
    await runner.idle();
    expect(outputs().map((o) => o.output.error)).toEqual([
      'Too many searches just now; try again in a minute.',
      'The search service could not be reached.',
    ]);
  });

  it('answers bad argument JSON with an error output, without searching or throwing', async () => {
    let searched = 0;
    const { play, runner, outputs, types, notices } = setup(async () => {
      searched += 1;
      return ok(ANSWER);
    });
    play([...callEvents('resp_1', 'call_1', '{"query": "EU AI'), ...callEvents('resp_2', 'call_2', '{"q":"x"}'), S.responseDone('resp_2', 'completed')]);
    await runner.idle();
    expect(searched).toBe(0);
    expect(outputs().map((o) => Object.keys(o.output))).toEqual([['error'], ['error']]);
    expect(notices.map((n) => n.kind)).toEqual(['tool-failed', 'tool-failed']);
    expect(types().filter((t) => t === 'response.create')).toHaveLength(1);
  });

  it('answers an unknown tool with {error: "unknown tool"}', async () => {
    const { play, runner, outputs } = setup(async () => ok(ANSWER));
    play(callEvents('resp_1', 'call_1', '{}', 'book_flight'));
    await runner.idle();
    expect(outputs()).toEqual([{ callId: 'call_1', output: { error: 'unknown tool' } }]);
  });

  it('sends the output but asks for no reply when the calling response was cancelled (barge-in)', async () => {
    const { play, runner, types } = setup(async () => ok(ANSWER));
    play([...callEvents('resp_1', 'call_1', '{"query":"q"}'), S.responseDone('resp_1', 'cancelled', [], undefined, 'turn_detected')]);
    await runner.idle();
    expect(types()).toEqual(['conversation.item.create']);
  });

  it('runs a call found only in response.done, but not an incomplete one', async () => {
    const { play, runner, outputs } = setup(async () => ok(ANSWER));
    play([
      S.responseCreated('resp_1'),
      S.responseDone('resp_1', 'completed', [
        functionCallItem('item_1', 'call_1', 'web_search', '{"query":"q"}'),
        functionCallItem('item_2', 'call_2', 'web_search', '{"query":"half', 'incomplete'),
      ]),
    ]);
    await runner.idle();
    expect(outputs().map((o) => o.callId)).toEqual(['call_1']);
  });

  it('sends nothing after dispose', async () => {
    const { calls, search } = manualSearch();
    const { play, runner, sent } = setup(search);
    play([...callEvents('resp_1', 'call_1', '{"query":"q"}'), S.responseDone('resp_1', 'completed')]);
    runner.dispose();
    calls[0].resolve(ok(ANSWER));
    await runner.idle();
    expect(sent).toEqual([]);
  });
});

describe('readQuery', () => {
  it('reads a trimmed, capped query or null', () => {
    expect(readQuery('{"query":"  EU AI Act  "}')).toBe('EU AI Act');
    expect(readQuery(JSON.stringify({ query: 'x'.repeat(600) }))?.length).toBe(500);
    for (const bad of ['', 'null', '[]', '"q"', '{"query":""}', '{"query":"   "}', '{"query":3}', '{query:"x"}']) expect(readQuery(bad)).toBeNull();
  });
});
