/**
 * The body of POST /api/voice-agent/grade: the session, optionally the scenario it was for (must match the
 * session's), and the transcript as the browser kept it. Limits: ≤ 200 turns, ≤ 4000 characters a turn,
 * ≤ 64 KB in all, and at least one user turn with words in it (nothing to grade otherwise).
 */
import { z } from 'zod';
import { SCENARIO_ID } from '../../content/scenario-schema';
import { isWellFormedSessionId } from '../sessions/session-id';

export const MAX_GRADE_BODY_BYTES = 64 * 1024;
export const MAX_TURNS = 200;
export const MAX_TURN_CHARS = 4000;

export const transcriptTurn = z
  .object({
    role: z.enum(['user', 'assistant'], { error: 'role must be "user" or "assistant"' }),
    text: z.string({ error: 'text must be a string' }).max(MAX_TURN_CHARS, `a turn's text must be at most ${MAX_TURN_CHARS} characters`),
    /** The browser's turn status (e.g. "final", "interrupted"); informational only. */
    status: z.string().max(40).optional(),
  })
  .strict();

export const gradeBody = z
  .object({
    sessionId: z.string({ error: 'sessionId is required' }).refine(isWellFormedSessionId, { message: 'sessionId is not a valid session id' }),
    scenarioId: z
      .string({ error: 'scenarioId must be a string' })
      .max(100, 'scenarioId must be at most 100 characters')
      .regex(SCENARIO_ID, 'scenarioId must be lower-case words joined by hyphens')
      .optional(),
    transcript: z
      .array(transcriptTurn, { error: 'transcript must be an array of turns' })
      .max(MAX_TURNS, `transcript must have at most ${MAX_TURNS} turns`)
      .refine((turns) => turns.some((t) => t.role === 'user' && t.text.trim().length > 0), {
        message: 'transcript must contain at least one user turn with text',
      }),
  })
  .strict();

export type GradeBody = z.output<typeof gradeBody>;
export type TranscriptTurn = z.output<typeof transcriptTurn>;
