import type { ArrivalTable } from './arrival-table.js';
import type { BoardStore } from './board-store.js';
import type { CredentialStore } from './credential-store.js';
import type { DeliveryTable } from './delivery-table.js';
import type { EventLog } from './event-log.js';
import type { Leases } from './leases.js';
import type { ScreenTable } from './screen-table.js';
import type { SessionTable } from './session-table.js';
import type { StockStore } from './stock-store.js';
import type { UndoTable } from './undo-table.js';

/**
 * Everything a hub keeps, behind one interface with two implementations: Redis (state/redis/, shared by every
 * hub on it) and embedded (state/embedded/, one process, local disk). Which one is decided once, at start
 * (server/deployment.ts); nothing else asks. Both log each board change to `events` in the same step as the
 * change (the Lua script on Redis; the store's synchronous write embedded). test/state-contract.test.ts holds
 * both to the same behaviour, table by table.
 */
export interface HubState {
  readonly kind: 'redis' | 'embedded';
  readonly board: BoardStore;
  readonly stock: StockStore;
  readonly events: EventLog;
  readonly sessions: SessionTable;
  /** Staff actions that may still be undone, for their short window. */
  readonly undo: UndoTable;
  /** When the store first saw each order: due times (of orders without a promise) and the planner's queue outlive a restart. */
  readonly arrivals: ArrivalTable;
  readonly screens: ScreenTable;
  readonly credentials: CredentialStore;
  readonly leases: Leases;
  /** Webhook deliveries seen lately (server/hooks): shared by every hub on Redis, in memory embedded. */
  readonly deliveries: DeliveryTable;
  /** Closes the tables' own resources, then the connections they share; each table's own `close` is its user's. */
  close(): Promise<void>;
}

/** What the state is made from: the config's keys that shape it. */
export interface StateOptions {
  dataDir: string;
  /** The event log: trimmed to about this many entries (Redis) or kept this many days (embedded). */
  eventLog: { maxEntries: number; keepDays: number };
  maxActiveOrders: number;
  /** The clock sessions expire by (tests move it). */
  now?: () => number;
}
