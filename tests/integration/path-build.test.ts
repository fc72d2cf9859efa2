/**
 * A learning path naming an article or scenario that does not exist fails the build with a clear message:
 * Astro's content layer validates the `paths` collection with `withKnownSteps` (src/content/path-schema.ts)
 * when it syncs (as `astro build` does first), so `astro sync` stops with a non-zero exit and output naming
 * the file, the collection, the step and the missing slug. Runs in a throwaway sync sandbox
 * (tests/helpers/astro-sync.ts); a clean copy syncs, as the control.
 */
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, createSyncSandbox, type SyncSandbox } from '../helpers/astro-sync';

const BROKEN = 'board-path-with-missing-article.md';

let sandbox: SyncSandbox;
let dir: string;

beforeAll(() => {
  sandbox = createSyncSandbox('path-build-');
  dir = sandbox.dir;
});
afterAll(() => sandbox?.remove());

describe('learning-path validation at build time', () => {
  it('the real paths sync cleanly', () => {
    const { status, output } = sandbox.sync();
    expect(status, output).toBe(0);
  }, 60_000);

  it('a path naming an article that does not exist fails the build, naming the file, the step and the slug', () => {
    copyFileSync(path.join(ROOT, 'tests/fixtures/paths-invalid', BROKEN), path.join(dir, 'src/content/paths', BROKEN));
    const { status, output } = sandbox.sync();
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
    const { status, output } = sandbox.sync();
    expect(status, output).not.toBe(0);
    expect(output).toContain('ai-risk-for-board-members.md');
    expect(output).toContain('there is no scenario in src/content/scenarios called "brief-the-audit-committee"');
  }, 60_000);
});
