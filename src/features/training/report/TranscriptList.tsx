/**
 * A finished session's full transcript, in conversation order, for reading and printing: who spoke, what was
 * said, and which of the coach's turns were cut short. Static (not the live log of /coach) and unscrolled, so
 * the whole conversation prints.
 */
import type { PracticeTurn } from '../../../lib/training/history/history-types';
import { Heading } from './Heading';

interface Props {
  turns: readonly PracticeTurn[];
  /** The label of the coach's turns ("Counterpart" in a role-play, "Coach" otherwise). */
  assistantName: string;
  headingLevel?: 2 | 3 | 4;
}

export function TranscriptList({ turns, assistantName, headingLevel = 2 }: Props) {
  return (
    <section data-testid="report-transcript" aria-labelledby="transcript-title">
      <Heading level={headingLevel} id="transcript-title" className="font-display text-2xl leading-tight text-ink">
        Transcript
      </Heading>
      {turns.length === 0 ? (
        <p className="mt-3 text-ink-muted">Nothing was said in this session.</p>
      ) : (
        <ol className="mt-4 space-y-4">
          {turns.map((turn, i) => (
            <li
              key={i}
              data-testid="report-turn"
              data-role={turn.role}
              data-status={turn.status}
              className={`report-keep rounded-control border-l-4 py-1 pl-4 ${turn.role === 'user' ? 'border-accent' : 'border-line-strong'}`}
            >
              <p className="text-xs font-semibold uppercase tracking-wide text-ink-muted">
                {turn.role === 'user' ? 'You' : assistantName}
                {turn.status === 'interrupted' && <span className="ml-2 normal-case tracking-normal">(interrupted)</span>}
              </p>
              <p data-testid="report-turn-text" className="mt-0.5 leading-relaxed break-words whitespace-pre-wrap text-ink">
                {turn.text}
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
