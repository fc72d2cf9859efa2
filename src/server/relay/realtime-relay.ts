/**
 * The WebSocket relay (issue 8): the browser connects to `/api/voice-agent/realtime` with its session
 * token; the server checks it, mints an ephemeral key, opens its own upstream connection to OpenAI with
 * that key, attaches the pair to the session supervisor (metering, budgets, kill switch), and only then
 * completes the browser's upgrade. Every refusal is an HTTP answer before the upgrade. The ephemeral key
 * and the upstream connection never leave the server.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { ApiError } from '../http/api-error';
import type { SessionClosure } from '../metering/metering-types';
import type { SupervisedConnection } from '../metering/supervisor-types';
import { explainFailure, type UpstreamFailure } from '../openai/upstream-error';
import { shortId } from '../observability/logger';
import type { SessionRecord } from '../sessions/session-store';
import { REALTIME_PROTOCOL, handshakeProblem, readOffer, refuse, shuttingDown } from './handshake';
import { RelayPipe } from './relay-pipe';
import { MAX_MESSAGE_BYTES, type MintedKey, type RealtimeRelay, type RealtimeRelayDeps } from './relay-types';
import { UpstreamConnectError, connectUpstream, upstreamTarget } from './upstream-connect';

const DEFAULT_KEEPALIVE_MS = 30_000;
const DEFAULT_UPSTREAM_TIMEOUT_MS = 10_000;
const RETRY_SECONDS = 5;

/** A handshake in progress (checking, minting, connecting, attaching): shutdown or the browser leaving aborts it. */
interface Attempt {
  socket: Duplex;
  controller: AbortController;
}

function pathnameOf(target: string | undefined): string {
  try {
    return new URL(target ?? '/', 'http://relay.invalid').pathname;
  } catch {
    return '/';
  }
}

function upstreamUnavailable(why: string): ApiError {
  return new ApiError(503, 'upstream_unavailable', `${why} Please try again shortly.`, { 'Retry-After': String(RETRY_SECONDS) }, { retryAfter: RETRY_SECONDS });
}

/** The supervisor ended the session while its relay was being set up (same answers as SessionAccess). */
function sessionEnded(closure: SessionClosure | undefined): ApiError {
  return closure
    ? new ApiError(403, 'session_ended', closure.message, {}, { reason: closure.reason })
    : new ApiError(404, 'session_not_found', 'This session has ended or expired. Start a new session.');
}

