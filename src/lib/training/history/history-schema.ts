/**
 * Validation of a practice-history file before anything from it is written to IndexedDB ("Import" on
 * /progress, through `history-store.ts`'s `importAll`, which loads this module only when a file is
 * imported so /coach never carries zod). It accepts exactly what `exportAll()` writes, bounds every string,
 * list and number (a file is user-supplied: it must not be able to fill the browser's storage or feed
 * the charts nonsense), and on the first problem throws a `HistoryImportError` whose message names the
 * field in plain words ("sessions[2].scenario.id: should be lower-case words joined by hyphens").
 *
 * Unknown keys are dropped rather than refused, so a file from a later release that adds a field still
 * imports; `version` is what says the shape changed.
 *
 * Browser-only module (also runs under vitest): never import from `src/server/**` here, nor
 * `src/content/*-schema.ts` (they bring Astro's zod into the client bundle).
 */
import { z } from 'zod';
import { COACH_MODES } from '../../voice-agent/types/api';
import type { HistoryExport } from './history-types';

// No `new Function` fast path: the site's CSP (script-src 'self') forbids eval, and zod's probe for it
// would log a CSP violation in the user's console on every import. The plain path is quick enough here.
z.config({ jitless: true });

/** Most sessions one file may hold (years of weekly practice; the charts stay readable). */
export const MAX_IMPORT_SESSIONS = 2000;

export const NOT_A_HISTORY_FILE = 'This is not a history file exported from this site.';

/** Why an import was refused, in words for the user; `path` is the first bad field ("sessions[2].scenario.id"). */
export class HistoryImportError extends Error {
  readonly path: string;
  constructor(message: string, path = '') {
    super(message);
    this.name = 'HistoryImportError';
    this.path = path;
  }
}

/** Scenario, criterion and article ids: lower-case words joined by hyphens (as in the content collections). */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Record ids are `crypto.randomUUID()`; anything URL-safe of a sane length is accepted. */
const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
/** 2100-01-01: a later `at` is a corrupted file, not a session. */
const MAX_EPOCH_MS = 4_102_444_800_000;

const slug = z.string().max(100).regex(SLUG, 'should be lower-case words joined by hyphens');
const text = (max: number) => z.string().max(max);
const count = (max: number) => z.number().int().min(0).max(max);
const measure = (max: number) => z.number().min(0).max(max);

const scenarioRef = z.object({ id: slug, title: text(200).min(1) });

const criterionSchema = z.object({
  id: slug,
  criterion: text(200).min(1),
  weight: count(100),
  score: z.number().int().min(1).max(5),
  evidence: z.array(text(1000)).max(10),
  comment: text(2000),
});

const scorecardSchema = z.object({
  scenario: scenarioRef,
  overall: count(100),
  criteria: z.array(criterionSchema).min(1).max(12),
  strengths: z.array(text(1000)).max(10),
  improvements: z.array(text(1000)).max(10),
  next: z.object({ articles: z.array(slug).max(20), scenario: slug.optional() }),
  grader: z.enum(['model', 'heuristic']),
  notes: z.array(text(1000)).max(20),
  recap: z.object({ summary: text(2000), token: text(4000) }).optional(),
});

const signalsSchema = z.object({
  userWords: count(1_000_000),
  userTurns: count(100_000),
  paceWpm: measure(1000).optional(),
  talkRatio: measure(1).optional(),
  talkRatioBasis: z.enum(['time', 'words']).optional(),
  fillerCount: count(1_000_000),
  fillersPer100Words: measure(100),
  topFillers: z.array(z.object({ word: text(60).min(1), count: count(1_000_000) })).max(10),
  longestMonologueWords: count(1_000_000),
  longestMonologueSeconds: measure(86_400).optional(),
  questionsAsked: count(100_000),
});

const turnSchema = z.object({
  role: z.enum(['user', 'assistant']),
  text: text(20_000),
  status: text(40).optional(),
  durationMs: measure(86_400_000).optional(),
});

