import type { Logger } from '../../log.js';
import type { HubState, StateOptions } from '../state.js';
import { RedisArrivalTable } from './arrival-table.js';
import { RedisStore } from './board-store.js';
import { RedisConnections } from './connections.js';
import { RedisCredentialStore } from './credential-store.js';
import { RedisDeliveryTable } from './delivery-table.js';
import { RedisEventLog } from './event-log.js';
import { RedisLeases } from './leases.js';
import { RedisScreenTable } from './screen-table.js';
import { RedisSessionTable } from './session-table.js';
import { RedisStockStore } from './stock-store.js';
import { RedisUndoTable } from './undo-table.js';

/** The hub's state in Redis, shared by every hub on it, over the hub's three connections. */
export class RedisState implements HubState {
  readonly kind = 'redis';
  readonly connections: RedisConnections;
  readonly board: RedisStore;
  readonly stock: RedisStockStore;
  readonly events: RedisEventLog;
  readonly sessions: RedisSessionTable;
  readonly undo: RedisUndoTable;
  readonly arrivals: RedisArrivalTable;
  readonly screens: RedisScreenTable;
  readonly credentials: RedisCredentialStore;
  readonly leases: RedisLeases;
  readonly deliveries: RedisDeliveryTable;

  constructor(url: string, log: Logger, opts: StateOptions) {
    const redis = (this.connections = new RedisConnections(url, log));
    this.board = new RedisStore(redis, log, { logCap: opts.eventLog.maxEntries, maxActiveOrders: opts.maxActiveOrders });
    this.stock = new RedisStockStore(redis, log);
    this.events = new RedisEventLog(redis.commands, log, opts.eventLog.maxEntries);
    this.sessions = new RedisSessionTable(redis.commands);
    this.undo = new RedisUndoTable(redis.commands);
    this.arrivals = new RedisArrivalTable(redis.commands);
    this.screens = new RedisScreenTable(redis.commands);
    this.credentials = new RedisCredentialStore(redis.commands);
    this.leases = new RedisLeases(redis.commands);
    this.deliveries = new RedisDeliveryTable(redis.commands);
  }

  close(): Promise<void> {
    // QUIT, not a cut: socket.io's Redis adapter unsubscribes on close without awaiting; a cut connection
    // would reject those commands with nobody listening (an unhandled rejection).
    return this.connections.close();
  }
}
