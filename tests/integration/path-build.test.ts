/**
 * A learning path naming an article or scenario that does not exist fails the build with a clear message:
 * Astro's content layer validates the `paths` collection with `withKnownSteps` (src/content/path-schema.ts)
 * when it syncs (as `astro build` does first), so `astro sync` stops with a non-zero exit and output naming
 * the file, the collection, the step and the missing slug. Same set-up as scenario-build.test.ts: a
 * throwaway copy of what Astro needs to sync, with the project's packages symlinked in one by one so the
 * project's own caches are never touched. A clean copy syncs, as the control.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const COPY = ['package.json', 'tsconfig.json', 'astro.config.mjs', 'integrations', 'src/content.config.ts', 'src/content'];
const ASTRO_BIN = path.join(ROOT, 'node_modules/astro/astro.js');
const BROKEN = 'board-path-with-missing-article.md';

let dir: string;

function sync(cwd: string) {
  const result = spawnSync(process.execPath, [ASTRO_BIN, 'sync'], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), NO_COLOR: '1', FORCE_COLOR: '0', ASTRO_TELEMETRY_DISABLED: '1' },
  });
  return { status: result.status, output: `${result.stdout ?? ''}\n${result.stderr ?? ''}` };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'path-build-'));
  for (const item of COPY) cpSync(path.join(ROOT, item), path.join(dir, item), { recursive: true });
  mkdirSync(path.join(dir, 'node_modules'));
  for (const name of readdirSync(path.join(ROOT, 'node_modules'))) {
    if (name === '.astro' || name === '.vite') continue;
    symlinkSync(path.join(ROOT, 'node_modules', name), path.join(dir, 'node_modules', name));
  }
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('learning-path validation at build time', () => {
  it('the real paths sync cleanly', () => {
    const { status, output } = sync(dir);
    expect(status, output).toBe(0);
  }, 60_000);

  it('a path naming an article that does not exist fails the build, naming the file, the step and the slug', () => {
    copyFileSync(path.join(ROOT, 'tests/fixtures/paths-invalid', BROKEN), path.join(dir, 'src/content/paths', BROKEN));
    const { status, output } = sync(dir);
    expect(status, output).not.toBe(0);
    expect(output).toContain(BROKEN); // names the file…
    expect(output).toContain('paths'); // …and the collection…
    expect(output).toContain('steps.1.slug'); // …and the step…
    expect(output).toContain('there is no knowledge article in src/content/knowledge called "ai-for-boards-in-ten-minutes"'); // …and the problem.
  }, 60_000);

  it('so does a scenario step naming a scenario that does not exist', () => {
    rmSync(path.join(dir, 'src/content/paths', BROKEN), { force: true });
    // A real path with its first scenario step renamed to a scenario that is not there.
    const real = path.join(dir, 'src/content/paths/ai-risk-for-board-members.md');
    const raw = readFileSync(real, 'utf8');
    const broken = raw.replace('slug: auditor-questions-on-ai-act-compliance', 'slug: brief-the-audit-committee');
    expect(broken).not.toBe(raw);
    writeFileSync(real, broken);
    const { status, output } = sync(dir);
    expect(status, output).not.toBe(0);
    expect(output).toContain('ai-risk-for-board-members.md');
    expect(output).toContain('there is no scenario in src/content/scenarios called "brief-the-audit-committee"');
  }, 60_000);
});