export const practiceRecordSchema = z.object({
  id: z.string().regex(RECORD_ID, 'should be a session id (letters, digits and hyphens, at most 100)'),
  version: z.literal(1),
  at: count(MAX_EPOCH_MS),
  scenario: scenarioRef,
  mode: z.enum(COACH_MODES),
  durationSeconds: count(86_400),
  scorecard: scorecardSchema.optional(),
  scorecardMissing: text(1000).optional(),
  signals: signalsSchema,
  transcript: z.array(turnSchema).max(2000),
});

export const historyExportSchema = z.object({
  format: z.literal('eatp-history'),
  version: z.literal(1),
  exportedAt: text(40),
  sessions: z.array(practiceRecordSchema).max(MAX_IMPORT_SESSIONS),
});

type Issue = z.core.$ZodIssue;

/** `["sessions", 2, "scenario", "id"]` → `sessions[2].scenario.id`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number' && !Number.isInteger(value)) return 'a fraction';
  return TYPE_WORDS[typeof value] ?? typeof value;
}

/** The offending value when it is short enough to show (never long text: a transcript could be pasted back). */
function found(issue: Issue): string {
  if (!('input' in issue)) return '';
  const { input } = issue;
  if (typeof input === 'number' || typeof input === 'boolean') return ` (found ${String(input)})`;
  if (typeof input === 'string' && input.length <= 40) return ` (found ${JSON.stringify(input)})`;
  return '';
}

function oneOf(values: readonly unknown[]): string {
  const words = values.map((v) => JSON.stringify(v));
  return words.length <= 1 ? `should be ${words[0] ?? 'something else'}` : `should be one of ${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;
}

/** One zod issue in plain words (without the path). */
export function describeIssue(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (!('input' in issue) || issue.input === undefined) return 'is missing';
      return `should be ${TYPE_WORDS[issue.expected] ?? issue.expected}, not ${typeOf(issue.input)}`;
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `is too long (at most ${max} characters)`;
      if (issue.origin === 'array') return `has too many entries (at most ${max})`;
      return `should be at most ${max}${found(issue)}`;
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? 'should not be empty' : `is too short (at least ${min} characters)`;
      if (issue.origin === 'array') return `should have at least ${min} ${min === 1 ? 'entry' : 'entries'}`;
      return `should be at least ${min}${found(issue)}`;
    }
    case 'invalid_value':
      return `${oneOf(issue.values)}${found(issue)}`;
    case 'invalid_format':
      return `${issue.message}${found(issue)}`;
    case 'invalid_union':
      return 'is not valid';
    default:
      return issue.message;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a parsed history file. Throws `HistoryImportError` on the first problem: a file that is not
 * ours at all, a newer format, too many sessions, a bad field (named), or the same session twice.
 */
export function parseHistoryExport(data: unknown): HistoryExport {
  if (!isRecord(data) || data.format !== 'eatp-history') throw new HistoryImportError(NOT_A_HISTORY_FILE);
  if (typeof data.version === 'number' && data.version > 1) {
    throw new HistoryImportError(
      `This history file was made by a newer version of this site (version ${data.version}); this site reads version 1 files.`,
      'version',
    );
  }
  // Counted before validating, so a huge file is refused without checking every session in it.
  if (Array.isArray(data.sessions) && data.sessions.length > MAX_IMPORT_SESSIONS) {
    throw new HistoryImportError(
      `sessions: a history file holds at most ${MAX_IMPORT_SESSIONS} sessions; this one has ${data.sessions.length}.`,
      'sessions',
    );
  }
  const result = historyExportSchema.safeParse(data, { reportInput: true });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = formatPath(issue.path);
    throw new HistoryImportError(`${path || 'The file'}: ${describeIssue(issue)}`, path);
  }
  const seen = new Map<string, number>();
  result.data.sessions.forEach((session, index) => {
    const first = seen.get(session.id);
    if (first !== undefined) {
      const path = `sessions[${index}].id`;
      throw new HistoryImportError(`${path}: the same session appears twice in this file (also sessions[${first}])`, path);
    }
    seen.set(session.id, index);
  });
  return result.data satisfies HistoryExport;
}
