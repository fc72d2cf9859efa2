/**
 * Graceful shutdown needs more than `server.close()`: browsers keep spare pre-connected sockets that
 * never carried a request, and Node does not count those as idle, so `close()` would wait for them
 * until the keep-alive/headers timeout. We track in-flight requests per socket: on drain, sockets with
 * nothing in flight are closed at once, the others right after their last response is sent.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export function trackConnections(server: Server): { drain(): void } {
  const inFlight = new Map<Socket, number>();
  let draining = false;

  server.on('connection', (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once('close', () => inFlight.delete(socket));
  });

  server.on('request', (req, res) => {
    const socket = req.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    if (draining) res.setHeader('Connection', 'close');
    res.once('close', () => {
      const left = Math.max(0, (inFlight.get(socket) ?? 1) - 1);
      inFlight.set(socket, left);
      if (draining && left === 0) socket.end();
    });
  });

  return {
    drain() {
      draining = true;
      for (const [socket, count] of inFlight) if (count === 0) socket.destroy();
    },
  };
}
