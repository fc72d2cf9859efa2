/**
 * The scenario library's data for the /scenarios pages: the `scenarios` collection (validated by Astro
 * with the shared schema at build time, bundled into the server, so no files are read at request time),
 * in library order, and the difficulty / kind filters read from the query string.
 *
 * Underscore-prefixed: Astro does not route this file.
 */
import { getCollection, type CollectionEntry } from 'astro:content';
import {
  SCENARIO_DIFFICULTIES,
  SCENARIO_KINDS,
  type ScenarioDifficulty,
  type ScenarioKind,
} from '../../content/scenario-schema';

export type ScenarioEntry = CollectionEntry<'scenarios'>;

let cached: Promise<readonly ScenarioEntry[]> | undefined;

async function load(): Promise<readonly ScenarioEntry[]> {
  const entries = await getCollection('scenarios');
  return entries.sort((a, b) => a.data.order - b.data.order || a.id.localeCompare(b.id, 'en'));
}

/** Every scenario in library order (`order`, then id). Loaded once per server process; every time in `astro dev`. */
export function getScenarios(): Promise<readonly ScenarioEntry[]> {
  if (import.meta.env.DEV) return load();
  cached ??= load().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

export interface ScenarioFilters {
  difficulty?: ScenarioDifficulty;
  kind?: ScenarioKind;
}

export interface ParsedFilters extends ScenarioFilters {
  /** Query values that name no difficulty or kind (shown to the user, then ignored). */
  unknown: Array<{ param: 'difficulty' | 'kind'; value: string }>;
}

const isDifficulty = (v: string): v is ScenarioDifficulty => (SCENARIO_DIFFICULTIES as readonly string[]).includes(v);
const isKind = (v: string): v is ScenarioKind => (SCENARIO_KINDS as readonly string[]).includes(v);

/** `?difficulty=` and `?kind=` from the query string; unknown values are reported, not applied. */
export function parseFilters(params: URLSearchParams): ParsedFilters {
  const difficultyParam = (params.get('difficulty') ?? '').trim().toLowerCase();
  const kindParam = (params.get('kind') ?? '').trim().toLowerCase();
  const filters: ParsedFilters = { unknown: [] };
  if (isDifficulty(difficultyParam)) filters.difficulty = difficultyParam;
  else if (difficultyParam) filters.unknown.push({ param: 'difficulty', value: difficultyParam });
  if (isKind(kindParam)) filters.kind = kindParam;
  else if (kindParam) filters.unknown.push({ param: 'kind', value: kindParam });
  return filters;
}

export function matchesFilters(entry: ScenarioEntry, { difficulty, kind }: ScenarioFilters): boolean {
  return (!difficulty || entry.data.difficulty === difficulty) && (!kind || entry.data.kind === kind);
}

/** The library URL for a set of filters (parameters in a stable order; none → `/scenarios`). */
export function scenariosHref({ difficulty, kind }: ScenarioFilters): string {
  const params = new URLSearchParams();
  if (difficulty) params.set('difficulty', difficulty);
  if (kind) params.set('kind', kind);
  const query = params.toString();
  return query ? `/scenarios?${query}` : '/scenarios';
}

/** Where "Start this scenario" leads: the coach with the scenario's id (the server binds its instructions). */
export function coachHref(id: string): string {
  return `/coach?scenario=${encodeURIComponent(id)}`;
}
