/**
 * The server's control connection to a WebRTC call it set up: the sideband WebSocket
 * `{realtime base}?call_id=<id>` with the server's key (protocol brief §2.4). It carries the call's
 * event stream; the server reads `response.done` usage from it. A sideband that drops while the call
 * lives is reopened (a few tries); the call being over (close 1000, or 404 on reopening) ends it quietly.
 * If it cannot be (re)opened the caller is told `failed`: a call the server cannot meter is hung up.
 */
import WebSocket from 'ws';

export type SidebandEnd = 'ended' | 'failed' | 'closed';

export interface SidebandOptions {
  /** `wss://…/v1/realtime` */
  url: string;
  apiKey: string;
  callId: string;
  onEvent(event: { type: string } & Record<string, unknown>): void;
  /** Once: `ended` (the call is over), `failed` (could not meter it), `closed` (we closed it). */
  onEnd(end: SidebandEnd): void;
  /** Delays between tries when opening fails (default 250, 500, 1000 ms). */
  retryDelaysMs?: readonly number[];
}

export interface Sideband {
  close(): void;
}

/** Only these events are parsed (the cheap substring test skips transcripts and audio). */
const METERED_EVENT = '"response.done"';

export function openSideband(options: SidebandOptions): Sideband {
  const delays = options.retryDelaysMs ?? [250, 500, 1000];
  let socket: WebSocket | undefined;
  let attempt = 0;
  let finished = false;
  let retryTimer: NodeJS.Timeout | undefined;

  function finish(end: SidebandEnd) {
    if (finished) return;
    finished = true;
    clearTimeout(retryTimer);
    options.onEnd(end);
  }

  function retryOrFail() {
    if (finished) return;
    const delay = delays[attempt++];
    if (delay === undefined) return finish('failed');
    retryTimer = setTimeout(connect, delay);
  }

  function connect() {
    if (finished) return;
    let opened = false;
    const ws = new WebSocket(`${options.url}?call_id=${encodeURIComponent(options.callId)}`, {
      headers: { Authorization: `Bearer ${options.apiKey}` },
      perMessageDeflate: false,
      handshakeTimeout: 10_000,
    });
    socket = ws;
    ws.on('open', () => {
      opened = true;
      attempt = 0;
    });
    ws.on('unexpected-response', (_req, res) => {
      // 404: the call is over (hung up, or the browser left) before we attached.
      const status = res.statusCode ?? 0;
      res.resume();
      ws.terminate();
      if (status === 404) finish('ended');
      else if (status === 401 || status === 403) finish('failed');
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      if (!text.includes(METERED_EVENT)) return;
      try {
        const event = JSON.parse(text) as { type?: unknown };
        if (event && typeof event.type === 'string') options.onEvent(event as { type: string } & Record<string, unknown>);
      } catch {
        // Not JSON: nothing to meter.
      }
    });
    ws.on('error', () => undefined); // 'close' follows
    ws.on('close', (code) => {
      if (finished || socket !== ws) return;
      if (opened && code === 1000) return finish('ended');
      retryOrFail();
    });
  }

  connect();
  return {
    close() {
      if (finished) return;
      finish('closed');
      socket?.close(1000);
    },
  };
}
