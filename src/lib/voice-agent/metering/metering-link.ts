/**
 * A session's link to the server's meter, for sessions the server meters (`metered`, or `realtime.metered`
 * from a server that sends only that): the live voice session and the fallback coach alike.
 * Part of /coach's first load, so it is only this: the meter itself (polling, clock correction, the status
 * client) is fetched with a dynamic import once a metered session is under way; unmetered sessions never load it.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { Credential } from '../session/token-manager';
import type { MeterView, ServerEnded } from './meter-view';
import type { SessionMeter, SessionMeterOptions } from './session-meter';

export type StartMeter = (options: SessionMeterOptions) => SessionMeter;

export interface MeteringHooks {
  onView(view: MeterView): void;
  onEnded(ended: ServerEnded): void;
  /** Loads the meter (a dynamic import in the app; direct in tests). */
  load?: () => Promise<StartMeter>;
}

export interface MeteringLink {
  /** The session runs on `credential` (a connection, a fallback request): follow its meter, if the server keeps one (once per session). */
  watch(credential: Credential): void;
  /**
   * Whether the server has ended the session (then `onEnded` has been called); undefined when there is no
   * meter to ask, so unmetered sessions recover exactly as before.
   */
  ended(): Promise<boolean> | undefined;
  stop(): void;
}

export function createMeteringLink({ onView, onEnded, load = () => import('./session-meter').then((m) => m.startSessionMeter) }: MeteringHooks): MeteringLink {
  let meter: Promise<SessionMeter | undefined> | undefined;
  let watched: string | undefined;
  const link: MeteringLink = {
    watch({ metered, realtime, sessionId }) {
      if (!(metered || realtime?.metered) || sessionId === watched) return;
      link.stop();
      watched = sessionId;
      // A meter that loads after the session moved on (hang-up, another session) is never started.
      meter = load().then(
        (start) => (watched === sessionId ? start({ sessionId, onView, onEnded }) : undefined),
        () => undefined,
      );
    },
    ended: () => meter?.then(async (started) => Boolean(await started?.check())),
    stop() {
      void meter?.then((started) => started?.stop());
      meter = watched = undefined;
    },
  };
  return link;
}
