/**
 * The practice scenarios the server can bind to a session: `src/content/scenarios/*.md` read from disk at
 * startup, frontmatter validated with the same schema as Astro's `scenarios` collection (scenario-schema.ts).
 * The file name (without `.md`) is the scenario id a token request names. Plain Node only: no `astro:*`
 * imports (the Markdown body is the brief for the pages; the server needs the frontmatter only).
 *
 * A bad file stops startup with a message naming the file and the field; a missing directory means no
 * scenarios (free coaching only) and a warning.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SCENARIO_ID, scenarioSchema, type ScenarioFrontmatter } from '../../content/scenario-schema';
import { splitFrontmatter } from '../search/knowledge/knowledge-corpus';

export const DEFAULT_SCENARIOS_DIR = path.resolve(process.cwd(), 'src/content/scenarios');

export interface Scenario extends ScenarioFrontmatter {
  id: string;
}

export interface ScenarioCatalogue {
  /** The directory read (absolute). */
  readonly dir: string;
  /** The scenario with this id, or undefined. */
  get(id: string): Scenario | undefined;
  /** Every scenario, in library order (`order`, then id). */
  list(): readonly Scenario[];
}

/** A scenario file that cannot be loaded: the message names the file and, for schema errors, the field. */
export class ScenarioCatalogueError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ScenarioCatalogueError';
  }
}

/** Parses and validates one scenario file. `fileName` gives the id and is named in error messages. */
export function parseScenarioFile(fileName: string, raw: string): Scenario {
  const base = path.basename(fileName);
  const id = base.replace(/\.md$/i, '');
  if (!SCENARIO_ID.test(id)) {
    throw new ScenarioCatalogueError(`Scenario ${base}: the file name must be lower-case words joined by hyphens (it is the scenario id)`, base);
  }
  const parts = splitFrontmatter(raw);
  if (!parts) throw new ScenarioCatalogueError(`Scenario ${base}: missing YAML frontmatter (--- … --- at the top of the file)`, base);
  let data: unknown;
  try {
    data = parseYaml(parts.frontmatter);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ScenarioCatalogueError(`Scenario ${base}: frontmatter is not valid YAML: ${reason}`, base);
  }
  const result = scenarioSchema.safeParse(data ?? {});
  if (!result.success) {
    const [first, ...rest] = result.error.issues.map((i) => ({ field: i.path.join('.') || '(frontmatter)', message: i.message }));
    const field = first?.field ?? '(frontmatter)';
    const more = rest.map((i) => `; also "${i.field}": ${i.message}`).join('');
    throw new ScenarioCatalogueError(`Scenario ${base}: invalid frontmatter field "${field}": ${first?.message ?? 'invalid'}${more}`, base, field);
  }
  return { id, ...result.data };
}

export interface ReadScenariosResult {
  scenarios: Scenario[];
  /** False when the directory does not exist (no scenarios: free coaching only). */
  found: boolean;
}

/** Reads and validates every `*.md` file in `dir`. Throws ScenarioCatalogueError on the first bad file. */
export function readScenarios(dir: string = DEFAULT_SCENARIOS_DIR): ReadScenariosResult {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.toLowerCase().endsWith('.md'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { scenarios: [], found: false };
    const reason = error instanceof Error ? error.message : String(error);
    throw new ScenarioCatalogueError(`Scenario directory ${dir} cannot be read: ${reason}`, dir);
  }
  names.sort();
  const scenarios = names.map((name) => parseScenarioFile(name, readFileSync(path.join(dir, name), 'utf8')));
  const seen = new Set<string>();
  for (const s of scenarios) {
    // Only differently-cased extensions (a.md, a.MD) can collide: ids come from file names.
    if (seen.has(s.id)) throw new ScenarioCatalogueError(`Scenario ${s.id}.md: duplicate scenario id`, `${s.id}.md`);
    seen.add(s.id);
  }
  scenarios.sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
  return { scenarios, found: true };
}

/** A catalogue over already-validated scenarios (tests; `loadScenarioCatalogue` reads them from disk). */
export function createScenarioCatalogue(scenarios: readonly Scenario[], dir = ''): ScenarioCatalogue {
  const list = Object.freeze(scenarios.map((s) => Object.freeze({ ...s })));
  const byId = new Map(list.map((s) => [s.id, s]));
  return {
    dir,
    get: (id) => byId.get(id),
    list: () => list,
  };
}

export interface LoadScenarioOptions {
  /** Called once when the directory is missing (startup warning). */
  onMissing?(dir: string): void;
}

/** Reads `dir` once at startup. Throws ScenarioCatalogueError for a bad file. */
export function loadScenarioCatalogue(dir: string = DEFAULT_SCENARIOS_DIR, options: LoadScenarioOptions = {}): ScenarioCatalogue {
  const resolved = path.resolve(dir);
  const { scenarios, found } = readScenarios(resolved);
  if (!found) options.onMissing?.(resolved);
  return createScenarioCatalogue(scenarios, resolved);
}
