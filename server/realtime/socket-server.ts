import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { MAX_BODY_BYTES } from '../http/json-body.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { connectRedis } from '../state/redis/connect.js';
import { releaseUpgradeRequests } from './handshake-release.js';
import { HandshakeLimiter, limitHandshakes } from './handshake-limit.js';
import { originGuard } from './origins.js';

export interface SocketServer {
  /** Untyped on purpose: each namespace gets its own event maps from `typedNamespace`. */
  readonly io: Server;
  /** The adapter's Redis connections (none without Redis): the hub closes them with its others, after `io.close()`. */
  readonly adapterClients: readonly Redis[];
}

/**
 * The socket.io server on `http`: handshake limits and origins, and with Redis
 * the adapter that lets hubs broadcast to each other's sockets.
 */
export function createSocketServer(
  http: HttpServer,
  deps: { trustProxy: readonly string[]; allowedOrigins: readonly string[]; redisUrl: string | undefined; log: Logger; metrics: Metrics },
): SocketServer {
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

  const adapterClients: Redis[] = [];
  if (deps.redisUrl) {
    const pub = connectRedis(deps.redisUrl, 'adapter-pub', log);
    const sub = connectRedis(deps.redisUrl, 'adapter-sub', log);
    adapterClients.push(pub, sub);
    // No waiting for Redis here: with Redis down at start, HTTP must still come up and say so on /readyz.
    io.adapter(createAdapter(pub, sub, { key: 'batchboard:socket.io' }));
  }
  return { io, adapterClients };
}
