/**
 * `POST /api/voice-agent/calls` behind the route: forward the browser's offer through the unified
 * interface, then meter the call (sideband → supervisor). The supervisor's `terminate` hangs the call up;
 * a call whose sideband cannot be opened is hung up at once, because a call the server cannot meter
 * would spend outside every budget.
 */
import type { Logger } from '../observability/logger';
import { shortId } from '../observability/logger';
import type { SessionRecord } from '../sessions/session-store';
import { openSideband, type Sideband } from './sideband';
import type { SessionSupervisor } from './supervisor-types';
import type { UnifiedCalls } from './unified-calls';

export interface MeteredCallsDeps {
  calls: UnifiedCalls;
  supervisor: SessionSupervisor;
  /** The GA session config bound to this session (instructions, voice, tools…). */
  sessionConfigFor(record: SessionRecord): object;
  model: string;
  sidebandUrl: string;
  apiKey: string;
  logger: Logger;
}

export interface MeteredCalls {
  /** The SDP answer for the browser; the call is metered from here on. */
  connect(record: SessionRecord, offerSdp: string, signal?: AbortSignal): Promise<string>;
}

export function createMeteredCalls(deps: MeteredCallsDeps): MeteredCalls {
  const { calls, supervisor, logger } = deps;
  return {
    async connect(record, offerSdp, signal) {
      const { callId, answerSdp } = await calls.create(offerSdp, deps.sessionConfigFor(record), signal);
      const sessionId = shortId(record.id);
      let sideband: Sideband | undefined;
      const hangup = (why: string) =>
        calls.hangup(callId).catch((error: unknown) =>
          logger.warn({ event: 'hangupFailed', sessionId, why, err: error instanceof Error ? { message: error.message } : String(error) }, 'hang-up failed'),
        );
      const supervised = await supervisor.attach({
        session: record,
        transport: 'webrtc',
        model: deps.model,
        callId,
        async terminate(closure) {
          sideband?.close();
          await hangup(closure?.reason ?? 'session_gone');
          logger.info({ event: 'callHungUp', sessionId, reason: closure?.reason ?? 'session_gone' }, 'callHungUp');
        },
      });
      sideband = openSideband({
        url: deps.sidebandUrl,
        apiKey: deps.apiKey,
        callId,
        onEvent: (event) => supervised.onServerEvent(event),
        onEnd(end) {
          supervised.detach();
          if (end === 'failed') {
            logger.error({ event: 'meteringUnavailable', sessionId }, 'the call could not be metered (sideband refused): hanging it up');
            void hangup('metering_unavailable');
          }
        },
      });
      logger.info({ event: 'callConnected', sessionId, transport: 'webrtc' }, 'callConnected');
      return answerSdp;
    },
  };
}
