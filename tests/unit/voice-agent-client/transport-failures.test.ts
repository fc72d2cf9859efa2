/** How a refused SDP exchange (or handshake) becomes what the voice session does next. */
import { describe, expect, it } from 'vitest';
import { failureFromResponse, retryAfterSeconds } from '../../../src/lib/voice-agent/transports/realtime-transport';

const envelope = (code: string | null, message = 'x') => ({ error: { message, type: 'requests', param: null, code } });
const headers = (h: Record<string, string>) => (name: string) => h[name] ?? null;

describe('retryAfterSeconds', () => {
  const now = Date.parse('2026-11-24T12:00:00Z');
  it('reads retry-after-ms first, then Retry-After seconds or an HTTP date', () => {
    expect(retryAfterSeconds(headers({ 'retry-after-ms': '1500', 'retry-after': '9' }), now)).toBe(2);
    expect(retryAfterSeconds(headers({ 'retry-after': '3' }), now)).toBe(3);
    expect(retryAfterSeconds(headers({ 'retry-after': 'Tue, 24 Nov 2026 12:00:07 GMT' }), now)).toBe(7);
    expect(retryAfterSeconds('4', now)).toBe(4);
  });
  it('ignores missing, invalid, past and over-long values', () => {
    expect(retryAfterSeconds(null, now)).toBeUndefined();
    expect(retryAfterSeconds(headers({}), now)).toBeUndefined();
    expect(retryAfterSeconds(headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterSeconds(headers({ 'retry-after': '0' }), now)).toBeUndefined();
    expect(retryAfterSeconds(headers({ 'retry-after': 'Tue, 24 Nov 2026 11:59:00 GMT' }), now)).toBeUndefined();
    expect(retryAfterSeconds(headers({ 'retry-after': '3600' }), now)).toBeUndefined();
  });
});

describe('failureFromResponse', () => {
  it('a 429 rate limit is retried after Retry-After', () => {
    const error = failureFromResponse(429, envelope('rate_limit_exceeded'), headers({ 'retry-after': '2', 'retry-after-ms': '2000' }));
    expect(error).toMatchObject({ reason: 'rate_limited', status: 429, retryAfterSeconds: 2 });
  });
  it('a 429 insufficient_quota is not a rate limit: waiting would not help', () => {
    const error = failureFromResponse(429, envelope('insufficient_quota', 'You exceeded your current quota'), null);
    expect(error.reason).toBe('upstream_error');
    expect(error.message).toMatch(/credit/);
  });
  it('401 → token refresh; 403 model_not_found → no realtime access; 5xx → upstream trouble', () => {
    expect(failureFromResponse(401, envelope('invalid_api_key'), null).reason).toBe('token_expired');
    expect(failureFromResponse(403, envelope('model_not_found'), null).reason).toBe('no_realtime_access');
    expect(failureFromResponse(503, envelope(null, 'The engine is currently overloaded'), null)).toMatchObject({ reason: 'upstream_error', status: 503 });
    expect(failureFromResponse(400, envelope('invalid_offer', 'Invalid SDP offer.'), null).reason).toBe('sdp_refused');
  });
});
