import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Server } from 'socket.io';

/**
 * Lets go of each connection's HTTP upgrade request once the connection is
 * open. Engine.IO keeps the whole IncomingMessage (its streams' state, raw
 * headers, parser leftovers) for the life of the connection, twice: as
 * `conn.request`, and through the upgrade's stand-in response, which a
 * `close` listener on the TCP socket holds. An idle screen needs none of it:
 * socket.io builds each namespace's `handshake` from the headers, URL, query
 * and TLS flag only, so those are kept in a plain object. About 1 KB a screen.
 */
export function releaseUpgradeRequests(io: Server): void {
  const responses = new WeakMap<IncomingMessage, { req?: unknown }>();
  io.engine.use((req: IncomingMessage, res: ServerResponse | { req?: unknown }, next: (err?: unknown) => void) => {
    // Long-polling requests get a real ServerResponse, which ends with the request.
    if (!(res instanceof ServerResponse)) responses.set(req, res);
    next();
  });
  io.engine.on('connection', (conn: { request: IncomingMessage & { _query?: unknown } }) => {
    const req = conn.request;
    const res = responses.get(req);
    if (res && 'req' in res) res.req = undefined;
    const kept = { headers: req.headers, url: req.url, method: req.method, _query: req._query, connection: { encrypted: 'encrypted' in req.socket && req.socket.encrypted === true } };
    conn.request = kept as unknown as IncomingMessage;
  });
}
