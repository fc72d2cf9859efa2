import { describe, expect, it } from 'vitest';
import { cacheControlFor, scriptHashesFrom, withFinalHeaders } from '../../../src/server/http/response-headers';

describe('final response headers', () => {
  it('keeps only the script hashes of Astro’s own policy', () => {
    const astro = "script-src 'self' 'sha256-abc+/=' 'sha384-def'; style-src 'self' 'sha256-zzz';";
    expect(scriptHashesFrom(astro)).toEqual(['sha256-abc+/=', 'sha384-def']);
    expect(scriptHashesFrom(null)).toEqual([]);
  });

  it('never caches API responses, revalidates HTML, leaves assets alone', () => {
    expect(cacheControlFor(true, 'application/json', 'max-age=60')).toBe('no-store');
    expect(cacheControlFor(false, 'text/html; charset=utf-8', null)).toBe('no-cache');
    expect(cacheControlFor(false, 'text/css', 'public, max-age=31536000, immutable')).toBe('public, max-age=31536000, immutable');
  });

  it('adds security headers, HSTS only over HTTPS, and the script hashes to the CSP', () => {
    const page = new Response('<html></html>', {
      headers: { 'content-type': 'text/html', 'content-security-policy': "script-src 'self' 'sha256-h1';" },
    });
    const out = withFinalHeaders(page, { isApi: false, https: false, connectSources: ['https://api.openai.com'], cors: undefined });
    const csp = out.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self' 'sha256-h1'");
    expect(csp).toContain("connect-src 'self' https://api.openai.com");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(out.headers.get('x-content-type-options')).toBe('nosniff');
    expect(out.headers.get('permissions-policy')).toContain('microphone=(self)');
    expect(out.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(out.headers.get('strict-transport-security')).toBeNull();
    const secure = withFinalHeaders(new Response('{}', { headers: { 'content-type': 'application/json' } }), {
      isApi: true,
      https: true,
      connectSources: [],
      cors: { 'Access-Control-Allow-Origin': 'https://a.example.com', Vary: 'Origin' },
    });
    expect(secure.headers.get('strict-transport-security')).toContain('max-age=31536000');
    expect(secure.headers.get('access-control-allow-origin')).toBe('https://a.example.com');
    expect(secure.headers.get('content-security-policy')).toContain("default-src 'none'");
  });
});
