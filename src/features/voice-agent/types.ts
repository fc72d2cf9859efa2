/** UI-side types of the voice-agent feature. Wire types live in `src/lib/voice-agent/types/api.ts`. */
import type { ApiFailure, CoachMode } from '../../lib/voice-agent/types/api';

/** What the UI keeps about a session. Deliberately no token: it is held in a ref, never in state. */
export interface SessionInfo {
  sessionId: string;
  mode: CoachMode;
  warnings: string[];
  /** Expiry on the *client* clock (server `expiresAt` corrected by the estimated clock skew). */
  expiresAtLocal: number;
}

export type CoachState =
  | { phase: 'idle' }
  | { phase: 'requesting' }
  | { phase: 'active'; session: SessionInfo }
  | { phase: 'expired'; session: SessionInfo }
  | { phase: 'ending'; session: SessionInfo }
  | { phase: 'ended'; notice?: string }
  | { phase: 'error'; failure: ApiFailure; retryAtLocal?: number };

export type CoachPhase = CoachState['phase'];
