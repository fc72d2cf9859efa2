/**
 * A throwaway copy of the minimum Astro needs to sync the content collections (config, integrations, the
 * collections), with the project's packages symlinked in one by one: node_modules/.astro (Astro's content
 * store) and node_modules/.vite stay the copy's own, so a test that breaks a collection never touches the
 * project's caches. `sync` runs `astro sync` there, as `astro build` does first.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const COPY = ['package.json', 'tsconfig.json', 'astro.config.mjs', 'integrations', 'src/content.config.ts', 'src/content'];
const ASTRO_BIN = path.join(ROOT, 'node_modules/astro/astro.js');

export interface SyncSandbox {
  dir: string;
  /** `astro sync` in the copy: its exit status and everything it printed. */
  sync(): { status: number | null; output: string };
  remove(): void;
}

export function createSyncSandbox(prefix: string): SyncSandbox {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  for (const item of COPY) cpSync(path.join(ROOT, item), path.join(dir, item), { recursive: true });
  mkdirSync(path.join(dir, 'node_modules'));
  for (const name of readdirSync(path.join(ROOT, 'node_modules'))) {
    if (name === '.astro' || name === '.vite') continue;
    symlinkSync(path.join(ROOT, 'node_modules', name), path.join(dir, 'node_modules', name));
  }
  return {
    dir,
    sync() {
      const result = spawnSync(process.execPath, [ASTRO_BIN, 'sync'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), NO_COLOR: '1', FORCE_COLOR: '0', ASTRO_TELEMETRY_DISABLED: '1' },
      });
      return { status: result.status, output: `${result.stdout ?? ''}\n${result.stderr ?? ''}` };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
