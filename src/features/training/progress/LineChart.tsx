/**
 * A small hand-drawn SVG line chart (no chart library: /progress stays light). Sessions are spaced evenly
 * left to right, oldest first; the y axis is fixed per measure (1–5 for a criterion, 0–100 overall) so
 * charts compare at a glance. The SVG is drawn at the width it is shown at (measured), so its text stays
 * 11 px on a phone and on a wide screen alike, and only as many dates are written as fit. Accessible: the SVG is one `role="img"` whose name summarises the series
 * ("Evidence-based claims: 2, 3, 4 over 3 sessions"), and a <details> table under it gives every number.
 */
import { useLayoutEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import { axisDateFormatter, formatSessionDate, formatShortDate } from './progress-copy';
import { chartSummary, labelIndices, type Axis, type ChartPoint } from './progress-data';

const SIZES = {
  small: { width: 300, height: 150, left: 34, right: 14, top: 12, bottom: 28 },
  large: { width: 680, height: 240, left: 40, right: 18, top: 14, bottom: 30 },
} as const;

/** Roughly how wide an 11 px label is per character, plus the gap wanted between two labels. */
const CHAR_PX = 6.4;
const LABEL_GAP = 14;

/** The element's content width, kept up to date; `fallback` until it has been measured. */
function useWidth(ref: RefObject<HTMLElement | null>, fallback: number): number {
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => {
      const w = Math.round(element.clientWidth);
      if (w > 0) setWidth(w);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

interface Props {
  title: string;
  points: readonly ChartPoint[];
  axis: Axis;
  /** How a value is written (axis, table, summary). */
  format?: (value: number) => string;
  /** The table's value column heading ("Score (1–5)"). */
  valueLabel: string;
  size?: keyof typeof SIZES;
  /** Heading element for the title (the chart sits under a section heading). */
  heading?: 'h3' | 'h4';
  /** Under the title, e.g. "Words per minute; 130–160 is easy to follow". */
  caption?: ReactNode;
  /** Test hooks and data attributes for the wrapper (`data-testid`, `data-criterion-id`). */
  attrs?: Record<`data-${string}`, string>;
  /** Show each point's note (the scenario) as a table column. */
  noteLabel?: string;
}

export function LineChart({
  title,
  points,
  axis,
  format = String,
  valueLabel,
  size = 'small',
  heading: Heading = 'h4',
  caption,
  attrs,
  noteLabel,
}: Props) {
  const s = SIZES[size];
  const box = useRef<HTMLDivElement>(null);
  const width = Math.max(160, useWidth(box, s.width));
  const plotW = width - s.left - s.right;
  const plotH = s.height - s.top - s.bottom;
  const x = (i: number) => s.left + (points.length === 1 ? plotW / 2 : (i / (points.length - 1)) * plotW);
  const y = (v: number) => s.top + plotH - ((Math.min(axis.max, Math.max(axis.min, v)) - axis.min) / (axis.max - axis.min)) * plotH;
  const line = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)} ${y(p.value).toFixed(1)}`).join(' ');
  // Date labels under as many points as fit, always the first and the last.
  const dateLabel = axisDateFormatter(points.map((p) => p.at));
  const longest = Math.max(0, ...points.map((p) => dateLabel(p.at).length));
  const labelled = labelIndices(points.length, (plotW + LABEL_GAP) / (longest * CHAR_PX + LABEL_GAP));
  const summary = chartSummary(
    title,
    points.map((p) => p.value),
    format,
  );

  return (
    <figure className="min-w-0 rounded-card border border-line bg-surface p-4 shadow-card" {...attrs}>
      <Heading className="font-semibold leading-snug text-ink">{title}</Heading>
      {caption && <p className="mt-0.5 text-xs text-ink-muted">{caption}</p>}
      <div ref={box} className="mt-2">
        <svg
          width={width}
          height={s.height}
          viewBox={`0 0 ${width} ${s.height}`}
          role="img"
          aria-label={summary}
          className="block max-w-full overflow-visible"
        >
          {axis.ticks.map((t) => (
            <g key={t}>
              <line x1={s.left} x2={width - s.right} y1={y(t)} y2={y(t)} className="stroke-line" strokeWidth={1} />
              <text x={s.left - 6} y={y(t)} dy="0.32em" textAnchor="end" className="fill-ink-muted text-[11px]">
                {format(t)}
              </text>
            </g>
          ))}
          {labelled.map((i) => (
            <text
              key={points[i]!.id}
              x={x(i)}
              y={s.height - 8}
              textAnchor={points.length > 1 && i === 0 ? 'start' : points.length > 1 && i === points.length - 1 ? 'end' : 'middle'}
              className="fill-ink-muted text-[11px]"
            >
              {dateLabel(points[i]!.at)}
            </text>
          ))}
          {points.length > 1 && <path d={line} fill="none" className="stroke-accent" strokeWidth={2} strokeLinejoin="round" strokeLinecap="round" />}
          {points.map((p, i) => (
            <circle key={p.id} cx={x(i)} cy={y(p.value)} r={points.length > 40 ? 2 : 3.5} className="fill-surface stroke-accent" strokeWidth={2}>
              <title>{`${formatShortDate(p.at)}: ${format(p.value)}`}</title>
            </circle>
          ))}
        </svg>
      </div>
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer rounded-sm font-medium text-accent underline-offset-2 hover:underline">
          Show the numbers<span className="sr-only"> for {title}</span>
        </summary>
        <div className="mt-2 max-h-64 overflow-auto">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">{title}, session by session</caption>
            <thead>
              <tr className="border-b border-line text-ink-muted">
                <th scope="col" className="py-1 pr-3 font-medium">
                  Session
                </th>
                <th scope="col" className="py-1 pr-3 font-medium">
                  Date
                </th>
                {noteLabel && (
                  <th scope="col" className="py-1 pr-3 font-medium">
                    {noteLabel}
                  </th>
                )}
                <th scope="col" className="py-1 font-medium">
                  {valueLabel}
                </th>
              </tr>
            </thead>
            <tbody>
              {points.map((p, i) => (
                <tr key={p.id} className="border-b border-line/60">
                  <td className="py-1 pr-3">{i + 1}</td>
                  <td className="py-1 pr-3">{formatSessionDate(p.at)}</td>
                  {noteLabel && <td className="py-1 pr-3">{p.note}</td>}
                  <td className="py-1 tabular-nums">{format(p.value)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
