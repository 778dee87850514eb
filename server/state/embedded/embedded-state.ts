import type { Logger } from '../../log.js';
import type { HubState, StateOptions } from '../state.js';
import { FileArrivalTable } from './arrival-table.js';
import { EmbeddedStore } from './board-store.js';
import { FileCredentialStore } from './credential-store.js';
import { MemoryDeliveryTable } from './delivery-table.js';
import { FileEventLog } from './event-log.js';
import { OwnLeases } from './leases.js';
import { FileScreenTable } from './screen-table.js';
import { FileSessionTable } from './session-table.js';
import { EmbeddedStockStore } from './stock-store.js';
import { FileUndoTable } from './undo-table.js';

/** The hub's state in this one process, kept in DATA_DIR: what `npm start` runs on a bare laptop. */
export class EmbeddedState implements HubState {
  readonly kind = 'embedded';
  readonly board: EmbeddedStore;
  readonly stock: EmbeddedStockStore;
  readonly events: FileEventLog;
  readonly sessions: FileSessionTable;
  readonly undo: FileUndoTable;
  readonly arrivals: FileArrivalTable;
  readonly screens: FileScreenTable;
  readonly credentials: FileCredentialStore;
  readonly leases = new OwnLeases();
  readonly deliveries = new MemoryDeliveryTable();

  constructor(log: Logger, opts: StateOptions) {
    this.events = new FileEventLog(opts.dataDir, log, opts.eventLog.keepDays);
    // The store logs each change it makes, in the same synchronous step as its journal line.
    this.board = new EmbeddedStore(opts.dataDir, log, { maxActiveOrders: opts.maxActiveOrders, events: this.events });
    this.stock = new EmbeddedStockStore(opts.dataDir, log);
    this.sessions = new FileSessionTable(opts.dataDir, opts.now ?? Date.now);
    this.undo = new FileUndoTable(opts.dataDir);
    this.arrivals = new FileArrivalTable(opts.dataDir, opts.maxActiveOrders, (message) => log.warn(message));
    this.screens = new FileScreenTable(opts.dataDir, (message) => log.warn(message));
    this.credentials = new FileCredentialStore(opts.dataDir);
  }

  close(): Promise<void> {
    this.arrivals.flush();
    return Promise.resolve();
  }
}
