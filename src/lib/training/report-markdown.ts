/**
 * A practice session as a Markdown document (the report page's "Download Markdown"): title, date, scenario,
 * mode, duration, the scorecard (overall, criteria table, evidence, strengths, improvements, next steps with
 * links), the delivery signals and the whole transcript. Pure: the same record gives the same document.
 *
 * Everything a person said (and everything in a record, which may come from an imported file) is escaped, so
 * a transcript containing `|`, `#`, `*`, backticks or HTML can never break the table or the document.
 *
 * The plain-words readings (scores, overall, signals, durations, mode names) live here too, so the report
 * page and the Markdown say exactly the same thing.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { DeliverySignals } from './delivery-signal-types';
import type { PracticeRecord } from './history/history-types';
import type { CoachMode, Scorecard } from '../voice-agent/types/api';

export interface ReportTitles {
  /** Knowledge-article slug → title (from the `knowledge` collection). */
  articleTitles: Readonly<Record<string, string>>;
  /** Scenario id → title (from the `scenarios` collection). */
  scenarioTitles: Readonly<Record<string, string>>;
}

export interface ReportMarkdownOptions extends ReportTitles {
  /** Origin for absolute links (`https://coach.example.com`); relative links (`/library/…`) without it. */
  siteUrl?: string;
  /** What the coach's turns are labelled per scenario ("Counterpart" in a role-play); "Coach" otherwise. */
  assistantNames?: Readonly<Record<string, string>>;
  /** IANA time zone for the date (tests pin it); the browser's own when absent. */
  timeZone?: string;
}

// ---- Shared wording (the report page uses the same words) -------------------------------------------------

export const MODE_LABELS: Readonly<Record<CoachMode, string>> = {
  realtime: 'Live voice',
  fallback: 'Chat with speech',
  demo: 'Scripted demo',
};

/** Shown prominently on any scorecard from the rule-based grader (demo sessions). */
export const HEURISTIC_GRADER_NOTE = 'Scored by a simple rule-based grader, not the AI: a rough guide.';

const SCORE_WORDS = ['Poor', 'Weak', 'Fair', 'Good', 'Excellent'] as const;

/** A criterion's 1–5 score in words: "4 out of 5 (Good)". */
export function scoreText(score: number): string {
  const s = Math.min(5, Math.max(1, Math.round(score)));
  return `${s} out of 5 (${SCORE_WORDS[s - 1]})`;
}

/** The overall 0–100 in plain words. */
export function overallReading(overall: number): string {
  if (overall >= 85) return 'Excellent: ready for the real conversation.';
  if (overall >= 70) return 'Strong: a few things to sharpen before the day.';
  if (overall >= 50) return 'A solid base, with clear gaps to work on.';
  if (overall >= 30) return 'Developing: rehearse this one again soon.';
  return 'Early days: reread the brief and try again.';
}

const ACRONYMS = new Set(['ai', 'eu', 'uk', 'ceo', 'cfo', 'cio', 'cto', 'coo', 'hr', 'ip', 'nist', 'rmf', 'gpai', 'roi', 'kpi', 'esg']);

/** `eu-ai-act-high-risk-systems` → "EU AI act high risk systems": a readable stand-in when a title is unknown. */
export function humaniseSlug(slug: string): string {
  const words = slug.split(/[-_\s]+/).filter(Boolean).map((w) => (ACRONYMS.has(w.toLowerCase()) ? w.toUpperCase() : w.toLowerCase()));
  if (words.length === 0) return slug;
  words[0] = words[0]![0]!.toUpperCase() + words[0]!.slice(1);
  return words.join(' ');
}

export const titleOf = (titles: Readonly<Record<string, string>>, slug: string) =>
  Object.hasOwn(titles, slug) ? titles[slug]! : humaniseSlug(slug);

/** A path segment safe inside a Markdown link and an href (parentheses and quotes encoded too). */
const segment = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
export const articleHref = (slug: string) => `/library/${segment(slug)}`;
export const scenarioHref = (id: string) => `/scenarios/${segment(id)}`;

