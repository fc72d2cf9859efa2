/**
 * The relay's side of the WebSocket opening handshake before anything is spent: what the browser
 * offered (session token, subprotocols), whether the request is a handshake we can complete at all, and
 * refusals written as plain HTTP answers with the app's JSON error shape — before the upgrade, like
 * OpenAI's own endpoint.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, NO_STORE } from '../http/api-error';
import { RELAY_PATH } from './relay-types';

/** Browsers cannot set headers on a WebSocket: the token travels as a subprotocol, as with OpenAI. */
const TOKEN_PROTOCOL = 'openai-insecure-api-key.';
export const REALTIME_PROTOCOL = 'realtime';
const KEY_PATTERN = /^[+/0-9A-Za-z]{22}==$/;

export interface HandshakeOffer {
  token: string | undefined;
  protocols: Set<string>;
}

export function readOffer(req: IncomingMessage): HandshakeOffer {
  const protocols = new Set(
    String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
  );
  let token: string | undefined;
  for (const p of protocols) if (p.startsWith(TOKEN_PROTOCOL)) token = p.slice(TOKEN_PROTOCOL.length) || undefined;
  return { token, protocols };
}

/** For the plain HTTP route of RELAY_PATH, and for upgrades to anything but a WebSocket. */
export function upgradeRequired(): ApiError {
  return new ApiError(426, 'upgrade_required', 'Connect to this endpoint with a WebSocket.', { Upgrade: 'websocket', Connection: 'Upgrade' });
}

export function shuttingDown(): ApiError {
  return new ApiError(503, 'shutting_down', 'The server is restarting. Please reconnect in a moment.', { 'Retry-After': '2' }, { retryAfter: 2 });
}

/**
 * Refusals that need no session: not a WebSocket handshake the relay can complete (checked here so
 * nothing is minted for a handshake `ws` would refuse anyway), another path, or a token offered without
 * the `realtime` subprotocol the answer must choose. Null when the handshake may go on.
 */
export function handshakeProblem(req: IncomingMessage, pathname: string, offer: HandshakeOffer): ApiError | null {
  if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return upgradeRequired();
  if (pathname !== RELAY_PATH) return new ApiError(404, 'not_found', 'There is no WebSocket endpoint at this path.');
  if (req.method !== 'GET') return new ApiError(405, 'method_not_allowed', 'Open the WebSocket with GET.', { Allow: 'GET' });
  const version = String(req.headers['sec-websocket-version'] ?? '');
  if (version !== '13' && version !== '8') {
    return new ApiError(426, 'upgrade_required', 'Use WebSocket protocol version 13.', { 'Sec-WebSocket-Version': '13, 8' });
  }
  if (!KEY_PATTERN.test(String(req.headers['sec-websocket-key'] ?? '').trim())) {
    return new ApiError(400, 'invalid_request', 'The WebSocket handshake is malformed.');
  }
  if (offer.token !== undefined && !offer.protocols.has(REALTIME_PROTOCOL)) {
    return new ApiError(400, 'invalid_request', 'Offer the "realtime" subprotocol alongside the session token.');
  }
  return null;
}

/** HTTP header values come from the app, but a stray CR/LF must never split the response. */
const headerValue = (v: string) => v.replace(/[\r\n]+/g, ' ');

/** Writes the refusal as an HTTP response (`{success:false,error:{code,message},...details}`), then destroys the socket. */
export function refuse(socket: Duplex, error: ApiError): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ success: false, error: { code: error.code, message: error.message }, ...error.details });
  const headers: Record<string, string> = {
    Connection: 'close',
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': NO_STORE,
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Content-Type-Options': 'nosniff',
    ...error.headers, // a 426 says `Connection: Upgrade` (RFC 9110 §15.5.22); the socket is closed all the same
  };
  const head = [`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}`];
  for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${headerValue(value)}`);
  socket.once('finish', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
