/**
 * A session's scorecard (docs/scorecards.md), for the report page and for /coach right after a session: the
 * overall 0–100 with a plain-words reading, each rubric criterion (weight, score in words and as a bar, the
 * grader's comment, the user's own words as evidence), three strengths, three improvements, and what to read
 * or practise next. A heuristic (demo) scorecard says so first, prominently.
 *
 * Static and server-renderable (no effects). Headings start at `headingLevel` so the block nests under the
 * host's headings; nothing is told by colour alone; long quotes wrap at 320 px.
 */
import { ArrowRight, BookOpen, Check, Info, Repeat, TrendingUp } from 'lucide-react';
import type { Scorecard } from '../../../lib/voice-agent/types/api';
import {
  HEURISTIC_GRADER_NOTE,
  articleHref,
  overallReading,
  practiseStep,
  scoreText,
  titleOf,
} from '../../../lib/training/report-markdown';
import { Heading, deeper, type HeadingLevel } from './Heading';
import { ScoreBar } from './ScoreBar';

interface Props {
  scorecard: Scorecard;
  /** Level of the scorecard's own heading (its sections are one deeper, criteria two). */
  headingLevel?: 2 | 3 | 4;
  /** The scorecard's heading text. */
  title?: string;
  /** Knowledge-article slug → title; an unknown slug is shown as words. */
  articleTitles?: Readonly<Record<string, string>>;
  /** Scenario id → title. */
  scenarioTitles?: Readonly<Record<string, string>>;
  /** Origin for the URLs printed after the next-step links (`location.origin`); relative paths without it. */
  siteUrl?: string;
  /** Prefix for element ids (two scorecards on one page must not share ids). */
  idPrefix?: string;
}

const NO_TITLES: Readonly<Record<string, string>> = {};

