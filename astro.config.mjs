// @ts-check
import { defineConfig, passthroughImageService } from 'astro/config';
import voiceAgentNode from './integrations/voice-agent-node.mjs';
import react from '@astrojs/react';
import tailwindcss from '@tailwindcss/vite';
import compress from 'astro-compress';

// Every hashed build artefact (CSS, island JS, chunks, fonts if any) lands in dist/client/_assets/.
// The node adapter serves /_assets/* with `Cache-Control: public, max-age=31536000, immutable`.
// Astro's client build already names entry and chunk files `${build.assets}/[name].[hash].js`, so
// `build.assets: '_assets'` is what puts JS there. We deliberately do NOT set entryFileNames /
// chunkFileNames in `vite.build.rollupOptions.output`: Astro spreads that object into the *server*
// build too, where it would override the server chunk naming (dist/server/chunks/*.mjs).
const ASSETS_DIR = '_assets';

export default defineConfig({
  output: 'server',
  // @astrojs/node (standalone) with our entrypoint: config validated at startup, graceful shutdown.
  adapter: voiceAgentNode(),

  // Dev/preview defaults, matching src/server/config.ts. The built server (dist/server/entry.mjs)
  // reads HOST and PORT from the environment and only falls back to these.
  server: { host: '127.0.0.1', port: 4321 },

  // Astro's CSRF guard (on by default in Astro 5) answers a plain-text 403 to any non-GET request
  // with a form-like content type (or none) whose Origin differs from the server's own, before our
  // middleware or routes run. The app does its own exact-match CORS allowlist in middleware and its
  // API is JSON-only, so an allowed origin's wrong content type must get our JSON 415, a disallowed
  // origin our JSON 403, and the same-site end-session beacon must get through. See
  // shared/reference/toolchain.md ("Astro").
  security: { checkOrigin: false },

  // No raster images ship with the site: the SSR image endpoint (/_image) passes files through
  // instead of loading sharp at runtime.
  image: { service: passthroughImageService() },

  build: {
    inlineStylesheets: 'auto',
    assets: ASSETS_DIR,
  },

  integrations: [
    react(),
    // Runs on astro:build:done over dist/client/ only. Pages are rendered on demand (SSR), so there
    // are no .html files for the HTML pass to touch; Astro's own `compressHTML` (on by default)
    // already strips whitespace from SSR output. Image is off: we ship no raster images and do not
    // want sharp loaded at build time.
    compress({
      // Vite has already minified the CSS with lightningcss; run lightningcss again rather than
      // csso, whose restructuring does not understand Tailwind 4's cascade layers / @property well.
      CSS: { csso: false, lightningcss: { minify: true } },
      HTML: true,
      Image: false,
      JavaScript: true,
      SVG: true,
      JSON: false,
    }),
  ],

  vite: {
    plugins: [tailwindcss()],
    build: {
      cssMinify: 'lightningcss',
      rollupOptions: {
        output: {
          assetFileNames: `${ASSETS_DIR}/[hash][extname]`,
        },
      },
    },
  },
});
