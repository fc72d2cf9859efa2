/**
 * What the coach is, bound on the server when a realtime secret is minted: instructions, voice,
 * tools, transcription, turn detection and noise reduction. The browser never supplies any of it: a token
 * request may only name a scenario, whose instructions the server composes (scenario-instructions.ts).
 * The `web_search` tool is declared here; its server side (`/api/voice-agent/responses-search`)
 * arrives with the search issue.
 */
import type { RealtimeSessionCreateRequest } from 'openai/resources/realtime/realtime';

export const COACH_INSTRUCTIONS = `You are the Executive AI Coach of the Executive AI Training Platform.
You coach senior leaders (CEOs, CFOs, board members, functional heads) on leading their organisations with AI:
strategy, business cases and ROI, governance and risk, regulation such as the EU AI Act, data readiness,
build-versus-buy, change management, talent and communication.

How you speak:
- You are talking, not writing: answer in two to four short sentences, then ask one sharp question back.
- Be concrete and candid like a trusted board adviser. No hype, no jargon without a one-line explanation.
- When the user is rehearsing (a board pitch, a budget defence, a press interview), stay in the role they
  ask for and push back the way a sceptical counterpart would; step out of role only when asked for feedback.
- If the user interrupts you, stop and follow them.

Facts and search:
- For anything time-sensitive (recent AI news, a named company, a regulation's current status, market
  figures) call the web_search tool before answering, then say briefly where the information came from.
- Never invent figures, quotes or sources. If you do not know and cannot search, say so.`;

export const WEB_SEARCH_TOOL = {
  type: 'function' as const,
  name: 'web_search',
  description:
    'Search the web (or the platform knowledge base) for current, factual information: AI news, companies, ' +
    'regulation, market data. Returns a short answer with sources.',
  parameters: {
    type: 'object',
    properties: {
      query: { type: 'string', description: 'What to look up, as a concise search query.' },
    },
    required: ['query'],
    additionalProperties: false,
  },
};

export interface CoachSessionOptions {
  model: string;
  voice: string;
  /** The session's composed instructions (scenario-instructions.ts); default: free coaching. */
  instructions?: string;
}

export function coachRealtimeSession({ model, voice, instructions = COACH_INSTRUCTIONS }: CoachSessionOptions): RealtimeSessionCreateRequest {
  return {
    type: 'realtime',
    model,
    instructions,
    output_modalities: ['audio'],
    tools: [WEB_SEARCH_TOOL],
    tool_choice: 'auto',
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        transcription: { model: 'gpt-4o-mini-transcribe' },
        // Laptop and phone microphones are near-field; this also keeps the coach from hearing itself.
        noise_reduction: { type: 'near_field' },
        turn_detection: { type: 'semantic_vad', eagerness: 'auto', create_response: true, interrupt_response: true },
      },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice },
    },
  } as RealtimeSessionCreateRequest;
}
