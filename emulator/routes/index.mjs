// The /v1 route table. Each route has a stable `name` used for stats and fault scopes.
// To add a route (later issues), append an entry; handlers return either
// { status, body, headers? } (JSON success), an ErrorReply { status, error, headers? }, or
// { handled: true } after writing ctx.res itself (SSE, SDP, …).
import { createSpeech } from './audio-speech.mjs';
import { TRANSCRIPTION_MAX_BYTES, createTranscription, transcriptionTooLarge } from './audio-transcriptions.mjs';
import { createChatCompletion } from './chat-completions.mjs';
import { createClientSecret } from './client-secrets.mjs';
import { listModels, retrieveModel } from './models.mjs';
import { createCall, hangupCall } from './realtime-calls.mjs';
import { createResponse } from './responses.mjs';

/**
 * @typedef {object} RouteEnv
 * @property {Record<string, string>} params   path parameters
 * @property {unknown} body                     parsed JSON body (POST routes with json: true)
 * @property {Buffer} raw                       raw request body
 * @property {string|null} key                  the authenticated API key
 * @property {boolean} realtimeAccess           key entitlement after faults
 * @property {ReturnType<import('../lib/state.mjs').createState>} state
 * @property {{ defaultModel?: string }} options
 * @property {ReturnType<import('../lib/faults.mjs').createFaults>} [faults]  the emulator's faults (stream faults)
 * @property {ReturnType<import('../lib/chat-audio-settings.mjs').createFallbackSettings>} [fallback]  chat/audio settings
 * @property {() => number} now                 clock in ms
 * @property {import('../lib/http.mjs').Ctx} ctx
 *
 * @typedef {object} Route
 * @property {string} method
 * @property {RegExp} pattern                   matched against the path (no query)
 * @property {string} name
 * @property {boolean} [json]                   body must be a JSON document (400 otherwise)
 * @property {boolean} [ephemeralAuth]          the route also accepts ek_ secrets: a Bearer that is not an API key
 *                                              reaches the handler with key null and authError set (it decides)
 * @property {(env: RouteEnv) => any} handler
 * @property {number} [maxBodyBytes]           body limit of this route (default: the emulator's maxBodyBytes)
 * @property {(limit: number, contentLength?: string) => import('../lib/errors.mjs').ErrorReply} [tooLarge]  its 413 reply
 */

/** @type {Route[]} */
export const ROUTES = [
  { method: 'GET', pattern: /^\/v1\/models$/, name: 'models', handler: listModels },
  { method: 'GET', pattern: /^\/v1\/models\/(?<id>[^/]+)$/, name: 'models.retrieve', handler: retrieveModel },
  { method: 'POST', pattern: /^\/v1\/realtime\/client_secrets$/, name: 'client_secrets', json: true, handler: createClientSecret },
  { method: 'POST', pattern: /^\/v1\/responses$/, name: 'responses', json: true, handler: createResponse },
  { method: 'POST', pattern: /^\/v1\/realtime\/calls$/, name: 'realtime.calls', ephemeralAuth: true, handler: createCall },
  { method: 'POST', pattern: /^\/v1\/realtime\/calls\/(?<call_id>[^/]+)\/hangup$/, name: 'realtime.calls.hangup', ephemeralAuth: true, handler: hangupCall },
  { method: 'POST', pattern: /^\/v1\/chat\/completions$/, name: 'chat.completions', json: true, handler: createChatCompletion },
  { method: 'POST', pattern: /^\/v1\/audio\/speech$/, name: 'audio.speech', json: true, handler: createSpeech },
  { method: 'POST', pattern: /^\/v1\/audio\/transcriptions$/, name: 'audio.transcriptions', handler: createTranscription,
    maxBodyBytes: TRANSCRIPTION_MAX_BYTES, tooLarge: transcriptionTooLarge },
];

/**
 * @param {string} method @param {string} path
 * @returns {{ route: Route, params: Record<string,string> } | null}
 */
export function matchRoute(method, path) {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (!m) continue;
    /** @type {Record<string,string>} */
    const params = {};
    for (const [k, v] of Object.entries(m.groups ?? {})) {
      try {
        params[k] = decodeURIComponent(v);
      } catch {
        params[k] = v;
      }
    }
    return { route, params };
  }
  return null;
}