export function createRealtimeRelay(deps: RealtimeRelayDeps): RealtimeRelay {
  const { logger, metrics } = deps;
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: MAX_MESSAGE_BYTES,
    // The browser transport, like OpenAI's, offers `realtime` and fails unless it is chosen.
    handleProtocols: (offered) => (offered.has(REALTIME_PROTOCOL) ? REALTIME_PROTOCOL : false),
  });
  const pipes = new Set<RelayPipe>();
  const attempts = new Set<Attempt>();
  let closing = false;
  let keepalive: NodeJS.Timeout | undefined;

  function startKeepalive(): void {
    if (keepalive) return;
    keepalive = setInterval(() => {
      for (const pipe of pipes) pipe.heartbeat();
    }, deps.keepaliveMs ?? DEFAULT_KEEPALIVE_MS);
    keepalive.unref();
  }
  function stopKeepaliveWhenIdle(): void {
    if (pipes.size > 0 || !keepalive) return;
    clearInterval(keepalive);
    keepalive = undefined;
  }

  function reject(socket: Duplex, error: ApiError, ip?: string): void {
    metrics.relayConnections?.inc({ outcome: error.code });
    logger.info({ event: 'relayRefused', status: error.status, code: error.code, ...(ip ? { ip } : {}) }, 'relayRefused');
    refuse(socket, error);
  }

  /** Anything thrown while admitting becomes a refusal the user can read; upstream wording never leaks. */
  function asRefusal(error: unknown, model: string | undefined): ApiError {
    if (error instanceof ApiError) return error;
    if (error instanceof UpstreamConnectError) {
      const { failure } = error;
      metrics.apiErrors.inc({ service: 'openai.realtime_ws', status: String(failure.status) });
      metrics.failedConnections.inc({ reason: `relay_${failure.kind}` });
      logger.warn({ event: 'relayUpstreamFailed', kind: failure.kind, status: failure.status, detail: failure.detail }, 'relayUpstreamFailed');
      return upstreamUnavailable(explainFailure(failure, model ?? 'realtime'));
    }
    logger.error({ event: 'relayError', err: error }, 'relay error');
    return new ApiError(500, 'internal_error', 'Something went wrong on our side. Please try again.');
  }

  async function mintKey(record: SessionRecord): Promise<MintedKey> {
    try {
      return await deps.mint(record);
    } catch (error) {
      if (error instanceof ApiError) throw error; // already plain words (e.g. upstream_busy)
      const failure = (error as { failure?: UpstreamFailure }).failure;
      metrics.failedConnections.inc({ reason: `relay_mint_${failure?.kind ?? 'error'}` });
      logger.warn({ event: 'relayMintFailed', sessionId: shortId(record.id), kind: failure?.kind ?? 'error' }, 'relayMintFailed');
      const why = !failure
        ? 'OpenAI could not be reached.'
        : failure.kind === 'no_realtime_access'
          ? "The server's OpenAI key has no realtime access."
          : explainFailure(failure, 'realtime');
      throw upstreamUnavailable(why);
    }
  }

  async function admit(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const offer = readOffer(req);
    const problem = closing ? shuttingDown() : handshakeProblem(req, pathnameOf(req.url), offer);
    if (problem) return reject(socket, problem);
    const ip = deps.clientIp(req);
    if (!deps.originAllowed(req)) {
      metrics.corsViolations.inc();
      logger.warn({ event: 'corsViolation', origin: String(req.headers.origin ?? '').slice(0, 200), ip, path: pathnameOf(req.url) }, 'corsViolation');
      return reject(socket, new ApiError(403, 'origin_not_allowed', 'Requests from this origin are not allowed.'), ip);
    }

    const attempt: Attempt = { socket, controller: new AbortController() };
    const { signal } = attempt.controller;
    attempts.add(attempt);
    socket.once('close', () => attempt.controller.abort());
    const started = Date.now();
    let model: string | undefined;
    try {
      const record = await deps.access.check(offer.token, ip);
      if (signal.aborted) return;
      const key = await mintKey(record);
      model = key.model;
      if (signal.aborted) return;
      const target = upstreamTarget(deps.upstreamUrl, key.model);
      const timeoutMs = deps.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS;
      const onClosed = (closed: RelayPipe) => {
        pipes.delete(closed);
        stopKeepaliveWhenIdle();
      };
      const pipe = await connectUpstream(target, key.value, timeoutMs, signal, (upstream) => new RelayPipe({ upstream, sessionId: record.id, logger, metrics, onClosed }));
      let supervised: SupervisedConnection;
      try {
        supervised = await deps.supervisor.attach({ session: record, transport: 'websocket', model: key.model, terminate: (closure) => pipe.terminate(closure) });
      } catch (error) {
        pipe.abandon();
        throw error;
      }
      if (signal.aborted) return pipe.abandon(supervised);
      const late = pipe.ended ? sessionEnded(pipe.ended.closure) : pipe.lostUpstream ? upstreamUnavailable('OpenAI closed the connection.') : null;
      if (late) {
        pipe.abandon(supervised);
        return reject(socket, late, ip);
      }
      attempts.delete(attempt); // from here on the socket belongs to the pipe (shutdown closes it as a WebSocket)
      let upgraded = false;
      wss.handleUpgrade(req, socket, head, (browser) => {
        upgraded = true;
        pipes.add(pipe);
        pipe.start(browser, supervised);
        startKeepalive();
        metrics.relayConnections?.inc({ outcome: 'opened' });
        logger.info({ event: 'relayOpened', sessionId: shortId(record.id), model: key.model, setupMs: Date.now() - started }, 'relayOpened');
      });
      if (!upgraded) pipe.abandon(supervised); // the browser's socket went away during the handshake
    } catch (error) {
      if (signal.aborted) return; // the browser left, or shutdown already answered it
      reject(socket, asRefusal(error, model), ip);
    } finally {
      attempts.delete(attempt);
    }
  }

  return {
    handleUpgrade(req, socket, head) {
      socket.on('error', () => {}); // a reset mid-handshake is the client's business; the pipe logs its own
      admit(req, socket, head).catch((error: unknown) => {
        logger.error({ event: 'relayError', err: error }, 'relay error');
        socket.destroy();
      });
    },
    size: () => pipes.size,
    closeAll(code = 1001, reason = 'server shutting down') {
      closing = true;
      for (const attempt of attempts) {
        attempt.controller.abort();
        refuse(attempt.socket, shuttingDown());
      }
      attempts.clear();
      for (const pipe of [...pipes]) pipe.shutdown(code, reason);
    },
  };
}
