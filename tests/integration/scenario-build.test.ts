/**
 * A broken scenario fails the build with a clear message: Astro's content layer validates the `scenarios`
 * collection with the shared schema when it syncs (as `astro build` does first), so a scenario whose
 * rubric weights add up to 90 stops `astro sync` with a non-zero exit and output naming the file and the
 * problem. Runs in a throwaway sync sandbox (tests/helpers/astro-sync.ts), so the project's own caches are
 * never touched; a clean copy syncs, as the control.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, createSyncSandbox, type SyncSandbox } from '../helpers/astro-sync';

const BROKEN = 'broken-weights.md';

let sandbox: SyncSandbox;
let dir: string;

/** A real scenario with its first criterion's weight lowered by 10, so the weights add up to 90. */
function scenarioWithWeightsOf90(): string {
  const raw = readFileSync(path.join(ROOT, 'src/content/scenarios/defend-ai-budget-to-the-cfo.md'), 'utf8');
  const broken = raw.replace(/(criterion: "Payback and unit economics"\n\s+weight: )30/, '$120');
  if (broken === raw) throw new Error('fixture: could not lower the first rubric weight');
  return broken;
}

beforeAll(() => {
  sandbox = createSyncSandbox('scenario-build-');
  dir = sandbox.dir;
});
afterAll(() => sandbox?.remove());

describe('scenario validation at build time', () => {
  it('the real scenarios sync cleanly', () => {
    const { status, output } = sandbox.sync();
    expect(status, output).toBe(0);
  }, 60_000);

  it('a broken scenario fails the build with a clear message', () => {
    writeFileSync(path.join(dir, 'src/content/scenarios', BROKEN), scenarioWithWeightsOf90());
    const { status, output } = sandbox.sync();
    expect(status, output).not.toBe(0);
    expect(output).toContain(BROKEN); // names the file…
    expect(output).toContain('scenarios'); // …and the collection…
    expect(output).toMatch(/rubric/); // …and the field…
    expect(output).toContain('rubric weights must add up to 100'); // …and the problem.
  }, 60_000);
});
