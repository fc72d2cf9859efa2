/**
 * Session lifecycle of the coach: request a session on mount (and on demand) through the voice session's
 * token manager, count down to expiry, end it on request or when the page goes away.
 *
 * The token itself stays in the token manager: never in React state, never rendered, never logged.
 */
import { useCallback, useEffect, useReducer, useRef } from 'react';
import { endSession as endSessionRequest, endSessionOnUnload } from '../../../lib/voice-agent/api/voice-agent-api';
import type { TokenManager } from '../../../lib/voice-agent/session/token-manager';
import type { ApiFailure } from '../../../lib/voice-agent/types/api';
import type { CoachState, SessionInfo } from '../types';

type Action =
  | { type: 'request' }
  | { type: 'granted'; session: SessionInfo }
  | { type: 'failed'; failure: ApiFailure }
  | { type: 'expire' }
  | { type: 'ending' }
  | { type: 'ended'; notice?: string };

function reducer(state: CoachState, action: Action): CoachState {
  switch (action.type) {
    case 'request':
      return { phase: 'requesting' };
    case 'granted':
      return { phase: 'active', session: action.session };
    case 'failed':
      return {
        phase: 'error',
        failure: action.failure,
        retryAtLocal:
          action.failure.retryAfterSeconds !== undefined
            ? Date.now() + action.failure.retryAfterSeconds * 1000
            : undefined,
      };
    case 'expire':
      return state.phase === 'active' ? { phase: 'expired', session: state.session } : state;
    case 'ending':
      return state.phase === 'active' ? { phase: 'ending', session: state.session } : state;
    case 'ended':
      return { phase: 'ended', notice: action.notice };
  }
}

export interface CoachSession {
  state: CoachState;
  /** Request a new session (no-op while one is being requested or is active). */
  start: () => void;
  /**
   * End the current session. `beforeEnd` runs first, while the server still holds the session open (the
   * scorecard is graded from a live session); the session ends whatever it does. `notice` says why it
   * ended when the user did not end it (the server did).
   */
  end: (beforeEnd?: () => Promise<unknown>, notice?: string) => void;
  /** Replace an unused session with a new one (its request changed, e.g. the recap consent). */
  restart: () => void;
  /** Called by the countdown when the token's lifetime is over. */
  markExpired: () => void;
}

/** One owner of the credential: the voice session's token manager (the session panel shows no token). */
export function useCoachSession({ autoStart = true, tokens }: { autoStart?: boolean; tokens: TokenManager }): CoachSession {
  const [state, dispatch] = useReducer(reducer, { phase: 'idle' });

  /** Session id the server still considers live (what `pagehide` must end). */
  const liveSessionRef = useRef<string | null>(null);
  /** Session ended by the unload beacon (so a back/forward-cache restore can say so). */
  const beaconedRef = useRef<string | null>(null);
  const inFlightRef = useRef<AbortController | null>(null);
  /** An end is under way (it may be waiting for the scorecard): a second click does nothing. */
  const endingRef = useRef(false);
  const mountedRef = useRef(true);

  const start = useCallback(() => {
    if (inFlightRef.current || liveSessionRef.current) return;
    const controller = new AbortController();
    inFlightRef.current = controller;
    dispatch({ type: 'request' });
    void tokens.prefetch().then((result) => {
      inFlightRef.current = null;
      if (controller.signal.aborted || !mountedRef.current) {
        // Unmounted mid-request: do not leave an orphan session on the server.
        if (result.ok) endSessionOnUnload(result.data.sessionId);
        return;
      }
      if (!result.ok) {
        dispatch({ type: 'failed', failure: result.error });
        return;
      }
      const { sessionId, mode, warnings, expiresAtLocal } = result.data;
      liveSessionRef.current = sessionId;
      beaconedRef.current = null;
      dispatch({ type: 'granted', session: { sessionId, mode, warnings, expiresAtLocal } });
    });
  }, [tokens]);

  const end = useCallback((beforeEnd?: () => Promise<unknown>, notice?: string) => {
    const sessionId = liveSessionRef.current;
    if (!sessionId || endingRef.current) return;
    endingRef.current = true;
    dispatch({ type: 'ending' });
    const before = beforeEnd ? beforeEnd().catch(() => undefined) : Promise.resolve();
    void before
      .then(() => {
        tokens.clear();
        return endSessionRequest(sessionId);
      })
      .then((result) => {
        endingRef.current = false;
        liveSessionRef.current = null;
        if (!mountedRef.current) return;
        dispatch({
          type: 'ended',
          // The server's own reason comes first: it ended the session, whatever end-session answered.
          notice: notice ?? (result.ok ? undefined : 'The server did not confirm the end of the session. It will close on its own when its time runs out.'),
        });
      });
  }, [tokens]);

  const restart = useCallback(() => {
    const sessionId = liveSessionRef.current;
    if (!sessionId || inFlightRef.current) return;
    liveSessionRef.current = null;
    tokens.clear();
    void endSessionRequest(sessionId);
    start();
  }, [tokens, start]);

  const markExpired = useCallback(() => {
    // No transport is connected yet, so an expired credential means the session is over: drop it and
    // tell the server (best effort; it lapses there on its own anyway). Once a live connection holds
    // the session open, expiry of the unused credential will no longer end it.
    const sessionId = liveSessionRef.current;
    liveSessionRef.current = null;
    tokens.clear();
    if (sessionId) void endSessionRequest(sessionId);
    dispatch({ type: 'expire' });
  }, [tokens]);

  // Fetch the credential once the page is idle (it must not compete with the page's own loading), so the
  // click needs only the SDP round trip; cancel an in-flight request on unmount.
  useEffect(() => {
    mountedRef.current = true;
    let idle: number | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (autoStart) {
      if (typeof window.requestIdleCallback === 'function') idle = window.requestIdleCallback(() => start(), { timeout: 1_000 });
      else timer = setTimeout(start, 0);
    }
    return () => {
      mountedRef.current = false;
      if (idle !== undefined) window.cancelIdleCallback(idle);
      clearTimeout(timer);
      inFlightRef.current?.abort();
    };
  }, [autoStart, start]);

  // Leaving the page: end the live session with a beacon. Restored from the back/forward cache:
  // tell the user the session was closed.
  useEffect(() => {
    const onPageHide = () => {
      const sessionId = liveSessionRef.current;
      if (!sessionId) return;
      if (endSessionOnUnload(sessionId)) {
        beaconedRef.current = sessionId;
        liveSessionRef.current = null;
        tokens.clear();
      }
    };
    const onPageShow = (event: PageTransitionEvent) => {
      if (event.persisted && beaconedRef.current) {
        beaconedRef.current = null;
        dispatch({ type: 'ended', notice: 'Your session was closed when you left the page.' });
      }
    };
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('pageshow', onPageShow);
    return () => {
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('pageshow', onPageShow);
    };
  }, [tokens]);

  return { state, start, end, restart, markExpired };
}
