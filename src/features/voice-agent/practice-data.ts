/**
 * The /coach page's `data-practice` attribute: the scenario the session is recorded as, and the titles of
 * the articles and scenarios its scorecard may suggest. Written by coach.astro from the content collections;
 * read defensively (a malformed attribute means free coaching and slugs shown as words, never a crash).
 */
import type { DemoScenarioBrief } from '../../lib/voice-agent/demo/script/scenario-role';
import type { ContentTitles } from '../training/wrap-up/SessionResult';
import type { PracticeScenario } from '../training/wrap-up/use-practice-wrap-up';

export interface PracticeData {
  practice?: PracticeScenario;
  titles?: ContentTitles;
  /** The chosen scenario's public brief, for the demo coach to rehearse (absent: no scenario chosen). */
  brief?: DemoScenarioBrief;
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

function parseBrief(v: unknown): DemoScenarioBrief | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const { id, title, kind, counterpartRole, openingLine, pushbacks } = v as Record<string, unknown>;
  if (typeof id !== 'string' || typeof title !== 'string' || (kind !== 'roleplay' && kind !== 'coaching')) return undefined;
  if (typeof counterpartRole !== 'string' || typeof openingLine !== 'string' || !isStrings(pushbacks)) return undefined;
  return { id, title, kind, counterpartRole, openingLine, pushbacks };
}

const isStringMap = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

export function parsePracticeData(raw: string | undefined): PracticeData {
  if (!raw) return {};
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return {};
  }
  if (typeof data !== 'object' || data === null) return {};
  const { practice, titles, brief } = data as Record<string, unknown>;
  const out: PracticeData = {};
  if (typeof practice === 'object' && practice !== null) {
    const { id, title } = practice as Record<string, unknown>;
    if (typeof id === 'string' && typeof title === 'string') out.practice = { id, title };
  }
  if (typeof titles === 'object' && titles !== null) {
    const { articles, scenarios } = titles as Record<string, unknown>;
    if (isStringMap(articles) && isStringMap(scenarios)) out.titles = { articles, scenarios };
  }
  const parsedBrief = parseBrief(brief);
  if (parsedBrief) out.brief = parsedBrief;
  return out;
}
