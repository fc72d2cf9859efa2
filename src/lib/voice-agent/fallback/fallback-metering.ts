/**
 * A metered fallback session (issue 8, docs/cost-control.md "In the browser"): the server bounds chat +
 * speech sessions too (by time: their spend is not priced), whether they started in fallback mode or
 * switched to it from live voice. Like the live voice session, the fallback coach follows the server's
 * meter (`MeteringLink`: the usage line when the server prices it, the warning ahead of the end) and, when the
 * server ends the session — a poll says so, or an endpoint or the credential's refresh answers 403
 * `session_ended` — closes the way the live voice session does: status `ended` with the server's words and
 * `serverEnded`, the microphone off, every request stopped, the transcript kept. The console then wraps it
 * up like the user's End (grading, history).
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import { createMeteringLink, type MeteringHooks, type MeteringLink } from '../metering/metering-link';
import { isBudgetLimit, type ServerEnded } from '../metering/meter-view';
import type { Credential } from '../session/token-manager';
import type { VoiceSnapshot } from '../session/voice-session-types';
import type { ApiFailure } from '../types/api';
import { isSessionEnded } from './fallback-requests';

export interface FallbackMeteringDeps {
  snapshot(): VoiceSnapshot;
  update(patch: Partial<VoiceSnapshot>): void;
  /** Stop everything (requests, reply, microphone, timers) and show `patch`: the session is over. */
  close(patch: Partial<VoiceSnapshot>): void;
  /** Loads the meter (default: a dynamic import, shared with the live voice session). */
  load?: MeteringHooks['load'];
}

/** The server's end from a refusal (`session_ended`, with its `reason` when the endpoint sent one). */
export function serverEndedBy(failure: ApiFailure): ServerEnded | undefined {
  if (!isSessionEnded(failure)) return undefined;
  const reason = (failure as { reason?: unknown }).reason;
  return { ...(isBudgetLimit(reason) ? { reason } : {}), message: failure.message };
}

export class FallbackMetering {
  private readonly link: MeteringLink;

  constructor(private readonly deps: FallbackMeteringDeps) {
    this.link = createMeteringLink({ onView: (meter) => this.deps.update({ meter }), onEnded: (ended) => this.end(ended), load: deps.load });
  }

  /** A credential the session uses (the first, a renewed one, a new session's): follow its meter, if metered. */
  watch(credential: Credential): void {
    this.link.watch(credential);
  }

  /** A failure: true when it says the server ended the session (which is then closed). */
  endedBy(failure: ApiFailure): boolean {
    const ended = serverEndedBy(failure);
    if (ended) this.end(ended);
    return Boolean(ended);
  }

  /** The server ended the session: close it once, unless the user already did (hang-up, leaving the page). */
  end(ended: ServerEnded): void {
    const { status, serverEnded } = this.deps.snapshot();
    if (serverEnded || status === 'idle' || status === 'ended') return;
    this.deps.close({ status: 'ended', message: ended.message, serverEnded: ended });
  }

  stop(): void {
    this.link.stop();
  }
}
