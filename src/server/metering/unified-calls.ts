/**
 * OpenAI's unified WebRTC interface from the server (protocol brief §2.1 b, §2.4): the browser's SDP
 * offer goes to `POST /v1/realtime/calls` as multipart (`sdp` + `session`) with the server's key, so the
 * server learns the call id (from `Location`) of every call it pays for and can hang it up.
 *
 * Hand-written with fetch + FormData: the official `openai` package (6.x, the last line for Node 20)
 * has `calls.hangup` but no `calls.create`. Failures are turned into the SDK's own error classes so the
 * shared classification (upstream-error.ts) applies unchanged.
 */
import OpenAI from 'openai';
import type { UpstreamGuard } from '../openai/upstream-guard';

export interface UnifiedCallsDeps {
  apiKey: string;
  /** `OPENAI_BASE_URL`, e.g. https://api.openai.com/v1 */
  baseUrl: string;
  timeoutMs: number;
  guard: UpstreamGuard;
}

export interface CreatedCall {
  callId: string;
  answerSdp: string;
}

export interface UnifiedCalls {
  /** Forwards the offer with the session config; resolves with OpenAI's answer and the call id. */
  create(offerSdp: string, session: object, signal?: AbortSignal): Promise<CreatedCall>;
  /** Ends a call (any instance can: it only needs the id). A call that is already gone (404) is not an error. */
  hangup(callId: string): Promise<void>;
}

export function createUnifiedCalls(deps: UnifiedCallsDeps): UnifiedCalls {
  const client = new OpenAI({ apiKey: deps.apiKey, baseURL: deps.baseUrl, timeout: deps.timeoutMs, maxRetries: 0 });

  async function post(offerSdp: string, session: object, signal?: AbortSignal): Promise<CreatedCall> {
    const form = new FormData();
    form.set('sdp', new Blob([offerSdp], { type: 'application/sdp' }));
    form.set('session', new Blob([JSON.stringify(session)], { type: 'application/json' }));
    const timeout = AbortSignal.timeout(deps.timeoutMs);
    let response: Response;
    try {
      response = await fetch(`${deps.baseUrl}/realtime/calls`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${deps.apiKey}`, Accept: 'application/sdp' },
        body: form,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (timeout.aborted) throw new OpenAI.APIConnectionTimeoutError();
      throw new OpenAI.APIConnectionError({ cause: error instanceof Error ? error : undefined });
    }
    const text = await response.text();
    if (!response.ok) {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = undefined;
      }
      const error = (body as { error?: object } | undefined)?.error;
      throw OpenAI.APIError.generate(response.status, error, undefined, response.headers);
    }
    const callId = response.headers.get('location')?.split('/').pop();
    if (!callId || !text.startsWith('v=')) {
      throw OpenAI.APIError.generate(502, { message: 'The realtime calls answer had no call id or no SDP.' }, undefined, response.headers);
    }
    return { callId, answerSdp: text };
  }

  return {
    create: (offerSdp, session, signal) => deps.guard.run('calls', () => post(offerSdp, session, signal), signal),
    hangup: (callId) =>
      deps.guard.run('calls_hangup', async () => {
        try {
          await client.realtime.calls.hangup(callId);
        } catch (error) {
          if (error instanceof OpenAI.NotFoundError) return; // already over
          throw error;
        }
      }),
  };
}

/** The server's realtime WebSocket base (`wss://api.openai.com/v1/realtime`) from OPENAI_BASE_URL. */
export function upstreamRealtimeWsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/^http(s?):\/\//i, (_, s: string) => `ws${s}://`)}/realtime`;
}
