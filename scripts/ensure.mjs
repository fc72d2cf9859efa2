/**
 * Shared by `npm start` and `npm test`: install dependencies when node_modules is missing or older
 * than package-lock.json, and build when sources changed since the last build. Plain Node, no deps,
 * because it runs before anything is installed.
 */
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('..', import.meta.url).pathname;

const run = (cmd) => execSync(cmd, { cwd: ROOT, stdio: 'inherit' });
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);

function newestMtime(dir) {
  if (!existsSync(dir)) return 0;
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

export function ensureDependencies() {
  const stamp = join(ROOT, 'node_modules/.package-lock.json');
  if (!existsSync(stamp) || mtime(join(ROOT, 'package-lock.json')) > mtime(stamp)) {
    console.log('› installing dependencies (npm ci)…');
    run('npm ci --no-audit --no-fund');
  }
}

export function ensureBuild({ force = false } = {}) {
  const entry = join(ROOT, 'dist/server/entry.mjs');
  const sources = Math.max(
    newestMtime(join(ROOT, 'src')),
    newestMtime(join(ROOT, 'public')),
    newestMtime(join(ROOT, 'integrations')),
    mtime(join(ROOT, 'astro.config.mjs')),
    mtime(join(ROOT, 'package-lock.json')),
  );
  if (force || !existsSync(entry) || sources > mtime(entry)) {
    console.log('› building the site (astro build)…');
    run('npx astro build');
  }
}
