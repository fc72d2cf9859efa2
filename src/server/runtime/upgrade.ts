/**
 * WebSocket upgrades on the app's server: only the metered voice relay (`/api/voice-agent/realtime`)
 * takes them, and only when sessions are metered. Anything else gets a JSON 404 and the socket closed,
 * so a stray upgrade never hangs.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AppContext } from '../app-context';
import { isLoopback, normaliseIp } from '../http/client-ip';
import { RELAY_PATH } from '../relay/relay-types';

export function handleUpgrade(app: AppContext, pathname: string, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', () => undefined);
  const relay = app.metering?.relay;
  if (pathname === RELAY_PATH && relay) {
    // The API's HTTPS rule (handle-api-request.ts) holds for the relay too.
    const ip = normaliseIp(String(req.headers['x-forwarded-for'] ?? req.socket.remoteAddress ?? ''));
    if (app.config.requireHttps && req.headers['x-forwarded-proto'] !== 'https' && !isLoopback(ip)) {
      return writeJsonAndClose(socket, 403, { success: false, error: { code: 'https_required', message: 'This API is only available over HTTPS.' } });
    }
    return relay.handleUpgrade(req, socket, head);
  }
  const [status, code, message] =
    pathname === RELAY_PATH
      ? [404, 'not_metered', 'Server-connected live voice is off on this server (sessions are not metered).']
      : [404, 'not_found', 'No WebSocket endpoint here.'];
  writeJsonAndClose(socket, status, { success: false, error: { code, message } });
}

export function writeJsonAndClose(socket: Duplex, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(text)}`,
    'Cache-Control: no-store',
    'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`);
}
