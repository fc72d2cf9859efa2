// Minimal stand-in for the realtime session engine, used by POST /v1/realtime/calls only while
// lib/realtime/session-engine.mjs does not exist. It does just enough for @openai/agents-realtime's
// connect() to resolve: `session.created` when the events channel opens, and `session.updated` for
// every `session.update`. Everything else is ignored (non-JSON gets an `invalid_event` error).
import { randomBytes } from 'node:crypto';
import { deepMerge } from '../session.mjs';

const eventId = () => `event_${randomBytes(10).toString('hex')}`;

/**
 * @param {import('./webrtc-wire.mjs').RealtimeWire} wire
 * @param {{ session: any }} ctx
 */
export function attachFallbackSession(wire, ctx) {
  let session = structuredClone(ctx.session ?? {});
  wire.send({ type: 'session.created', event_id: eventId(), session });
  wire.onClientEvent((/** @type {any} */ event) => {
    if (event?.__invalidJson) {
      wire.send({ type: 'error', event_id: eventId(), error: { type: 'invalid_request_error', code: 'invalid_event',
        message: 'The server could not parse the event: it is not valid JSON.', param: null, event_id: null } });
      return;
    }
    if (event?.type === 'session.update' && event.session && typeof event.session === 'object') {
      session = deepMerge(session, event.session);
      wire.send({ type: 'session.updated', event_id: eventId(), session });
    }
  });
}