export function ScorecardView({
  scorecard: card,
  headingLevel = 2,
  title = 'Your scorecard',
  articleTitles = NO_TITLES,
  scenarioTitles = NO_TITLES,
  siteUrl,
  idPrefix = 'scorecard',
}: Props) {
  const section = deeper(headingLevel);
  const item = deeper(headingLevel, 2);
  const printUrl = (href: string) => (siteUrl ? new URL(href, siteUrl).href : href);
  const heuristic = card.grader === 'heuristic';
  const step = practiseStep(card, { scenarioTitles });
  const overall = Math.min(100, Math.max(0, Math.round(card.overall)));

  return (
    <section data-testid="scorecard" data-grader={card.grader} aria-labelledby={`${idPrefix}-title`} className="space-y-8">
      <div>
        <Heading level={headingLevel} id={`${idPrefix}-title`} className="font-display text-2xl leading-tight text-ink sm:text-3xl">
          {title}
        </Heading>
        <p className="mt-1 text-sm text-ink-muted">
          Against the rubric for “{card.scenario.title}”, {heuristic ? 'by a rule-based grader' : 'by the AI grader'}.
        </p>
      </div>

      {heuristic && (
        <div data-testid="scorecard-grader-note" role="note" className="report-keep flex gap-3 rounded-control border-2 border-warning bg-warning-soft p-4">
          <Info size={20} className="mt-0.5 shrink-0 text-warning" aria-hidden="true" />
          <p className="font-semibold leading-relaxed text-ink">{HEURISTIC_GRADER_NOTE}</p>
        </div>
      )}

      <div data-testid="scorecard-overall" data-overall={overall} className="report-keep rounded-card border border-line bg-surface p-5 shadow-card">
        <p className="text-sm font-semibold uppercase tracking-[0.14em] text-ink-muted">Overall</p>
        <p className="mt-1 text-ink">
          <span className="font-display text-5xl leading-none">{overall}</span>
          <span className="ml-1.5 text-lg text-ink-muted">out of 100</span>
        </p>
        <div aria-hidden="true" data-score-bar="" className="mt-3 h-2 max-w-md overflow-hidden rounded-full border border-line-strong bg-surface-sunken">
          <div data-filled="true" className="h-full bg-accent" style={{ width: `${overall}%` }} />
        </div>
        <p className="mt-3 font-medium leading-relaxed text-ink">{overallReading(overall)}</p>
      </div>

      <section aria-labelledby={`${idPrefix}-criteria`}>
        <Heading level={section} id={`${idPrefix}-criteria`} className="font-display text-xl text-ink">
          Scores by criterion
        </Heading>
        <ol className="mt-4 space-y-4">
          {card.criteria.map((c) => (
            <li
              key={c.id}
              data-testid="scorecard-criterion"
              data-criterion-id={c.id}
              className="report-keep rounded-card border border-line bg-surface p-5"
            >
              <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
                <Heading level={item} className="font-semibold text-ink">
                  {c.criterion}
                </Heading>
                <p className="text-sm text-ink-muted">Weight {c.weight}%</p>
              </div>
              <p className="mt-2 flex flex-wrap items-center gap-x-3 gap-y-1">
                <span data-testid="scorecard-criterion-score" className="font-semibold text-ink">
                  {scoreText(c.score)}
                </span>
                <ScoreBar score={c.score} />
              </p>
              {c.comment && <p className="mt-2 leading-relaxed text-ink">{c.comment}</p>}
              {c.evidence.length > 0 ? (
                <ul className="mt-3 space-y-2">
                  {c.evidence.map((quote, i) => (
                    <li key={i}>
                      <blockquote data-testid="scorecard-evidence" className="report-keep border-l-2 border-highlight pl-3 leading-relaxed break-words text-ink">
                        <span className="text-sm font-medium text-ink-muted">In your words: </span>
                        <span className="italic">“{quote}”</span>
                      </blockquote>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="mt-3 text-sm text-ink-muted">No quotation for this criterion.</p>
              )}
            </li>
          ))}
        </ol>
      </section>

      <div className="grid gap-6 md:grid-cols-2">
        <ListSection testId="scorecard-strengths" id={`${idPrefix}-strengths`} level={section} title="Strengths" items={card.strengths} icon="check" />
        <ListSection testId="scorecard-improvements" id={`${idPrefix}-improvements`} level={section} title="To improve" items={card.improvements} icon="up" />
      </div>

      <section data-testid="scorecard-next" aria-labelledby={`${idPrefix}-next`} className="report-keep">
        <Heading level={section} id={`${idPrefix}-next`} className="font-display text-xl text-ink">
          What to try next
        </Heading>
        <ul className="mt-3 space-y-2">
          {card.next.articles.map((slug) => (
            <li key={slug} className="flex gap-2 leading-relaxed">
              <BookOpen size={18} className="mt-1 shrink-0 text-highlight" aria-hidden="true" />
              <span className="min-w-0 break-words">
                <span className="text-ink-muted">Read: </span>
                <a href={articleHref(slug)} data-print-url={printUrl(articleHref(slug))} className="font-medium text-accent underline underline-offset-2">
                  {titleOf(articleTitles, slug)}
                </a>
              </span>
            </li>
          ))}
          <li className="flex gap-2 leading-relaxed">
            {step.label === 'Practise next' ? (
              <ArrowRight size={18} className="mt-1 shrink-0 text-highlight" aria-hidden="true" />
            ) : (
              <Repeat size={18} className="mt-1 shrink-0 text-highlight" aria-hidden="true" />
            )}
            <span className="min-w-0 break-words">
              <span className="text-ink-muted">{step.label}: </span>
              <a href={step.href} data-print-url={printUrl(step.href)} className="font-medium text-accent underline underline-offset-2">
                {step.title}
              </a>
            </span>
          </li>
        </ul>
      </section>

      {card.notes.length > 0 && (
        <section aria-labelledby={`${idPrefix}-notes`} className="report-keep">
          <Heading level={section} id={`${idPrefix}-notes`} className="text-base font-semibold text-ink">
            Notes from the grader
          </Heading>
          <ul className="mt-2 list-disc space-y-1 pl-5 text-sm leading-relaxed text-ink-muted">
            {card.notes.map((note, i) => (
              <li key={i}>{note}</li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

interface ListProps {
  testId: string;
  id: string;
  level: HeadingLevel;
  title: string;
  items: readonly string[];
  icon: 'check' | 'up';
}

function ListSection({ testId, id, level, title, items, icon }: ListProps) {
  const Icon = icon === 'check' ? Check : TrendingUp;
  return (
    <section data-testid={testId} aria-labelledby={id} className="report-keep rounded-card border border-line bg-surface p-5">
      <Heading level={level} id={id} className="font-display text-xl text-ink">
        {title}
      </Heading>
      <ol className="mt-3 space-y-2">
        {items.map((text, i) => (
          <li key={i} className="flex gap-2 leading-relaxed text-ink">
            <Icon size={18} className={`mt-1 shrink-0 ${icon === 'check' ? 'text-success' : 'text-highlight'}`} aria-hidden="true" />
            <span className="min-w-0 break-words">{text}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
