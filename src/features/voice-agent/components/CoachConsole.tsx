/**
 * The coach's session console (React island, `client:load` on /coach).
 *
 * On mount it asks the server for a session (`POST /api/voice-agent/token`), then shows the mode it
 * got, any warnings, a countdown to token expiry and API errors in plain words. The token is never
 * displayed or logged: the UI only says "token received".
 *
 * While a session is active it also shows the "Check a fact" panel (SearchPanel); where its searches
 * go is decided by the search client from `searchRouting` (the page's `data-search-routing`).
 *
 * A metered session (the server meters it and may end it: issue 8) also shows its usage and, shortly before
 * the server's end, a notice; when the server ends it, it is closed like the End button closes it, with the
 * reason and the transcript kept (MeteredSession, loaded only for such sessions).
 *
 * Test hooks: coach-mode (exactly the mode string), coach-status, coach-warnings, coach-error,
 * start-session, end-session (and SearchPanel's search-*, MeteredSession's session-*).
 */
import { lazy, Suspense, useEffect, useMemo, useState, type ComponentType, type MouseEvent } from 'react';
import { CircleCheck, LoaderCircle, Play, RotateCcw, Square } from 'lucide-react';
import { createSearchClient } from '../../../lib/voice-agent/api/search-client';
import type { SearchRouting } from '../../../lib/voice-agent/api/search-endpoint';
import { createTelemetryClient } from '../../../lib/voice-agent/api/telemetry-client';
import { createTokenManager } from '../../../lib/voice-agent/session/token-manager';
import { CoachVoice } from '../../../lib/voice-agent/session/coach-voice';
import { VoiceSession } from '../../../lib/voice-agent/session/voice-session';
import { createWebRtcTransport } from '../../../lib/voice-agent/transports/webrtc-transport';
import { lazyTransport } from '../../../lib/voice-agent/transports/lazy-transport';
import { useCoachSession } from '../hooks/use-coach-session';
import { useVoiceSession } from '../hooks/use-voice-session';
import { useNow } from '../hooks/use-now';
import { useServerEnded } from '../hooks/use-server-ended';
import { useSearch } from '../hooks/use-search';
import { PHASE_BADGE, primaryButton, secondaryButton, startLabel, statusText } from '../utils/console-copy';
import { ModePanel } from './ModePanel';
import { SearchPanel } from './SearchPanel';
import { SessionCountdown } from './SessionCountdown';
import { VoicePanel } from './VoicePanel';
import { WarningsList } from './WarningsList';
import type { DemoScenarioBrief } from '../../../lib/voice-agent/demo/script/scenario-role';
import { hasRecapFor, recapConsentGiven } from '../../../lib/training/recap-index';
import type { ContentTitles } from '../../training/wrap-up/SessionResult';
import { usePracticeWrapUp, type PracticeScenario } from '../../training/wrap-up/use-practice-wrap-up';

const NO_SEARCH_ROUTING: SearchRouting = {};

interface Props {
  /** Where searches may go (parsed from the page's `data-search-routing`); default: the built-in route. */
  searchRouting?: SearchRouting;
  /** The practice scenario chosen on its brief page (`/coach?scenario=…`, checked by the page); none = free coaching. */
  scenarioId?: string;
  /** What the session is graded and recorded as (the page's scenario, or free coaching). */
  practice?: PracticeScenario;
  /** Titles of the articles and scenarios a scorecard may suggest next. */
  titles?: ContentTitles;
  /** The chosen scenario's public brief: the demo coach rehearses it. */
  brief?: DemoScenarioBrief;
}

/** The previous session's recap in this scenario, only with consent; the history is opened only when the index says there is one. */
const consentedRecap = (scenarioId: string) =>
  recapConsentGiven() && hasRecapFor(scenarioId) ? import('../../training/recap/recap-source').then((m) => m.previousRecap(scenarioId)) : Promise.resolve(undefined);

// Shown only when there is a previous session to offer / once a session is over: not part of the first load.
const RecapConsent = lazy(() => import('../../training/recap/RecapConsent').then((m) => ({ default: m.RecapConsent })));
const SessionResult = lazy(() => import('../../training/wrap-up/SessionResult').then((m) => ({ default: m.SessionResult })));
// Only on a failure / for sessions the server meters; if one cannot be fetched, the status line still says what happened.
const optional = <P,>(load: () => Promise<ComponentType<P>>) =>
  lazy(() => load().then((part) => ({ default: part }), () => ({ default: (() => null) as ComponentType<P> })));
const FailurePanel = optional(() => import('./FailurePanel').then((m) => m.FailurePanel));
const MeteredSession = optional(() => import('./MeteredSession').then((m) => m.default));

