import { AudioLines, Clapperboard, MessageSquareText } from 'lucide-react';
import type { CoachMode } from '../../../lib/voice-agent/types/api';
import { MODE_COPY } from '../utils/mode-copy';

const MODE_ICON = {
  realtime: AudioLines,
  fallback: MessageSquareText,
  demo: Clapperboard,
} as const;

/** Which mode the server granted, in words. `data-testid="coach-mode"` holds exactly the mode string. */
export function ModePanel({ mode }: { mode: CoachMode }) {
  const Icon = MODE_ICON[mode];
  const copy = MODE_COPY[mode];
  return (
    <div className="flex gap-4 rounded-control border border-line bg-surface-sunken p-4">
      <span className="hidden size-10 shrink-0 sm:inline-flex items-center justify-center rounded-full bg-accent-soft text-accent">
        <Icon size={20} aria-hidden="true" />
      </span>
      <div>
        <p className="text-sm text-ink-muted">
          Mode:{' '}
          <span className="font-semibold text-ink">{copy.label}</span>{' '}
          <code data-testid="coach-mode" className="rounded bg-surface px-1.5 py-0.5 font-mono text-xs text-ink-muted">
            {mode}
          </code>
        </p>
        <p className="mt-1 leading-relaxed text-ink">{copy.summary}</p>
      </div>
    </div>
  );
}
