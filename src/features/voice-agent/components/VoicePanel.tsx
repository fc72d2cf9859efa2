/**
 * The live voice conversation: one button to talk, then mute, stop the coach, push-to-talk, hang up,
 * the status in plain words (reconnecting, offline, waiting out a rate limit), the transcript, a text box
 * and the transport choice. Everything is reachable by keyboard; Space holds push-to-talk.
 *
 * Test hooks: voice-start, voice-status, voice-transport, voice-retry, voice-offline, voice-mute,
 * voice-interrupt, voice-hangup, voice-ptt-toggle, voice-ptt, voice-coach-speaking, voice-transport-select,
 * voice-mic-level (and TranscriptView's / MessageComposer's voice-*, DeliverySignalsPanel's signal-*).
 */
import { Hand, LoaderCircle, Mic, MicOff, PhoneOff, Square, WifiOff } from 'lucide-react';
import { lazy, Suspense, useEffect, type KeyboardEvent } from 'react';
import type { VoiceController } from '../../../lib/voice-agent/session/voice-controller';
import type { CoachMode } from '../../../lib/voice-agent/types/api';
import type { TransportPreference, VoiceSnapshot } from '../../../lib/voice-agent/session/voice-session-types';
import { useNow } from '../hooks/use-now';
import { storePreference } from '../hooks/use-voice-session';
import { LevelMeter } from './LevelMeter';
import { MessageComposer } from './MessageComposer';
import { TranscriptView } from './TranscriptView';

// Loaded once the user has said something: not part of /coach's first load (its JS budget).
const DeliverySignalsPanel = lazy(() => import('../../training/components/DeliverySignalsPanel'));

const ACTIVE = new Set<VoiceSnapshot['status']>(['connecting', 'connected', 'reconnecting', 'renewing', 'waiting', 'offline']);
const TRANSPORT_LABEL = { webrtc: 'WebRTC', websocket: 'WebSocket (fallback for restricted networks)' } as const;

const button =
  'inline-flex items-center justify-center gap-2 rounded-control px-3.5 py-2 text-sm font-semibold transition-colors duration-150 disabled:cursor-not-allowed disabled:opacity-60';
const primary = `${button} bg-accent text-accent-ink shadow-sm hover:bg-accent-hover`;
const secondary = `${button} border border-line-strong bg-surface text-ink hover:bg-surface-sunken`;

function statusLine(s: VoiceSnapshot, mode: CoachMode): string {
  switch (s.status) {
    case 'idle':
      return ENGINE_COPY[mode].idle;
    case 'connecting':
      return s.message ?? 'Connecting to your coach…';
    case 'connected':
      if (s.coachSpeaking) return 'Your coach is speaking.';
      if (s.userSpeaking) return 'Listening…';
      return s.message ?? ENGINE_COPY[mode].connected;
    default:
      return s.message ?? '';
  }
}

/** What the panel is called and how it starts, per engine. */
const ENGINE_COPY: Record<CoachMode, { title: string; start: string; idle: string; connected: string }> = {
  realtime: {
    title: 'Live conversation',
    start: 'Talk to your coach',
    idle: 'Press “Talk to your coach” and start speaking.',
    connected: 'Connected. Speak whenever you are ready.',
  },
  fallback: {
    title: 'Conversation (speech-to-text and spoken replies)',
    start: 'Talk to your coach',
    idle: 'Press “Talk to your coach”, then speak; the coach answers when you pause.',
    connected: 'Listening. Speak, then pause; or type below.',
  },
  demo: {
    title: 'Demo conversation',
    start: 'Start the demo coach',
    idle: 'Press “Start the demo coach”, then speak or type.',
    connected: 'Demo coach ready. Speak or type.',
  },
};

interface Props {
  voice: VoiceController;
  snapshot: VoiceSnapshot;
  /** The session's mode: which engine the conversation runs on. */
  mode: CoachMode;
  /** Hang up (the console also ends the server session). */
  onHangUp: () => void;
  /** The session is being closed (its scorecard is prepared): the conversation stays on screen, no new talk. */
  closing?: boolean;
}

