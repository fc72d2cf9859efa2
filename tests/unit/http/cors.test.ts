import { describe, expect, it } from 'vitest';
import { checkOrigin, ownOrigin, preflightHeaders } from '../../../src/server/http/cors';

const policy = { allowedOrigins: ['https://partner.example.com'], siteUrl: undefined };

describe('CORS allowlist', () => {
  const self = ownOrigin('https', 'coach.example.com');

  it('allows the site itself and listed origins, exactly', () => {
    expect(checkOrigin('https://coach.example.com', self, policy)).toEqual({ kind: 'allowed', origin: 'https://coach.example.com', sameOrigin: true });
    expect(checkOrigin('https://partner.example.com', self, policy)).toMatchObject({ kind: 'allowed', sameOrigin: false });
  });

  it.each([
    'https://evil.com',
    'https://partner.example.com.evil.com',
    'https://evilpartner.example.com',
    'http://partner.example.com',
    'https://partner.example.com:8443',
    'http://coach.example.com',
    'null',
    '*',
  ])('denies %s (no wildcard, suffix or scheme confusion)', (origin) => {
    expect(checkOrigin(origin, self, policy).kind).toBe('denied');
  });

  it('treats a request without Origin as non-browser (no CORS decision)', () => {
    expect(checkOrigin(null, self, policy)).toEqual({ kind: 'no-origin' });
  });

  it('uses SITE_URL as the own origin when configured', () => {
    const fixed = { ...policy, siteUrl: 'https://www.example.com' };
    expect(checkOrigin('https://www.example.com', 'http://10.0.0.5:4321', fixed).kind).toBe('allowed');
    expect(checkOrigin('http://10.0.0.5:4321', 'http://10.0.0.5:4321', fixed).kind).toBe('denied');
  });

  it('derives the own origin from Host, including the port', () => {
    expect(ownOrigin('http', '127.0.0.1:4321')).toBe('http://127.0.0.1:4321');
    expect(ownOrigin('https', 'example.com:443')).toBe('https://example.com');
    expect(ownOrigin('http', null)).toBeUndefined();
    expect(ownOrigin('http', 'bad host')).toBeUndefined();
  });

  it('answers preflights with the route methods, the JSON content type and the bearer token header only', () => {
    const h = preflightHeaders('https://partner.example.com', ['POST']);
    expect(h['Access-Control-Allow-Origin']).toBe('https://partner.example.com');
    expect(h['Access-Control-Allow-Methods']).toBe('POST, OPTIONS');
    expect(h['Access-Control-Allow-Headers']).toBe('Content-Type, Authorization');
    expect(h.Vary).toBe('Origin');
  });
});
