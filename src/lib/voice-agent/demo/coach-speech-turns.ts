/**
 * Speech out for the demo session: the coach's lines become transcript turns that the speaker
 * (coach-speaker.ts) reveals as it says them, and the cut when the user speaks over the coach (barge-in,
 * the stop button) leaves each turn with only what was heard — and, as its duration, how long the voice
 * spoke (for the delivery signals). Kept apart from demo-session.ts so the session runs the conversation
 * and this module alone knows how a line reaches the screen and the ear.
 *
 * No voice degrades to text, never to an error: the replies not yet spoken are shown as text, and the
 * status line says so once.
 *
 * Browser-only module: never import from `src/server/**` here.
 */
import type { VoiceSnapshot } from '../session/voice-session-types';
import { CoachSpeaker } from './coach-speaker';
import { DEMO_MESSAGES } from './demo-session-state';
import { dropTurns, patchTurn, putTurn, type Turns } from './demo-transcript';
import type { DemoSpeech } from './speech-apis';

/** What the coach's speech needs from the session: its transcript and status line, and turn ids. */
export interface CoachSpeechHost {
  turns(): Turns;
  setTurns(turns: Turns): void;
  update(patch: Partial<VoiceSnapshot>): void;
  /** A fresh turn id from the session's one counter (ids stay unique across users, coach and searches). */
  nextId(prefix: 'demo_coach'): string;
  /** The microphone's own problem, if any: the text-only notice keeps it on the status line. */
  microphoneMessage(): string | undefined;
}

/** The status line once replies are text only, keeping what it already said about the microphone. */
export function textOnlyMessage(microphoneMessage: string | undefined): string {
  return microphoneMessage ? `${DEMO_MESSAGES.textOnly} ${microphoneMessage}` : DEMO_MESSAGES.textOnly;
}

export class CoachSpeechTurns {
  private readonly speaker: CoachSpeaker;
  private textOnlyNoticed = false;

  constructor(speech: DemoSpeech, lang: string, private readonly host: CoachSpeechHost) {
    this.speaker = new CoachSpeaker(speech, {
      progress: (id, heard, done, spokenMs = 0) =>
        host.setTurns(patchTurn(host.turns(), id, { text: heard, status: done ? 'done' : 'streaming', ...spokenFor(spokenMs) })),
      speaking: (active) => host.update({ coachSpeaking: active }),
      unavailable: (unspoken) => this.voiceUnavailable(unspoken),
    }, { lang });
  }

  get speaking(): boolean {
    return this.speaker.speaking;
  }

  /** What the coach is saying right now ('' when silent), to tell its own voice from the user's. */
  get currentText(): string {
    return this.speaker.currentText;
  }

  /** A coach line: spoken and revealed as it goes, or shown at once when there is no voice. */
  say(text: string): void {
    const id = this.host.nextId('demo_coach');
    if (this.speaker.available) {
      this.host.setTurns(putTurn(this.host.turns(), { itemId: id, role: 'assistant', text: '', status: 'pending', source: 'voice' }));
      this.speaker.say(id, text);
    } else {
      this.host.setTurns(putTurn(this.host.turns(), { itemId: id, role: 'assistant', text, status: 'done', source: 'text' }));
      this.noticeTextOnly();
    }
  }

  /** Stop the voice now: the reply being spoken keeps what was heard, the ones queued behind it go. */
  cut(): void {
    const cut = this.speaker.cancel();
    if (!cut) return;
    let turns = patchTurn(this.host.turns(), cut.id, { text: cut.heard, status: 'interrupted', ...spokenFor(cut.heardMs) });
    turns = dropTurns(turns, cut.dropped);
    this.host.setTurns(turns);
  }

  /** Barge-in: cut the coach if it is speaking. True when it was (its next reply then knows). */
  cutIfSpeaking(): boolean {
    const speaking = this.speaker.speaking;
    if (speaking) this.cut();
    return speaking;
  }

  private voiceUnavailable(unspoken: ReadonlyArray<{ id: string; text: string }>): void {
    let turns = this.host.turns();
    for (const reply of unspoken) turns = patchTurn(turns, reply.id, { text: reply.text, status: 'done', source: 'text' });
    this.host.setTurns(turns);
    this.noticeTextOnly();
  }

  /** Said once per session, on the status line. */
  private noticeTextOnly(): void {
    if (this.textOnlyNoticed) return;
    this.textOnlyNoticed = true;
    this.host.update({ message: textOnlyMessage(this.host.microphoneMessage()) });
  }
}

/** A turn's `durationMs` when the voice spoke at all. */
function spokenFor(ms: number): { durationMs?: number } {
  return ms > 0 ? { durationMs: Math.round(ms) } : {};
}
