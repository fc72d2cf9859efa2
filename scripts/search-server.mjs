#!/usr/bin/env node
/**
 * `npm run search-server`: runs src/server/search-server/main.ts under tsx (the same TypeScript the
 * app bundles, no separate build), with `.env` loaded like `npm start` does (existing variables win; not under NODE_ENV=test).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from './ensure.mjs';

const envFile = join(ROOT, '.env');
// Tests (NODE_ENV=test) set every variable themselves and must not pick up a developer's .env.
if (process.env.NODE_ENV !== 'test' && existsSync(envFile)) process.loadEnvFile(envFile);

const tsx = createRequire(import.meta.url).resolve('tsx');
const child = spawn(process.execPath, ['--import', tsx, join(ROOT, 'src/server/search-server/main.ts')], {
  stdio: 'inherit',
  env: process.env,
  cwd: ROOT,
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
