/**
 * Server entrypoint of the built app (see integrations/voice-agent-node.mjs). `createExports` is the
 * node adapter's; `start` validates configuration first (exit 1 with a message naming the variable),
 * then serves: the API straight from Node, pages through Astro (see http-server.ts for timeouts and
 * graceful shutdown).
 */
import type { SSRManifest } from 'astro';
import { createExports as createNodeExports } from '@astrojs/node/server.js';
import { getAppContext } from '../app-context';
import { isApiPath } from '../api/api-routes';
import { exitOnConfigError } from './config-exit';
import { startHttpServer } from './http-server';

type NodeOptions = Parameters<typeof createNodeExports>[1];

export function createExports(manifest: SSRManifest, options: NodeOptions) {
  return createNodeExports(manifest, options);
}

export function start(manifest: SSRManifest, options: NodeOptions) {
  if (process.env.ASTRO_NODE_AUTOSTART === 'disabled') return;
  const app = exitOnConfigError(getAppContext);
  const { handler } = createNodeExports(manifest, options);
  startHttpServer({ app, host: app.config.host, port: app.config.port, api: { owns: isApiPath }, fallback: handler });
}