const FREE_COACHING: PracticeScenario = { id: 'free-coaching', title: 'Free coaching' };
const NO_TITLES: ContentTitles = { articles: {}, scenarios: {} };

export default function CoachConsole({ searchRouting = NO_SEARCH_ROUTING, scenarioId, practice = FREE_COACHING, titles = NO_TITLES, brief }: Props) {
  // One client per routing (the endpoint is decided lazily, never during render).
  const { configuredUrl, devServerUrl } = searchRouting;
  const searchClient = useMemo(() => createSearchClient({ configuredUrl, devServerUrl }), [configuredUrl, devServerUrl]);
  // One owner of the credential for the session panel and the voice connection.
  // A new session carries the previous session's signed recap only when the user has said yes (RecapConsent).
  const practiceId = practice.id;
  const tokens = useMemo(
    () =>
      createTokenManager({
        scenarioId,
        // The history is opened only when there is consent and (by the index) a recap to find.
        recap: () => consentedRecap(practiceId).then((recap) => recap?.token),
      }),
    [scenarioId, practiceId],
  );
  const voice = useMemo(() => {
    const telemetry = createTelemetryClient();
    const realtime = new VoiceSession({
      tokens,
      telemetry,
      search: searchClient,
      createTransport: (kind) =>
        kind === 'webrtc'
          ? createWebRtcTransport()
          : lazyTransport('websocket', () => import('../../../lib/voice-agent/transports/websocket-transport').then((m) => () => m.createWebSocketTransport())),
    });
    // The chat + speech and demo engines are fetched only when a session needs them.
    return new CoachVoice({
      tokens,
      realtime,
      loadEngine: (kind) =>
        kind === 'fallback'
          ? import('../../../lib/voice-agent/fallback/fallback-session').then((m) => new m.FallbackSession({ tokens, telemetry }))
          : Promise.all([import('../../../lib/voice-agent/demo/demo-session'), consentedRecap(practiceId)]).then(
              ([m, recap]) => new m.DemoSession({ tokens, telemetry, search: searchClient, scenario: brief, recap: recap?.summary }),
            ),
    });
  }, [tokens, searchClient, brief, practiceId]);
  useEffect(() => () => voice.dispose(), [voice]);
  const live = useVoiceSession(voice);
  const voiceActive = !['idle', 'ended', 'failed', 'fallback'].includes(live.status);

  const { state, start, end, restart, markExpired } = useCoachSession({ tokens });
  const wrapUp = usePracticeWrapUp(voice, live, practice);
  // Read after mount (the server cannot see localStorage), and again once a session was recorded.
  const [offerRecap, setOfferRecap] = useState(false);
  useEffect(() => setOfferRecap(hasRecapFor(practice.id)), [practice.id, wrapUp.state]);

  const session = state.phase === 'active' || state.phase === 'expired' || state.phase === 'ending' ? state.session : undefined;
  const liveSessionId = voiceActive ? live.sessionId : state.phase === 'active' ? state.session.sessionId : undefined;
  const searchLog = useSearch(searchClient, liveSessionId);

  // The coach's own web searches join the "Check a fact" log, newest first.
  const { record } = searchLog;
  useEffect(() => {
    for (const s of [...live.searches].reverse()) {
      const base = { id: s.callId, query: s.query, by: 'coach' as const };
      if (s.status === 'searching') record({ ...base, status: 'pending' });
      else if (s.status === 'done' && s.result) record({ ...base, status: 'done', response: s.result });
      else record({ ...base, status: 'failed', failure: { kind: 'http', message: s.message ?? 'Search failed.' } });
    }
  }, [live.searches, record]);

  // Ending grades the conversation first (the server grades only a live session), then ends it.
  const endWith = (notice?: string) => end(() => wrapUp.beforeEnd(session && { sessionId: session.sessionId, mode: session.mode }), notice);
  const hangUp = () => endWith();
  // The server ended it (a budget, an operator): the same end, with its reason.
  const serverEnded = useServerEnded(live.serverEnded, state.phase, endWith);

  const retryAtLocal = state.phase === 'error' ? state.retryAtLocal : undefined;
  const now = useNow(retryAtLocal !== undefined);
  const retryInMs = retryAtLocal !== undefined ? Math.max(0, retryAtLocal - now) : undefined;
  const retryLocked = retryInMs !== undefined && retryInMs > 0;

  const requesting = state.phase === 'requesting';
  const showStart = state.phase !== 'active' && state.phase !== 'ending';
  const label = startLabel(state.phase, retryInMs);
  // aria-disabled (not `disabled`) keeps the button focusable while it is locked.
  const startDisabled = requesting || retryLocked;

  const onStart = (event: MouseEvent<HTMLButtonElement>) => {
    if (startDisabled) {
      event.preventDefault();
      return;
    }
    wrapUp.clear();
    start();
  };

  const badge = PHASE_BADGE[state.phase];

  return (
    <section
      aria-labelledby="coach-console-title"
      aria-busy={requesting || state.phase === 'ending'}
      className="rounded-card border border-line bg-surface p-5 shadow-card sm:p-6"
    >
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="coach-console-title" className="font-display text-2xl text-ink">
          Your session
        </h2>
        <span className={`inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-semibold ${badge.tone}`}>
          {badge.label}
        </span>
      </div>

      <p
        data-testid="coach-status"
        role="status"
        aria-live="polite"
        className="mt-3 flex min-h-6 items-start gap-2 text-ink-muted"
      >
        {(requesting || state.phase === 'ending') && (
          <LoaderCircle size={18} className="mt-0.5 shrink-0 animate-spin motion-reduce:animate-none" aria-hidden="true" />
        )}
        <span>{statusText(state)}</span>
      </p>

      <div className="mt-5 space-y-4">
        {session && <ModePanel mode={session.mode} />}

        {session && state.phase !== 'expired' && (
          <dl className="grid gap-3 rounded-control border border-line p-4 text-sm sm:grid-cols-2">
            <div>
              <dt className="text-ink-muted">Credential</dt>
              <dd className="mt-1 inline-flex items-center gap-1.5 font-medium text-success">
                <CircleCheck size={16} aria-hidden="true" />
                token received
              </dd>
            </div>
            <div>
              <dt className="text-ink-muted">Expires in</dt>
              <dd className="mt-1">
                {voiceActive ? (
                  <span className="font-medium text-success">kept alive while you talk</span>
                ) : (
                  <SessionCountdown expiresAtLocal={session.expiresAtLocal} onExpire={markExpired} />
                )}
              </dd>
            </div>
          </dl>
        )}

        {((voiceActive && live.meter) || serverEnded) && (
          <Suspense fallback={null}>
            <MeteredSession
              meter={voiceActive ? live.meter : undefined}
              ended={serverEnded}
              keptTurns={state.phase === 'ended' ? live.turns : undefined}
              asText={() => voice.transcriptAsText()}
            />
          </Suspense>
        )}

        {session && session.warnings.length > 0 && <WarningsList warnings={session.warnings} />}

        {offerRecap && (state.phase === 'active' || state.phase === 'ended') && (
          <Suspense fallback={null}>
            <RecapConsent
              // Remounted once a session was recorded, so the one just finished is offered for the next.
              key={wrapUp.state?.phase ?? 'none'}
              scenarioId={practice.id}
              locked={state.phase === 'active' && live.status !== 'idle' && live.status !== 'ended'}
              onChange={() => state.phase === 'active' && live.status === 'idle' && restart()}
            />
          </Suspense>
        )}

        {session && (state.phase === 'active' || state.phase === 'ending') && (
          <VoicePanel voice={voice} snapshot={live} mode={live.mode ?? session.mode} onHangUp={hangUp} closing={state.phase === 'ending'} />
        )}

        {liveSessionId && <SearchPanel entries={searchLog.entries} busy={searchLog.busy} onSearch={searchLog.search} />}

        {wrapUp.state && (
          <Suspense fallback={<p className="text-ink-muted">Preparing your scorecard…</p>}>
            <SessionResult state={wrapUp.state} titles={titles} />
          </Suspense>
        )}

        {state.phase === 'error' && (
          <Suspense fallback={null}>
            <FailurePanel failure={state.failure} retryInMs={retryInMs} />
          </Suspense>
        )}
      </div>

      <div className="mt-6 flex flex-wrap gap-3">
        {showStart && (
          <button
            type="button"
            data-testid="start-session"
            className={primaryButton}
            aria-disabled={startDisabled || undefined}
            onClick={onStart}
          >
            {requesting ? (
              <LoaderCircle size={16} className="animate-spin motion-reduce:animate-none" aria-hidden="true" />
            ) : state.phase === 'error' ? (
              <RotateCcw size={16} aria-hidden="true" />
            ) : (
              <Play size={16} aria-hidden="true" />
            )}
            {label}
          </button>
        )}
        {session && state.phase !== 'expired' && (
          <button
            type="button"
            data-testid="end-session"
            className={secondaryButton}
            disabled={state.phase === 'ending'}
            onClick={hangUp}
          >
            <Square size={14} aria-hidden="true" />
            {state.phase === 'ending' ? 'Ending…' : 'End session'}
          </button>
        )}
      </div>
    </section>
  );
}
