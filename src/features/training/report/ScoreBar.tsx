/**
 * A criterion's 1–5 score as five segments, filled up to the score. Decorative (`aria-hidden`): the score is
 * always written next to it in words, and filled segments differ from empty ones by fill *and* outline, so
 * nothing depends on colour (and it survives a black-and-white print: see the report's print styles).
 */
interface Props {
  score: number;
}

export function ScoreBar({ score }: Props) {
  const filled = Math.min(5, Math.max(0, Math.round(score)));
  return (
    <span aria-hidden="true" data-score-bar="" className="inline-flex gap-1">
      {[1, 2, 3, 4, 5].map((n) => (
        <span
          key={n}
          data-filled={n <= filled ? 'true' : 'false'}
          className={`h-2.5 w-7 rounded-sm border sm:w-9 ${n <= filled ? 'border-accent bg-accent' : 'border-line-strong bg-surface'}`}
        />
      ))}
    </span>
  );
}
