/**
 * A heading whose level is chosen by the caller, so a reusable block (the scorecard, the signals) nests
 * under whatever page or panel shows it without skipping a level.
 */
import type { ReactNode } from 'react';

export type HeadingLevel = 2 | 3 | 4 | 5 | 6;

interface Props {
  level: HeadingLevel;
  id?: string;
  className?: string;
  children: ReactNode;
}

export function Heading({ level, id, className, children }: Props) {
  const Tag = `h${Math.min(6, Math.max(2, level))}` as 'h2';
  return (
    <Tag id={id} className={className}>
      {children}
    </Tag>
  );
}

/** One level deeper, never past h6. */
export const deeper = (level: HeadingLevel, by = 1): HeadingLevel => Math.min(6, level + by) as HeadingLevel;
