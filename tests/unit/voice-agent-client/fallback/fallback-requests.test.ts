import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRequestRunner } from '../../../../src/lib/voice-agent/fallback/fallback-requests';
import type { ApiFailure, ApiResult } from '../../../../src/lib/voice-agent/types/api';
import { credential, fail, fakeTokens, ok } from './fallback-test-support';

const expired: ApiFailure = { kind: 'http', status: 401, code: 'token_expired', message: 'The token has expired.' };
const limited: ApiFailure = { kind: 'http', status: 429, code: 'rate_limited', message: 'Too many requests right now.', retryAfterSeconds: 4 };

function setup() {
  const tokens = fakeTokens();
  const seen: string[] = [];
  const waits: Array<[string, number]> = [];
  let over = 0;
  const run = createRequestRunner({
    tokens,
    onCredential: (c) => seen.push(c.sessionId),
    onWaiting: (failure, retryAt) => waits.push([failure.message, retryAt]),
    onWaitOver: () => over++,
  });
  return { run, tokens, seen, waits, over: () => over };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('request runner', () => {
  it('renews an expired token once and tries again with the new one', async () => {
    const { run, tokens } = setup();
    const used: string[] = [];
    const request = vi.fn(async (token: string): Promise<ApiResult<string>> => {
      used.push(token);
      return used.length === 1 ? fail(expired) : ok('text');
    });
    expect(await run(request, { signal: new AbortController().signal })).toMatchObject({ ok: true, data: 'text' });
    expect(used).toEqual(['fb_token_1', 'fb_token_2']);
    expect(tokens.renew).toHaveBeenCalledTimes(1);

    // Refused again after the renewal: the failure is the caller's.
    const always = vi.fn(async (): Promise<ApiResult<string>> => fail(expired));
    expect(await run(always, { signal: new AbortController().signal })).toEqual({ ok: false, error: expired });
    expect(always).toHaveBeenCalledTimes(2);
  });

  it('follows a new session id when the old session was gone', async () => {
    const tokens = fakeTokens({ renew: () => credential(9, { sessionId: 'session-2' }) });
    const seen: string[] = [];
    const run = createRequestRunner({ tokens, onCredential: (c) => seen.push(c.sessionId), onWaiting: () => undefined, onWaitOver: () => undefined });
    const gone: ApiFailure = { kind: 'http', status: 404, code: 'session_not_found', message: 'Session not found.' };
    let calls = 0;
    const result = await run(async () => (++calls === 1 ? fail(gone) : ok(1)), { signal: new AbortController().signal });
    expect(result.ok).toBe(true);
    expect(seen).toEqual(['session-1', 'session-2']);
  });

  it('waits out a rate limit (Retry-After), then goes again', async () => {
    const { run, waits, over } = setup();
    let calls = 0;
    const pending = run(async () => (++calls === 1 ? fail(limited) : ok('done')), { signal: new AbortController().signal });
    await vi.advanceTimersByTimeAsync(0);
    expect(waits).toEqual([['Too many requests right now.', Date.now() + 4_000]]);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(await pending).toMatchObject({ ok: true, data: 'done' });
    expect(over()).toBe(1);
  });

  it('gives up after a few waits, at once without retryWhenBusy, and when aborted', async () => {
    const { run, waits } = setup();
    const busy = vi.fn(async (): Promise<ApiResult<string>> => fail(limited));
    const pending = run(busy, { signal: new AbortController().signal });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await pending).toEqual({ ok: false, error: limited });
    expect(busy).toHaveBeenCalledTimes(4);

    const once = vi.fn(async (): Promise<ApiResult<string>> => fail(limited));
    expect(await run(once, { signal: new AbortController().signal, retryWhenBusy: false })).toEqual({ ok: false, error: limited });
    expect(once).toHaveBeenCalledTimes(1);
    expect(waits.length).toBe(5); // the countdown is shown either way

    const controller = new AbortController();
    const aborted = run(async () => fail<string>(limited), { signal: controller.signal });
    await vi.advanceTimersByTimeAsync(0);
    controller.abort();
    expect(await aborted).toEqual({ ok: false, error: limited });
  });
});
