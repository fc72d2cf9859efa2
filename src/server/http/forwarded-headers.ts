/**
 * Astro's Node request adapter believes `X-Forwarded-For` and `X-Forwarded-Proto` from anyone: its
 * `clientAddress` is the first X-Forwarded-For entry and the request URL takes the forwarded
 * protocol. A client could then pick its own rate-limit key or fake HTTPS. So the server entrypoint
 * rewrites those headers once, before Astro sees the request, to what TRUST_PROXY allows: the real
 * client address and protocol. Everything downstream (`context.clientAddress`, `context.url`) is then
 * trustworthy.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { clientIp } from './client-ip';

export function trustedForwardedHeaders(
  headers: IncomingHttpHeaders,
  socket: { remoteAddress?: string; encrypted?: boolean },
  trustedHops: number,
): { 'x-forwarded-for': string; 'x-forwarded-proto': 'http' | 'https' } {
  const forwardedFor = headers['x-forwarded-for'];
  const ip = clientIp(
    socket.remoteAddress ?? '0.0.0.0',
    Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? null),
    trustedHops,
  );
  let proto: 'http' | 'https' = socket.encrypted ? 'https' : 'http';
  const forwardedProto = headers['x-forwarded-proto'];
  if (trustedHops > 0 && typeof forwardedProto === 'string') {
    const first = forwardedProto.split(',')[0]!.trim().toLowerCase();
    if (first === 'https' || first === 'http') proto = first;
  }
  return { 'x-forwarded-for': ip, 'x-forwarded-proto': proto };
}

/** Applies the trusted values in place and drops forwarded host/port, which we never honour. */
export function normaliseForwardedHeaders(
  headers: IncomingHttpHeaders,
  socket: { remoteAddress?: string; encrypted?: boolean },
  trustedHops: number,
): void {
  Object.assign(headers, trustedForwardedHeaders(headers, socket, trustedHops));
  delete headers['x-forwarded-host'];
  delete headers['x-forwarded-port'];
  delete headers.forwarded;
}
