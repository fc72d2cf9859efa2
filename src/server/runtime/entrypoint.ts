/**
 * Server entrypoint of the built app (see integrations/voice-agent-node.mjs). `createExports` is the
 * node adapter's; `start` validates configuration first (exit 1 with a message naming the variable),
 * then serves (the API straight from Node, pages through Astro) with timeouts that stop slow clients from holding sockets, and shuts down gracefully on
 * SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close Redis, exit.
 */
import http from 'node:http';
import type { SSRManifest } from 'astro';
import { createExports as createNodeExports } from '@astrojs/node/server.js';
import { ConfigError } from '../config';
import { getAppContext } from '../app-context';
import { normaliseForwardedHeaders } from '../http/forwarded-headers';
import { trackConnections } from './connection-drain';
import { isApiPath } from '../api/api-routes';
import { serveApi } from '../api/node-api-adapter';

type NodeOptions = Parameters<typeof createNodeExports>[1];

export function createExports(manifest: SSRManifest, options: NodeOptions) {
  return createNodeExports(manifest, options);
}

const SHUTDOWN_GRACE_MS = 10_000;

export function start(manifest: SSRManifest, options: NodeOptions) {
  if (process.env.ASTRO_NODE_AUTOSTART === 'disabled') return;
  let app;
  try {
    app = getAppContext();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message}\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw error;
  }
  const { handler } = createNodeExports(manifest, options);
  const trustProxy = app.config.trustProxy;
  const server = http.createServer(
    { requestTimeout: 30_000, headersTimeout: 15_000, keepAliveTimeout: 5_000 },
    (req, res) => {
      normaliseForwardedHeaders(req.headers, req.socket as { remoteAddress?: string; encrypted?: boolean }, trustProxy);
      const pathname = pathnameOf(req.url ?? '/');
      if (isApiPath(pathname)) {
        serveApi(req, res, pathname, app).catch((error: unknown) => {
          app.logger.error({ event: 'unhandledError', err: error, path: pathname }, 'unhandled error');
          if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end('{"success":false,"error":{"code":"internal_error","message":"Something went wrong on our side."}}');
        });
        return;
      }
      return handler(req, res);
    },
  );
  const connections = trackConnections(server);
  server.on('error', (error) => {
    app.logger.fatal({ event: 'serverError', err: error }, 'server failed to start');
    process.exit(1);
  });
  server.listen(app.config.port, app.config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : app.config.port;
    app.logger.info({ event: 'listening', host: app.config.host, port }, `listening on http://${app.config.host}:${port}`);
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ event: 'shutdown', signal }, 'shutting down: finishing in-flight requests');
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
}

/** The path of a request target, cheaply for the usual origin-form (`/path?query`). */
function pathnameOf(target: string): string {
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
