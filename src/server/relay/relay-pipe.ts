/**
 * One relayed session: the browser's WebSocket and the server's upstream WebSocket to OpenAI, joined.
 * Text events go both ways in order (filtered by event-filters); `response.done` goes to the meter; a
 * slow reader pauses the other side; whichever side closes first closes the other; the supervisor can end
 * the session (`terminate`) and shutdown can end them all.
 *
 * Life: `waiting` (upstream open, the browser's upgrade not completed yet: upstream frames are queued) →
 * `open` → `closing` (the relay started the close) → `closed` (the first close seen; metering detached).
 */
import type WebSocket from 'ws';
import type { RawData } from 'ws';
import type { SessionClosure } from '../metering/metering-types';
import type { SupervisedConnection } from '../metering/supervisor-types';
import { shortId, type Logger } from '../observability/logger';
import { closeReason, forwardedCloseCode } from './close-codes';
import { errorEvent, filterClientFrame, inspectUpstreamFrame } from './event-filters';
import type { RelayClosedBy, RelayMetrics } from './relay-types';

/** Above this many unsent bytes towards one side, the relay stops reading the other side… */
const HIGH_WATER_BYTES = 4 * 1024 * 1024;
/** …and reads again once the backlog is down to this. */
const LOW_WATER_BYTES = 1024 * 1024;
const TEXT = { binary: false } as const;
export const SESSION_ENDED_CLOSE = 4001;

type Phase = 'waiting' | 'open' | 'closing' | 'closed';

export interface RelayPipeDeps {
  upstream: WebSocket;
  sessionId: string;
  logger: Logger;
  metrics: RelayMetrics;
  /** Called once, when the pipe is closed (to forget it). */
  onClosed(pipe: RelayPipe): void;
}

const asBuffer = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);

export class RelayPipe {
  private phase: Phase = 'waiting';
  private browser: WebSocket | undefined;
  private supervised: SupervisedConnection | undefined;
  private queued: Buffer[] = [];
  private closedBy: RelayClosedBy | undefined;
  private why: string | undefined;
  /** The code the relay itself sent the browser, when it started the close (logged instead of the echo). */
  private sentCode: number | undefined;
  private openedAt = 0;
  private upstreamPaused = false;
  private browserPaused = false;
  private alive = true;
  /** Set while waiting: the upstream closed, or the supervisor ended the session, before the browser got in. */
  lostUpstream = false;
  ended: { closure?: SessionClosure } | undefined;
  private resolveClosed!: () => void;
  readonly closed = new Promise<void>((resolve) => (this.resolveClosed = resolve));

  constructor(private readonly deps: RelayPipeDeps) {
    const { upstream } = deps;
    upstream.pause(); // until the browser is connected; frames already read are queued in order
    upstream.on('message', (data, isBinary) => this.onUpstreamMessage(asBuffer(data), isBinary));
    upstream.on('close', (code, reason) => this.onUpstreamClose(code, reason));
    upstream.on('error', (error) => deps.logger.debug({ event: 'relayUpstreamError', sessionId: shortId(deps.sessionId), message: error.message }, 'relay upstream error'));
  }

  /** The browser's upgrade completed: replay what upstream sent meanwhile, then relay live. */
  start(browser: WebSocket, supervised: SupervisedConnection): void {
    this.browser = browser;
    this.supervised = supervised;
    this.phase = 'open';
    this.openedAt = Date.now();
    browser.on('message', (data, isBinary) => this.onBrowserMessage(asBuffer(data), isBinary));
    browser.on('close', (code, reason) => this.onBrowserClose(code, reason));
    browser.on('pong', () => (this.alive = true));
    browser.on('error', (error) => this.deps.logger.debug({ event: 'relayBrowserError', sessionId: shortId(this.deps.sessionId), message: error.message }, 'relay browser error'));
    const queued = this.queued;
    this.queued = [];
    for (const frame of queued) this.toBrowser(frame);
    if (this.phase === 'open') this.deps.upstream.resume();
  }

  /** The browser never got in (it left, or was refused after the upstream opened): close upstream quietly. */
  abandon(supervised?: SupervisedConnection): void {
    if (this.phase !== 'waiting') return;
    this.phase = 'closed';
    supervised?.detach();
    this.deps.upstream.resume();
    this.deps.upstream.close(1000);
    this.deps.onClosed(this);
    this.resolveClosed();
  }

  /**
   * The supervisor ends the session: tell the browser why (an `error` event), then close both sides with
   * 4001. Without a closure the session is simply gone (ended by its user, or expired): no message.
   */
  terminate(closure?: SessionClosure): Promise<void> {
    if (this.phase === 'waiting') this.ended ??= { closure };
    if (this.phase !== 'open') return this.closed;
    if (closure) this.browser!.send(errorEvent('session_ended', closure.message), TEXT);
    this.closeBoth('server', closure?.reason ?? 'session_gone', SESSION_ENDED_CLOSE, 'session_ended', 1000);
    return this.closed;
  }

  /** Graceful shutdown (1001 by default). */
  shutdown(code: number, reason: string): void {
    if (this.phase === 'waiting') return this.abandon();
    if (this.phase === 'open') this.closeBoth('server', 'shutdown', code, reason, 1001);
  }

