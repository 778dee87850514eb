import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { MAX_BODY_BYTES } from '../http/json-body.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { releaseUpgradeRequests } from './handshake-release.js';
import { HandshakeLimiter, limitHandshakes } from './handshake-limit.js';
import { originGuard } from './origins.js';

/**
 * The socket.io server on `http`: handshake limits and origins, and with Redis
 * the adapter that lets hubs broadcast to each other's sockets.
 */
export function createSocketServer(
  http: HttpServer,
  deps: {
    trustProxy: readonly string[];
    allowedOrigins: readonly string[];
    /** Lets hubs broadcast to each other's sockets (the deployment's adapter; nothing embedded). */
    adapt: (io: Server) => void;
    log: Logger;
    metrics: Metrics;
  },
): Server {
  const { log, metrics } = deps;
  let refusalLoggedAt = 0;
  const handshakes = limitHandshakes(new HandshakeLimiter(deps.trustProxy), originGuard(deps.allowedOrigins), (reason, client) => {
    metrics.handshakesRefused.inc({ reason });
    // Under a flood, one line a minute says it is happening; the metric counts every one.
    if (Date.now() - refusalLoggedAt < 60_000) return;
    refusalLoggedAt = Date.now();
    log.warn({ client, reason }, 'socket.io handshakes refused: too many from one client');
  });
  const io = new Server(http, {
    // Browsers ask for per-message deflate; it multiplies CPU per delivery 5–7×. Board frames are small.
    perMessageDeflate: false,
    maxHttpBufferSize: MAX_BODY_BYTES,
    serveClient: false,
    allowRequest: handshakes.allowRequest,
    cors: { origin: [...deps.allowedOrigins], credentials: false },
  });

  // Before the release below, which replaces each connection's request.
  handshakes.track(io);
  releaseUpgradeRequests(io);

  deps.adapt(io);
  return io;
}