export function VoicePanel({ voice, snapshot: s, mode, onHangUp, closing = false }: Props) {
  const copy = ENGINE_COPY[mode];
  const active = ACTIVE.has(s.status);
  const connected = s.status === 'connected';
  const now = useNow(s.retryAt !== undefined);
  const retryIn = s.retryAt !== undefined ? Math.max(0, Math.ceil((s.retryAt - now) / 1000)) : undefined;
  const muted = s.microphone === 'muted' && !s.pushToTalk;

  // Space bar = push-to-talk while it is on (and focus is not in a text field).
  useEffect(() => {
    if (!s.pushToTalk) return;
    const typing = (e: Event) => e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
    const down = (e: globalThis.KeyboardEvent) => e.code === 'Space' && !typing(e) && !e.repeat && (e.preventDefault(), voice.holdToTalk(true));
    const up = (e: globalThis.KeyboardEvent) => e.code === 'Space' && !typing(e) && voice.holdToTalk(false);
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, [s.pushToTalk, voice]);

  const onPttKey = (e: KeyboardEvent<HTMLButtonElement>, held: boolean) => {
    if (e.key === 'Enter') voice.holdToTalk(held);
  };

  return (
    <section aria-labelledby="voice-title" className="space-y-4 rounded-control border border-line p-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h3 id="voice-title" data-testid="voice-title" data-mode={mode} className="font-semibold text-ink">
          {copy.title}
          {mode === 'demo' && (
            <span data-testid="demo-badge" className="ml-2 rounded-full bg-warning-soft px-2 py-0.5 align-middle text-xs font-semibold text-warning">
              Demo: scripted coach, nothing sent to OpenAI
            </span>
          )}
        </h3>
        {s.transport && connected && (
          <span data-testid="voice-transport" data-transport={s.transport} className="text-xs text-ink-muted">
            via {TRANSPORT_LABEL[s.transport]}
          </span>
        )}
      </div>

      <p data-testid="voice-status" data-status={s.status} role="status" aria-live="polite" className="flex items-start gap-2 text-sm text-ink-muted">
        {['connecting', 'reconnecting', 'renewing'].includes(s.status) && (
          <LoaderCircle size={16} className="mt-0.5 shrink-0 animate-spin motion-reduce:animate-none" aria-hidden="true" />
        )}
        <span>{statusLine(s, mode)}</span>
        {retryIn !== undefined && (s.status === 'waiting' || s.status === 'reconnecting' || s.status === 'connecting') && (
          <span data-testid="voice-retry" className="font-mono tabular-nums">
            ({retryIn} s)
          </span>
        )}
      </p>

      {s.notice && (
        <p data-testid="voice-notice" className="rounded-control border border-line bg-accent-soft p-3 text-sm text-ink">
          {s.notice}
        </p>
      )}

      {s.status === 'offline' && (
        <p data-testid="voice-offline" role="alert" className="flex items-center gap-2 rounded-control bg-warning-soft p-3 text-sm text-ink">
          <WifiOff size={16} aria-hidden="true" /> You are offline. Your microphone is paused; the conversation resumes when you are back online.
        </p>
      )}
      {(s.microphone === 'denied' || s.microphone === 'unavailable') && (
        <p data-testid="voice-mic-problem" role="alert" className="rounded-control bg-warning-soft p-3 text-sm text-ink">
          {s.microphone === 'denied'
            ? 'Microphone access is blocked. Allow it in the address bar to talk, or type to your coach below.'
            : 'No microphone could be opened. Type to your coach below.'}
        </p>
      )}

      <div className="flex flex-wrap items-center gap-3">
        {!active && !closing && (
          <button type="button" data-testid="voice-start" className={primary} onClick={() => voice.start()}>
            <Mic size={16} aria-hidden="true" />
            {s.status === 'idle' ? copy.start : 'Talk again'}
          </button>
        )}
        {active && (
          <>
            <button type="button" data-testid="voice-mute" aria-pressed={muted} className={secondary} disabled={!connected || s.pushToTalk} onClick={() => voice.setMuted(!muted)}>
              {muted ? <MicOff size={16} aria-hidden="true" /> : <Mic size={16} aria-hidden="true" />}
              {muted ? 'Unmute' : 'Mute'}
            </button>
            <button type="button" data-testid="voice-interrupt" className={secondary} disabled={!connected || !s.coachSpeaking} onClick={() => voice.interrupt()}>
              <Square size={14} aria-hidden="true" />
              Stop the coach
            </button>
            <button type="button" data-testid="voice-hangup" className={secondary} onClick={onHangUp}>
              <PhoneOff size={16} aria-hidden="true" />
              Hang up
            </button>
          </>
        )}
        {connected && <LevelMeter read={voice.microphoneLevel} label="Your microphone" active={s.microphone === 'live'} />}
        {connected && s.coachSpeaking && (
          <span data-testid="voice-coach-speaking" className="text-xs font-semibold text-accent">
            Coach speaking
          </span>
        )}
      </div>

      <div className="flex flex-wrap items-center gap-4 text-sm text-ink-muted">
        <label className="inline-flex items-center gap-2">
          <input type="checkbox" data-testid="voice-ptt-toggle" checked={s.pushToTalk} onChange={(e) => voice.setPushToTalk(e.target.checked)} />
          Push-to-talk (noisy room)
        </label>
        {s.pushToTalk && connected && (
          <button
            type="button"
            data-testid="voice-ptt"
            className={secondary}
            onPointerDown={() => voice.holdToTalk(true)}
            onPointerUp={() => voice.holdToTalk(false)}
            onPointerLeave={() => voice.holdToTalk(false)}
            onKeyDown={(e) => onPttKey(e, true)}
            onKeyUp={(e) => onPttKey(e, false)}
          >
            <Hand size={16} aria-hidden="true" />
            Hold to talk (or hold Space)
          </button>
        )}
        {mode === 'realtime' && (
          <label className="inline-flex items-center gap-2">
            Connection
            <select
              data-testid="voice-transport-select"
              value={s.preference}
              disabled={active}
              onChange={(e) => {
                const preference = e.target.value as TransportPreference;
                storePreference(preference);
                voice.setPreference(preference);
              }}
              className="rounded-control border border-line-strong bg-surface px-2 py-1 text-ink"
            >
              <option value="auto">Automatic</option>
              <option value="webrtc">WebRTC only</option>
              <option value="websocket">WebSocket (restricted networks)</option>
            </select>
          </label>
        )}
      </div>

      <MessageComposer enabled={connected} onSend={(text) => voice.sendText(text)} />
      {s.turns.some((t) => t.role === 'user') && (
        <Suspense fallback={null}>
          <DeliverySignalsPanel turns={s.turns} />
        </Suspense>
      )}
      <TranscriptView turns={s.turns} asText={() => voice.transcriptAsText()} />
    </section>
  );
}
