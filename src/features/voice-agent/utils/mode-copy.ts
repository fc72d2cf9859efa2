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
      'Live voice is not available right now, so the coach listens through speech-to-text and answers with a spoken reply. Same coach and scenarios; pause when you have finished speaking.',
  },
  demo: {
    label: 'Scripted demo',
    summary:
      'No OpenAI API key is configured on this server, so a scripted coach shows how a session works, using the platform’s library for facts. Nothing is sent to OpenAI. Typing keeps everything on this site; if you speak, your browser’s own speech recognition turns it into text (Chrome uses Google’s service for that). To get the real coach, set OPENAI_API_KEY on the server (see the README) and restart it.',
  },
};
