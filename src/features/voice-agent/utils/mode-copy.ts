import type { CoachMode } from '../../../lib/voice-agent/types/api';

export interface ModeCopy {
  label: string;
  summary: string;
}

/** Human explanation of each coach mode (the server decides the mode; see the token flow). */
export const MODE_COPY: Record<CoachMode, ModeCopy> = {
  realtime: {
    label: 'Live voice',
    summary:
      'You speak and the coach answers out loud in real time. It can interrupt, follow up and search the web mid-conversation.',
  },
  fallback: {
    label: 'Chat with speech',
    summary:
      'Live voice is not available on this service’s OpenAI account, so the coach replies through chat, read aloud. Same scenarios, slightly slower rhythm.',
  },
  demo: {
    label: 'Scripted demo',
    summary:
      'No OpenAI API key is configured on this server, so the coach runs a scripted demonstration of a session. Nothing you say is sent to OpenAI.',
  },
};
