import { describe, expect, it } from 'vitest';
import { pageCacheControl, scriptHashesFrom, withFinalHeaders } from '../../../src/server/http/response-headers';
import { apiSecurityHeaders } from '../../../src/server/http/security-headers';

describe('final response headers', () => {
  it('keeps only the script hashes of Astro’s own policy', () => {
    const astro = "script-src 'self' 'sha256-abc+/=' 'sha384-def'; style-src 'self' 'sha256-zzz';";
    expect(scriptHashesFrom(astro)).toEqual(['sha256-abc+/=', 'sha384-def']);
    expect(scriptHashesFrom(null)).toEqual([]);
  });

  it('revalidates HTML and leaves assets alone', () => {
    expect(pageCacheControl('text/html; charset=utf-8', null)).toBe('no-cache');
    expect(pageCacheControl('text/css', 'public, max-age=31536000, immutable')).toBe('public, max-age=31536000, immutable');
  });

  it('adds security headers, HSTS only over HTTPS, and the script hashes to the CSP', () => {
    const page = new Response('<html></html>', {
      headers: { 'content-type': 'text/html', 'content-security-policy': "script-src 'self' 'sha256-h1';" },
    });
    const out = withFinalHeaders(page, { https: false, connectSources: ['https://api.openai.com'] });
    const csp = out.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self' 'sha256-h1'");
    expect(csp).toContain("connect-src 'self' https://api.openai.com");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(out.headers.get('cache-control')).toBe('no-cache');
    expect(out.headers.get('x-content-type-options')).toBe('nosniff');
    expect(out.headers.get('permissions-policy')).toContain('microphone=(self)');
    expect(out.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(out.headers.get('strict-transport-security')).toBeNull();
    const again = new Response('<html></html>', { headers: { 'content-type': 'text/html' } });
    expect(withFinalHeaders(again, { https: true, connectSources: [] }).headers.get('strict-transport-security')).toContain('max-age=31536000');
  });

  it('locks API responses down completely', () => {
    expect(apiSecurityHeaders(false)['Content-Security-Policy']).toContain("default-src 'none'");
    expect(apiSecurityHeaders(false)['Strict-Transport-Security']).toBeUndefined();
    expect(apiSecurityHeaders(true)['Strict-Transport-Security']).toContain('max-age=31536000');
  });
});
