/** Display labels for the scenario pages (the schema keeps the values; these are the words users see). */
import { SCENARIO_DIFFICULTY_LABELS, type ScenarioDifficulty, type ScenarioKind } from '../../content/scenario-schema';

export const SCENARIO_KIND_LABELS: Readonly<Record<ScenarioKind, string>> = {
  roleplay: 'Role-play',
  coaching: 'Coaching',
};

/** Plural labels for the filter (“Role-plays”, “Coaching”). */
export const SCENARIO_KIND_FILTER_LABELS: Readonly<Record<ScenarioKind, string>> = {
  roleplay: 'Role-plays',
  coaching: 'Coaching',
};

export { SCENARIO_DIFFICULTY_LABELS };

/** What the card and brief call the counterpart: someone across the table, or the coach itself. */
export function counterpartLabel(kind: ScenarioKind): string {
  return kind === 'coaching' ? 'Your coach' : 'Across the table';
}

export function difficultyTone(difficulty: ScenarioDifficulty): 'success' | 'accent' | 'warning' {
  return difficulty === 'foundation' ? 'success' : difficulty === 'intermediate' ? 'accent' : 'warning';
}
