import { describe, expect, it } from 'vitest';
import { clientIp, isLoopback } from '../../../src/server/http/client-ip';
import { normaliseForwardedHeaders } from '../../../src/server/http/forwarded-headers';

describe('client IP behind proxies', () => {
  it('ignores X-Forwarded-For unless proxies are trusted', () => {
    expect(clientIp('10.0.0.9', '1.2.3.4', 0)).toBe('10.0.0.9');
  });
  it('takes the address the trusted proxy saw, not what the client claims', () => {
    // client forged "6.6.6.6"; nginx appended the real peer 1.2.3.4
    expect(clientIp('10.0.0.9', '6.6.6.6, 1.2.3.4', 1)).toBe('1.2.3.4');
    expect(clientIp('10.0.0.9', '6.6.6.6, 1.2.3.4, 10.0.0.2', 2)).toBe('1.2.3.4');
  });
  it('uses the leftmost address when the chain is shorter than the trusted hops', () => {
    expect(clientIp('10.0.0.9', '1.2.3.4', 3)).toBe('1.2.3.4');
  });
  it('normalises IPv4-mapped IPv6', () => {
    expect(clientIp('::ffff:127.0.0.1', null, 0)).toBe('127.0.0.1');
  });
  it('rewrites forwarded headers so nothing downstream can be fooled', () => {
    const forged = { 'x-forwarded-for': '6.6.6.6', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.com', host: 'a.com' };
    const direct = { ...forged };
    normaliseForwardedHeaders(direct, { remoteAddress: '::ffff:10.0.0.9' }, 0);
    expect(direct).toEqual({ 'x-forwarded-for': '10.0.0.9', 'x-forwarded-proto': 'http', host: 'a.com' });
    const proxied = { ...forged, 'x-forwarded-for': '6.6.6.6, 1.2.3.4' };
    normaliseForwardedHeaders(proxied, { remoteAddress: '10.0.0.2' }, 1);
    expect(proxied).toEqual({ 'x-forwarded-for': '1.2.3.4', 'x-forwarded-proto': 'https', host: 'a.com' });
    const tls = {};
    normaliseForwardedHeaders(tls, { remoteAddress: '10.0.0.2', encrypted: true }, 0);
    expect(tls).toMatchObject({ 'x-forwarded-proto': 'https' });
  });
  it('recognises loopback clients', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopback('192.168.1.2')).toBe(false);
  });
});
