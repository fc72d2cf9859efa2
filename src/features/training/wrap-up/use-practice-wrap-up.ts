/**
 * The console's end-of-session step: when the user ends a practice session, stop the voice at once, then
 * (while the server still holds the session) grade it and keep it in the history, and show the result.
 * The grading code is fetched only at that moment.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { endSession } from '../../../lib/voice-agent/api/voice-agent-api';
import type { VoiceController } from '../../../lib/voice-agent/session/voice-controller';
import type { VoiceSnapshot } from '../../../lib/voice-agent/session/voice-session-types';
import type { CoachMode } from '../../../lib/voice-agent/types/api';
import type { WrapUpState } from './SessionResult';

export interface PracticeScenario {
  id: string;
  title: string;
}

export interface PracticeWrapUp {
  state: WrapUpState | undefined;
  /**
   * The work to do before the console ends its session: hang up, grade, record. `consoleSession` is the
   * session the console holds; the voice may have moved to another one (a replacement after expiry), which
   * is ended here once graded.
   */
  beforeEnd: (consoleSession: { sessionId: string; mode: CoachMode } | undefined) => Promise<void>;
  /** Forget the last result (a new session is starting). */
  clear: () => void;
}

export function usePracticeWrapUp(voice: VoiceController, live: VoiceSnapshot, scenario: PracticeScenario): PracticeWrapUp {
  const [state, setState] = useState<WrapUpState | undefined>();
  const startedAt = useRef<number | undefined>(undefined);

  // The session's clock starts when the user first starts talking (connecting), not when the page minted it.
  useEffect(() => {
    if (live.status !== 'idle' && startedAt.current === undefined) startedAt.current = Date.now();
  }, [live.status]);

  const beforeEnd = useCallback(
    async (consoleSession: { sessionId: string; mode: CoachMode } | undefined) => {
      const snapshot = voice.getSnapshot();
      const talked = startedAt.current !== undefined;
      await voice.hangUp({ endOnServer: false });
      const sessionId = snapshot.sessionId ?? consoleSession?.sessionId;
      const replacement = snapshot.sessionId !== undefined && snapshot.sessionId !== consoleSession?.sessionId ? snapshot.sessionId : undefined;
      try {
        if (!talked || !sessionId) return;
        const m = await import('./wrap-up-session');
        const endedAt = Date.now();
        setState({ phase: 'grading' });
        const result = await m.wrapUpSession({
          sessionId,
          scenario,
          mode: snapshot.mode ?? consoleSession?.mode ?? 'realtime',
          turns: snapshot.turns,
          startedAt: startedAt.current ?? endedAt,
          endedAt,
        });
        setState({ phase: 'done', result });
      } catch {
        // The grading code could not even be loaded (offline after a deploy): the session still ends.
        setState(undefined);
      } finally {
        startedAt.current = undefined;
        if (replacement) void endSession(replacement);
      }
    },
    [voice, scenario],
  );

  const clear = useCallback(() => {
    setState(undefined);
    startedAt.current = undefined;
  }, []);

  return { state, beforeEnd, clear };
}
