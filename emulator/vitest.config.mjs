// Standalone config so the emulator suite runs regardless of the repo's root config:
//   npx vitest run --config emulator/vitest.config.mjs
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    include: ['test/**/*.test.mjs'],
    environment: 'node',
    testTimeout: 15_000,
  },
});
