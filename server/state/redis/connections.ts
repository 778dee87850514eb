import type { Redis } from 'ioredis';
import type { Logger } from '../../log.js';
import { closeRedis, connectRedis } from './connect.js';

/**
 * A hub's three Redis connections, and no more: each kind of use that cannot share a connection has one.
 * - `commands`: every request/reply command of every table, the Lua scripts, and socket.io's adapter's PUBLISH.
 *   Bounded (2 s a command, one retry after a reconnect) so a frozen Redis never holds a request; the board and
 *   stock stores also refuse at once while it is not connected (a REST write gets a 503, not a wait).
 * - `subscriber`: a connection in subscriber mode can run no other command, so every feed shares this one (the
 *   board's changes, the kiosk stock, the pub/sub door, socket.io's adapter); each listener picks its channels.
 * - `stream`: the inbox door's read loop. Its reads wait on Redis in a loop of their own; on the commands
 *   connection they would queue every board write behind them.
 */
export class RedisConnections {
  readonly commands: Redis;
  readonly subscriber: Redis;
  readonly stream: Redis;

  constructor(url: string, log: Logger) {
    this.commands = connectRedis(url, 'commands', log, { maxRetriesPerRequest: 1, commandTimeout: 2_000 });
    this.subscriber = connectRedis(url, 'subscriber', log);
    this.stream = connectRedis(url, 'stream', log);
  }

  close(): Promise<void> {
    return closeRedis(this.commands, this.subscriber, this.stream);
  }
}
