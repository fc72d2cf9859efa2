#!/usr/bin/env node
/**
 * `npm start`: the one command that brings the site up on a fresh machine. Installs and builds when
 * needed, reads `.env` if present, then runs the built server (demo mode without OPENAI_API_KEY,
 * in-memory stores without REDIS_URL).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, ensureBuild, ensureDependencies } from './ensure.mjs';

ensureDependencies();
ensureBuild();

const envFile = join(ROOT, '.env');
if (existsSync(envFile)) process.loadEnvFile(envFile); // existing variables win

const child = spawn(process.execPath, [join(ROOT, 'dist/server/entry.mjs')], { stdio: 'inherit', env: process.env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