/** Whole seconds as "7 min 5 s" (or "45 s", "1 h 2 min"). */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s / 60} min`;
  const minutes = Math.round((s % 3600) / 60);
  return minutes ? `${Math.floor(s / 3600)} h ${minutes} min` : `${Math.floor(s / 3600)} h`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function dateParts(at: number, timeZone?: string) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute') };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "12 March 2025, 14:05" (fixed wording, whatever the browser's locale). */
export function formatReportDate(at: number, timeZone?: string): string {
  const d = dateParts(at, timeZone);
  return `${d.day} ${MONTHS[d.month - 1]} ${d.year}, ${pad(d.hour)}:${pad(d.minute)}`;
}

/** `practice-report-<scenario-id>-<YYYY-MM-DD>.md` (the id reduced to safe file-name characters). */
export function reportFileName(record: Pick<PracticeRecord, 'scenario' | 'at'>, timeZone?: string): string {
  const d = dateParts(record.at, timeZone);
  const id = record.scenario.id.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'session';
  return `practice-report-${id}-${d.year}-${pad(d.month)}-${pad(d.day)}.md`;
}

export interface SignalLine {
  label: string;
  value: string;
}

/** The delivery signals as label/value lines (absent measures say why, in words). */
export function signalLines(signals: DeliverySignals): SignalLine[] {
  const fillers =
    signals.fillerCount === 0
      ? 'None'
      : `${signals.fillerCount} (${signals.fillersPer100Words.toFixed(1)} per 100 words)` +
        (signals.topFillers.length ? `, most often ${signals.topFillers.map((f) => `“${f.word}” ×${f.count}`).join(', ')}` : '');
  const ratio =
    signals.talkRatio === undefined
      ? 'Not measured (both sides need to speak)'
      : `${Math.round(signals.talkRatio * 100)}% you, ${100 - Math.round(signals.talkRatio * 100)}% the other side (${signals.talkRatioBasis === 'time' ? 'by speaking time' : 'by words'})`;
  return [
    { label: 'What you said', value: `${signals.userWords} word${signals.userWords === 1 ? '' : 's'} in ${signals.userTurns} turn${signals.userTurns === 1 ? '' : 's'}` },
    { label: 'Speaking pace', value: signals.paceWpm === undefined ? 'Not measured (too little timed speech)' : `${Math.round(signals.paceWpm)} words a minute` },
    { label: 'Talk ratio', value: ratio },
    { label: 'Filler words', value: fillers },
    {
      label: 'Longest answer',
      value: `${signals.longestMonologueWords} words` + (signals.longestMonologueSeconds === undefined ? '' : ` (${formatDuration(signals.longestMonologueSeconds)})`),
    },
    { label: 'Questions you asked', value: String(signals.questionsAsked) },
  ];
}

export interface NextStep {
  label: 'Practise next' | 'Practise again';
  title: string;
  href: string;
}

/** The scenario to practise next: the server's suggestion (when the overall allows), else this one again. */
export function practiseStep(card: Scorecard, titles: Pick<ReportTitles, 'scenarioTitles'>): NextStep {
  const next = card.next.scenario;
  if (next) return { label: 'Practise next', title: titleOf(titles.scenarioTitles, next), href: scenarioHref(next) };
  const title = card.scenario.title || titleOf(titles.scenarioTitles, card.scenario.id);
  return { label: 'Practise again', title, href: scenarioHref(card.scenario.id) };
}

// ---- Markdown -------------------------------------------------------------------------------------------

/**
 * Inline-safe Markdown text: whitespace (newlines included) collapsed to one space, every character with a
 * Markdown meaning backslash-escaped, and block markers at the start (`#`, `-`, `+`, `=`, `1.`) neutralised.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_[\]<>|~]/g, '\\$&')
    .replace(/&(?=#?\w+;)/g, '\\&')
    .replace(/^[#+=-]/, '\\$&')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

const link = (text: string, href: string, siteUrl?: string) => `[${escapeMarkdown(text)}](${siteUrl ? siteUrl.replace(/\/+$/, '') : ''}${href})`;

function scorecardSection(card: Scorecard, options: ReportMarkdownOptions): string[] {
  const out: string[] = [];
  if (card.grader === 'heuristic') out.push(`> **${HEURISTIC_GRADER_NOTE}**`, '');
  out.push('## Scores', '', '| Criterion | Weight | Score |', '| --- | ---: | --- |');
  for (const c of card.criteria) out.push(`| ${escapeMarkdown(c.criterion)} | ${c.weight} | ${scoreText(c.score)} |`);
  out.push('', '## Evidence', '');
  for (const c of card.criteria) {
    out.push(`### ${escapeMarkdown(c.criterion)}: ${scoreText(c.score)}`, '');
    if (c.comment.trim()) out.push(escapeMarkdown(c.comment), '');
    if (c.evidence.length) out.push(...c.evidence.map((q) => `- In your words: “${escapeMarkdown(q)}”`), '');
    else out.push('- No quotation for this criterion.', '');
  }
  const list = (title: string, items: string[]) => {
    if (items.length) out.push(`## ${title}`, '', ...items.map((item, i) => `${i + 1}. ${escapeMarkdown(item)}`), '');
  };
  list('Strengths', card.strengths);
  list('Improvements', card.improvements);
  const step = practiseStep(card, options);
  out.push(
    '## Next steps',
    '',
    ...card.next.articles.map((slug) => `- Read: ${link(titleOf(options.articleTitles, slug), articleHref(slug), options.siteUrl)}`),
    `- ${step.label}: ${link(step.title, step.href, options.siteUrl)}`,
    '',
  );
  if (card.notes.length) out.push('## Notes from the grader', '', ...card.notes.map((n) => `- ${escapeMarkdown(n)}`), '');
  return out;
}

/** The whole practice report as one Markdown document (ends with a newline). */
export function practiceReportMarkdown(record: PracticeRecord, options: ReportMarkdownOptions): string {
  const card = record.scorecard;
  const scenarioTitle = record.scenario.title || titleOf(options.scenarioTitles, record.scenario.id);
  const assistant = options.assistantNames?.[record.scenario.id] ?? 'Coach';
  const out: string[] = [
    `# Practice report: ${escapeMarkdown(scenarioTitle)}`,
    '',
    `- **Date:** ${formatReportDate(record.at, options.timeZone)}`,
    `- **Scenario:** ${link(scenarioTitle, scenarioHref(record.scenario.id), options.siteUrl)}`,
    `- **Mode:** ${MODE_LABELS[record.mode] ?? escapeMarkdown(String(record.mode))}`,
    `- **Duration:** ${formatDuration(record.durationSeconds)}`,
  ];
  if (card) {
    out.push(
      `- **Overall:** ${card.overall}/100. ${overallReading(card.overall)}`,
      `- **Graded by:** ${card.grader === 'heuristic' ? 'a simple rule-based grader' : 'the AI grader'}`,
      '',
      ...scorecardSection(card, options),
    );
  } else {
    out.push('', '## Scorecard', '', `No scorecard for this session: ${escapeMarkdown(record.scorecardMissing ?? 'it was not scored.')}`, '');
  }
  out.push('## Delivery signals', '', ...signalLines(record.signals).map((l) => `- **${l.label}:** ${escapeMarkdown(l.value)}`), '');
  out.push('## Transcript', '');
  if (record.transcript.length === 0) out.push('*Nothing was said in this session.*', '');
  for (const turn of record.transcript) {
    const who = turn.role === 'user' ? 'You' : escapeMarkdown(assistant);
    const words = escapeMarkdown(turn.text) || '*(no words)*';
    out.push(`**${who}:** ${words}${turn.status === 'interrupted' ? ' *(interrupted)*' : ''}`, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}
