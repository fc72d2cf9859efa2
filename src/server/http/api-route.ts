/** Thin-route helpers: parse → one service call → JSON; every failure becomes the one JSON error shape. */
import type { APIContext, APIRoute } from 'astro';
import { z } from 'zod';
import { isWellFormedSessionId } from '../sessions/session-id';
import { methodNotAllowed, toErrorResponse } from './api-error';

export function apiRoute(handler: (context: APIContext) => Promise<Response>): APIRoute {
  return async (context) => {
    try {
      return await handler(context);
    } catch (error) {
      return toErrorResponse(error);
    }
  };
}

/** The `ALL` export of a route: any method it does not implement gets a JSON 405 with `Allow`. */
export function onlyMethods(...allowed: string[]): APIRoute {
  return () => methodNotAllowed(allowed);
}

export const sessionIdBody = z
  .object({
    sessionId: z
      .string({ error: 'sessionId is required' })
      .refine(isWellFormedSessionId, { message: 'sessionId is not a valid session id' }),
  })
  .strict();

/** The token request carries no fields today; unknown ones are refused rather than silently ignored. */
export const tokenRequestBody = z.object({}).strict();
