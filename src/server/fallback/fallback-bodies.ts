/**
 * The JSON bodies of the fallback endpoints (docs/fallback-and-demo.md). The conversation comes from
 * the browser, but only as user and assistant turns: system, developer and tool messages are refused,
 * because the coach's instructions and tools are bound on the server.
 */
import { z } from 'zod';

export const MAX_CHAT_MESSAGES = 40;
export const MAX_MESSAGE_CHARS = 4000;
export const MAX_CHAT_BODY_BYTES = 48 * 1024;
export const MAX_SPEECH_CHARS = 1000;

// C0 (except tab and newline), DEL and C1 control characters: never meaningful in a spoken turn.
const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

const cleanText = (value: string) => value.replace(CONTROL_CHARS, ' ').trim();

const chatMessage = z
  .object({
    role: z.enum(['user', 'assistant'], {
      error: 'role must be "user" or "assistant" (the coach\'s instructions are set by the server)',
    }),
    content: z
      .string({ error: 'content must be a string' })
      .transform(cleanText)
      .pipe(
        z
          .string()
          .min(1, 'content must not be empty')
          .max(MAX_MESSAGE_CHARS, `content must be at most ${MAX_MESSAGE_CHARS} characters`),
      ),
  })
  .strict();

/**
 * `messages: []` asks for the opening of a practice scenario session (the counterpart speaks first); whether the
 * session has a scenario is the route's check (fallback-routes.ts), after the token. Otherwise the last message
 * is the user's.
 */
export const chatBody = z
  .object({
    messages: z
      .array(chatMessage, { error: 'messages must be an array of {role, content}' })
      .max(MAX_CHAT_MESSAGES, `at most ${MAX_CHAT_MESSAGES} messages`)
      .refine((messages) => messages.length === 0 || messages[messages.length - 1]?.role === 'user', {
        message: 'the last message must be from the user',
      }),
  })
  .strict();

/** The refusal for `messages: []` in a session without a practice scenario (nothing for the coach to open). */
export const EMPTY_MESSAGES_WITHOUT_SCENARIO =
  'messages: must not be empty. Only a practice scenario session may send no messages, to have the coach open the conversation.';

export type ChatBody = z.output<typeof chatBody>;
export type ChatMessage = ChatBody['messages'][number];

export const speechBody = z
  .object({
    text: z
      .string({ error: 'text is required' })
      .transform(cleanText)
      .pipe(z.string().min(1, 'text must not be empty').max(MAX_SPEECH_CHARS, `text must be at most ${MAX_SPEECH_CHARS} characters`)),
  })
  .strict();
