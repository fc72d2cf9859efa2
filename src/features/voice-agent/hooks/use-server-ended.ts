/**
 * Metered sessions: when the server ends the live session (a budget, an operator), the console closes it
 * exactly as the user's End does (grading, history, end-session) with the server's reason as its notice.
 * Returns the end to show (its reason, the transcript kept) until a new session is requested.
 */
import { useEffect, useRef, useState } from 'react';
import type { ServerEnded } from '../../../lib/voice-agent/metering/meter-view';
import type { CoachPhase } from '../types';

export function useServerEnded(ended: ServerEnded | undefined, phase: CoachPhase, end: (notice: string) => void): ServerEnded | undefined {
  const [shown, setShown] = useState<ServerEnded>();
  // The engine keeps its last end until it talks again: each end is acted on once.
  const handled = useRef<ServerEnded>(undefined);
  useEffect(() => {
    if (phase === 'requesting') setShown(undefined);
    if (!ended || phase !== 'active' || handled.current === ended) return;
    handled.current = ended;
    setShown(ended);
    end(ended.message);
  });
  return shown;
}
