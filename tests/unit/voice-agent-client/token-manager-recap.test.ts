/**
 * A new session's request carries the previous session's signed recap only when the page's lookup returns
 * one (the user consented and a recap exists), and a failing lookup never stops a session from starting.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTokenManager } from '../../../src/lib/voice-agent/session/token-manager';

function fakeTokenEndpoint() {
  const bodies: Array<Record<string, unknown>> = [];
  let n = 0;
  const fetch = vi.fn(async (_url: string, init: RequestInit) => {
    bodies.push(init.body ? (JSON.parse(String(init.body)) as Record<string, unknown>) : {});
    return new Response(
      JSON.stringify({ success: true, token: `jwt_${++n}`, expiresAt: Date.now() + 60_000, sessionId: `sess_${n}`, mode: 'fallback' }),
      { headers: { 'content-type': 'application/json' } },
    );
  });
  vi.stubGlobal('fetch', fetch);
  return bodies;
}

afterEach(() => vi.unstubAllGlobals());

describe('the recap on a new session', () => {
  it('is sent with the scenario when the lookup finds one', async () => {
    const bodies = fakeTokenEndpoint();
    const tokens = createTokenManager({ scenarioId: 'town-hall-on-ai-and-jobs', recap: async () => 'signed.recap.token' });
    expect((await tokens.prefetch()).ok).toBe(true);
    expect(bodies).toEqual([{ scenarioId: 'town-hall-on-ai-and-jobs', recap: 'signed.recap.token' }]);
  });

  it('is left out when there is none, and a failed lookup does not stop the session', async () => {
    const bodies = fakeTokenEndpoint();
    expect((await createTokenManager({ recap: async () => undefined }).prefetch()).ok).toBe(true);
    expect((await createTokenManager({ recap: () => Promise.reject(new Error('IndexedDB blocked')) }).prefetch()).ok).toBe(true);
    expect(bodies).toEqual([{}, {}]);
  });
});
