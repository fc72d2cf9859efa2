/**
 * `@astrojs/node` (standalone) with our own server entrypoint. Astro loads middleware lazily, so
 * without this a bad environment variable would only surface on the first request; our entrypoint
 * validates configuration before listening, and adds graceful shutdown and server timeouts. The
 * request handler itself is the node adapter's, unchanged.
 */
import node from '@astrojs/node';
import { fileURLToPath } from 'node:url';

const entrypoint = fileURLToPath(new URL('../src/server/runtime/entrypoint.ts', import.meta.url));

export default function voiceAgentNode(options = {}) {
  const integration = node({ mode: 'standalone', ...options });
  const configDone = integration.hooks['astro:config:done'];
  return {
    ...integration,
    hooks: {
      ...integration.hooks,
      'astro:config:done': (params) =>
        configDone({
          ...params,
          setAdapter: (adapter) => params.setAdapter({ ...adapter, serverEntrypoint: entrypoint }),
        }),
    },
  };
}
