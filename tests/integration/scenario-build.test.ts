/**
 * A broken scenario fails the build with a clear message: Astro's content layer validates the `scenarios`
 * collection with the shared schema when it syncs (as `astro build` does first), so a scenario whose
 * rubric weights add up to 90 stops `astro sync` with a non-zero exit and output naming the file and the
 * problem. Runs in a throwaway copy of the minimum Astro needs to sync (config, integrations, the content
 * collections), with the project's packages symlinked in one by one: node_modules/.astro (Astro's content
 * store) and node_modules/.vite stay the copy's own, so the test never clears the project's caches.
 * A clean copy syncs, as the control.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const COPY = ['package.json', 'tsconfig.json', 'astro.config.mjs', 'integrations', 'src/content.config.ts', 'src/content'];
const ASTRO_BIN = path.join(ROOT, 'node_modules/astro/astro.js');
const BROKEN = 'broken-weights.md';

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

/** A real scenario with its first criterion's weight lowered by 10, so the weights add up to 90. */
function scenarioWithWeightsOf90(): string {
  const raw = readFileSync(path.join(ROOT, 'src/content/scenarios/defend-ai-budget-to-the-cfo.md'), 'utf8');
  const broken = raw.replace(/(criterion: "Payback and unit economics"\n\s+weight: )30/, '$120');
  if (broken === raw) throw new Error('fixture: could not lower the first rubric weight');
  return broken;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'scenario-build-'));
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

describe('scenario validation at build time', () => {
  it('the real scenarios sync cleanly', () => {
    const { status, output } = sync(dir);
    expect(status, output).toBe(0);
  }, 60_000);

  it('a broken scenario fails the build with a clear message', () => {
    writeFileSync(path.join(dir, 'src/content/scenarios', BROKEN), scenarioWithWeightsOf90());
    const { status, output } = sync(dir);
    expect(status, output).not.toBe(0);
    expect(output).toContain(BROKEN); // names the file…
    expect(output).toContain('scenarios'); // …and the collection…
    expect(output).toMatch(/rubric/); // …and the field…
    expect(output).toContain('rubric weights must add up to 100'); // …and the problem.
  }, 60_000);
});
