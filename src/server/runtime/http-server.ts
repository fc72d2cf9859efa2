/**
 * The Node HTTP server both processes run (the app's entrypoint and the standalone search server):
 * timeouts that stop slow clients from holding sockets, forwarded headers rewritten per TRUST_PROXY
 * before anything reads them, API paths answered straight from `node:http`, the `listening` log, and
 * graceful shutdown on SIGTERM/SIGINT (stop accepting, let in-flight requests finish, close Redis, exit).
 */
import http from 'node:http';
import type { AppContext } from '../app-context';
import type { ApiSurface } from '../api/api-types';
import { serveApi } from '../api/node-api-adapter';
import { normaliseForwardedHeaders } from '../http/forwarded-headers';
import { trackConnections } from './connection-drain';
import { handleUpgrade } from './upgrade';

const SHUTDOWN_GRACE_MS = 10_000;

export interface HttpServerOptions {
  app: AppContext;
  host: string;
  port: number;
  /** The API this server answers, and whether a path belongs to it. */
  api: { surface?: ApiSurface; owns(pathname: string): boolean };
  /** Everything else (the app's pages); absent = the API answers every path. */
  fallback?: (req: http.IncomingMessage, res: http.ServerResponse) => void;
}

const INTERNAL_ERROR = '{"success":false,"error":{"code":"internal_error","message":"Something went wrong on our side."}}';

export function startHttpServer({ app, host, port, api, fallback }: HttpServerOptions): http.Server {
  const trustProxy = app.config.trustProxy;
  const server = http.createServer(
    { requestTimeout: 30_000, headersTimeout: 15_000, keepAliveTimeout: 5_000 },
    (req, res) => {
      normaliseForwardedHeaders(req.headers, req.socket as { remoteAddress?: string; encrypted?: boolean }, trustProxy);
      const pathname = pathnameOf(req.url ?? '/');
      if (fallback && !api.owns(pathname)) return fallback(req, res);
      serveApi(req, res, pathname, app, api.surface).catch((error: unknown) => {
        app.logger.error({ event: 'unhandledError', err: error, path: pathname }, 'unhandled error');
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(INTERNAL_ERROR);
      });
    },
  );
  server.on('upgrade', (req, socket, head) => {
    normaliseForwardedHeaders(req.headers, req.socket as { remoteAddress?: string; encrypted?: boolean }, trustProxy);
    handleUpgrade(app, pathnameOf(req.url ?? '/'), req, socket, head);
  });
  const connections = trackConnections(server);
  server.on('error', (error) => {
    app.logger.fatal({ event: 'serverError', err: error }, 'server failed to start');
    process.exit(1);
  });
  server.listen(port, host, () => {
    const address = server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    app.logger.info({ event: 'listening', host, port: actualPort }, `listening on http://${host}:${actualPort}`);
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ event: 'shutdown', signal }, 'shutting down: finishing in-flight requests');
    app.metering?.relay?.closeAll(1001, 'server shutting down');
    const force = setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(async () => {
      await app.close().catch(() => {});
      process.exit(0);
    });
    connections.drain();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  return server;
}

/** The path of a request target, cheaply for the usual origin-form (`/path?query`). */
export function pathnameOf(target: string): string {
  if (!target.startsWith('/')) {
    try {
      return new URL(target).pathname; // absolute-form, from some proxies
    } catch {
      return '/';
    }
  }
  const q = target.indexOf('?');
  return q === -1 ? target : target.slice(0, q);
}
