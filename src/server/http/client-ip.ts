/**
 * The client's IP, honouring `X-Forwarded-For` only through TRUST_PROXY hops: with N trusted proxies
 * in front of us, the client is the Nth address from the right (anything left of it is client-supplied
 * and can be forged).
 */
export function clientIp(socketAddress: string, forwardedFor: string | null, trustedHops: number): string {
  const peer = normaliseIp(socketAddress);
  if (trustedHops <= 0 || !forwardedFor) return peer;
  const chain = forwardedFor
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (chain.length === 0) return peer;
  const index = Math.max(0, chain.length - trustedHops);
  return normaliseIp(chain[index]!);
}

export function normaliseIp(ip: string): string {
  const trimmed = ip.trim();
  return trimmed.startsWith('::ffff:') && trimmed.includes('.') ? trimmed.slice(7) : trimmed;
}

export function isLoopback(ip: string): boolean {
  const v = normaliseIp(ip);
  return v === '::1' || v.startsWith('127.') || v === 'localhost';
}
