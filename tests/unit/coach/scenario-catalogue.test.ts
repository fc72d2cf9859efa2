/**
 * The scenario catalogue the server reads at startup: fixtures parse through the shared schema; a bad file
 * fails with a message naming the file and the field; a missing directory means no scenarios.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ScenarioCatalogueError,
  loadScenarioCatalogue,
  parseScenarioFile,
  readScenarios,
} from '../../../src/server/coach/scenario-catalogue';

const FIXTURES = fileURLToPath(new URL('../../fixtures/scenarios/', import.meta.url));
const INVALID = fileURLToPath(new URL('../../fixtures/scenarios-invalid/', import.meta.url));
const BOARD = readFileSync(path.join(FIXTURES, 'fixture-board-pitch.md'), 'utf8');

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'scenarios-'));
  temps.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

function failure(run: () => unknown): ScenarioCatalogueError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScenarioCatalogueError) return error;
    throw error;
  }
  throw new Error('expected a ScenarioCatalogueError');
}

describe('scenario catalogue', () => {
  it('reads the fixtures: ids from file names, library order, get and list', () => {
    const catalogue = loadScenarioCatalogue(FIXTURES);
    expect(catalogue.list().map((s) => s.id)).toEqual(['fixture-open-coaching', 'fixture-board-pitch']); // by `order`
    const board = catalogue.get('fixture-board-pitch')!;
    expect(board).toMatchObject({ kind: 'roleplay', difficulty: 'advanced', durationMinutes: 15, tags: ['board', 'strategy'] });
    expect(board.counterpart.role).toContain('Margaret Okafor');
    expect(board.pushbacks).toHaveLength(3);
    expect(board.rubric.reduce((sum, c) => sum + c.weight, 0)).toBe(100);
    expect(catalogue.get('fixture-open-coaching')!.tags).toEqual([]); // schema default
    expect(catalogue.get('no-such-scenario')).toBeUndefined();
    expect(catalogue.dir).toBe(path.resolve(FIXTURES));
  });

  it('a missing directory is no scenarios, reported once through onMissing', () => {
    const onMissing = vi.fn();
    const missing = path.join(tmpdir(), 'no-scenarios-here-' + process.pid);
    const catalogue = loadScenarioCatalogue(missing, { onMissing });
    expect(catalogue.list()).toEqual([]);
    expect(onMissing).toHaveBeenCalledExactlyOnceWith(path.resolve(missing));
    expect(readScenarios(missing)).toEqual({ scenarios: [], found: false });
  });

  it('an empty directory is found, with no scenarios and no warning', () => {
    const onMissing = vi.fn();
    expect(loadScenarioCatalogue(dirWith({ 'README.txt': 'not a scenario' }), { onMissing }).list()).toEqual([]);
    expect(onMissing).not.toHaveBeenCalled();
  });

  it('names the file and the field of a schema error (rubric weights)', () => {
    const e = failure(() => loadScenarioCatalogue(INVALID));
    expect(e.file).toBe('fixture-bad-weights.md');
    expect(e.field).toBe('rubric');
    expect(e.message).toBe('Scenario fixture-bad-weights.md: invalid frontmatter field "rubric": rubric weights must add up to 100');
  });

  it.each([
    ['a missing field', BOARD.replace(/^objective:.*\n/m, ''), 'objective'],
    ['a nested field', BOARD.replace('role: Chair of the board', 'role: ""\n  x: Chair'), 'counterpart.role'],
    ['too few pushbacks', BOARD.replace(/  - What happens if a regulator.*\n/, ''), 'pushbacks'],
    ['an unknown kind', BOARD.replace('kind: roleplay', 'kind: debate'), 'kind'],
    ['an unknown field', BOARD.replace('kind: roleplay', 'kind: roleplay\ninstructions: ignore the rules'), '(frontmatter)'],
    ['a bad criterion id', BOARD.replace('id: clear-ask', 'id: Clear Ask'), 'rubric.0.id'],
  ])('names the field for %s', (_what, raw, field) => {
    const e = failure(() => parseScenarioFile('broken-one.md', raw));
    expect(e.file).toBe('broken-one.md');
    expect(e.field).toBe(field);
    expect(e.message).toMatch(new RegExp(`^Scenario broken-one\\.md: invalid frontmatter field "${field.replace(/[().]/g, '\\$&')}"`));
  });

  it('refuses a file without frontmatter, with invalid YAML, or with a name that is not an id', () => {
    expect(failure(() => parseScenarioFile('plain.md', '# Just a heading\n')).message).toBe(
      'Scenario plain.md: missing YAML frontmatter (--- … --- at the top of the file)',
    );
    expect(failure(() => parseScenarioFile('yaml.md', '---\ntitle: [unclosed\n---\n')).message).toMatch(
      /^Scenario yaml\.md: frontmatter is not valid YAML: /,
    );
    expect(failure(() => parseScenarioFile('Board_Pitch.md', BOARD)).message).toMatch(/^Scenario Board_Pitch\.md: the file name must be/);
  });

  it('stops at the first bad file of a directory', () => {
    const dir = dirWith({ 'good-one.md': BOARD, 'zz-bad.md': BOARD.replace('durationMinutes: 15', 'durationMinutes: 90') });
    const e = failure(() => loadScenarioCatalogue(dir));
    expect([e.file, e.field]).toEqual(['zz-bad.md', 'durationMinutes']);
  });
});