  /** Keepalive tick: drop a browser that did not answer the previous ping, else ping it. */
  heartbeat(): void {
    if (this.phase !== 'open') return;
    if (!this.alive) {
      this.closedBy = 'keepalive';
      this.why = 'no_pong';
      this.phase = 'closing';
      this.browser!.terminate();
      this.closeUpstream(1001, 'client went away');
      return;
    }
    this.alive = false;
    this.browser!.ping();
  }

  isOpen(): boolean {
    return this.phase === 'open';
  }

  private onUpstreamMessage(data: Buffer, isBinary: boolean): void {
    if (this.phase === 'waiting') {
      this.queued.push(data);
      return;
    }
    if (this.phase !== 'open') return;
    if (isBinary) {
      this.closeBoth('server', 'upstream_binary_frame', 1011, 'upstream protocol error', 1003);
      return;
    }
    this.toBrowser(data);
  }

  private toBrowser(data: Buffer): void {
    const frame = inspectUpstreamFrame(data);
    if (frame.metered) {
      try {
        this.supervised!.onServerEvent(frame.metered);
      } catch (error) {
        this.deps.logger.error({ event: 'relayMeterError', sessionId: shortId(this.deps.sessionId), err: error }, 'relay meter error');
      }
    }
    const browser = this.browser!;
    browser.send(frame.forward, TEXT, this.afterBrowserWrite);
    if (!this.upstreamPaused && browser.bufferedAmount > HIGH_WATER_BYTES) {
      this.upstreamPaused = true;
      this.deps.upstream.pause();
      this.deps.metrics.relayBackpressurePauses?.inc({ paused: 'upstream' });
    }
  }

  private readonly afterBrowserWrite = (): void => {
    if (!this.upstreamPaused || this.browser!.bufferedAmount > LOW_WATER_BYTES) return;
    this.upstreamPaused = false;
    if (this.phase === 'open') this.deps.upstream.resume();
  };

  private onBrowserMessage(data: Buffer, isBinary: boolean): void {
    if (this.phase !== 'open') return;
    if (isBinary) {
      this.closeBoth('server', 'binary_frame', 1003, 'binary frames are not supported', 1000);
      return;
    }
    const frame = filterClientFrame(data);
    if ('reject' in frame) {
      this.browser!.send(frame.reject, TEXT);
      return;
    }
    const { upstream } = this.deps;
    upstream.send(frame.forward, TEXT, this.afterUpstreamWrite);
    if (!this.browserPaused && upstream.bufferedAmount > HIGH_WATER_BYTES) {
      this.browserPaused = true;
      this.browser!.pause();
      this.deps.metrics.relayBackpressurePauses?.inc({ paused: 'browser' });
    }
  }

  private readonly afterUpstreamWrite = (): void => {
    if (!this.browserPaused || this.deps.upstream.bufferedAmount > LOW_WATER_BYTES) return;
    this.browserPaused = false;
    if (this.phase === 'open') this.browser!.resume();
  };

  private onUpstreamClose(code: number, reason: Buffer): void {
    if (this.phase === 'waiting') {
      this.lostUpstream = true;
      return;
    }
    if (this.phase === 'open') {
      this.closedBy = 'upstream';
      this.phase = 'closing';
      this.resumeBoth();
      this.browser!.close(forwardedCloseCode(code), closeReason(reason));
    }
    this.finish(code);
  }

  private onBrowserClose(code: number, reason: Buffer): void {
    if (this.phase === 'open') {
      this.closedBy = 'browser';
      this.phase = 'closing';
      this.resumeBoth();
      this.closeUpstream(forwardedCloseCode(code), closeReason(reason));
    }
    this.finish(code);
  }

  /** The relay itself ends the session: both sides get a close frame (paused sockets resume to read the answer). */
  private closeBoth(by: RelayClosedBy, why: string, browserCode: number, reason: string, upstreamCode: number): void {
    this.closedBy = by;
    this.why = why;
    this.sentCode = browserCode;
    this.phase = 'closing';
    this.resumeBoth();
    this.browser!.close(browserCode, reason);
    this.closeUpstream(upstreamCode, reason);
  }

  private closeUpstream(code: number, reason: string): void {
    const { upstream } = this.deps;
    upstream.resume();
    if (upstream.readyState === upstream.OPEN) upstream.close(code, reason);
  }

  private resumeBoth(): void {
    this.deps.upstream.resume();
    this.browser?.resume();
  }

  /** The first close seen on either side: stop metering, log, forget. The other side finishes its own close. */
  private finish(code: number): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    const by = this.closedBy ?? 'upstream';
    const durationMs = Date.now() - this.openedAt;
    try {
      this.supervised?.detach();
    } catch (error) {
      this.deps.logger.error({ event: 'relayDetachError', sessionId: shortId(this.deps.sessionId), err: error }, 'relay detach error');
    }
    this.deps.metrics.relayDurationSeconds?.observe({ closed_by: by }, durationMs / 1000);
    this.deps.logger.info(
      { event: 'relayClosed', sessionId: shortId(this.deps.sessionId), durationMs, code: this.sentCode ?? code, by, ...(this.why ? { why: this.why } : {}) },
      'relayClosed',
    );
    this.deps.onClosed(this);
    this.resolveClosed();
  }
}
