/**
 * The HTTP pipeline's rules, applied to the relay's WebSocket handshake (which never passes through
 * it): the client address through TRUST_PROXY (headers already normalised by the server), and the exact
 * CORS allowlist against cross-site WebSocket hijacking (the relay counts and logs a refusal).
 */
import type { IncomingMessage } from 'node:http';
import type { Config } from '../config';
import { normaliseIp } from '../http/client-ip';
import { checkOrigin, ownOrigin } from '../http/cors';

const header = (req: IncomingMessage, name: string): string | null => {
  const value = req.headers[name];
  return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
};

export function relayGuards(config: Pick<Config, 'allowedOrigins' | 'siteUrl'>) {
  const clientIp = (req: IncomingMessage) => normaliseIp(String(req.headers['x-forwarded-for'] ?? req.socket.remoteAddress ?? ''));
  return {
    clientIp,
    originAllowed(req: IncomingMessage): boolean {
      const protocol = req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
      const verdict = checkOrigin(header(req, 'origin'), ownOrigin(protocol, header(req, 'host')), { allowedOrigins: config.allowedOrigins, siteUrl: config.siteUrl });
      return verdict.kind !== 'denied';
    },
  };
}
