import type { BoardChange, ReadingsUpdate, Scene, Snapshot } from '../../shared/schemas/board.js';
import type { Machine } from '../../shared/schemas/machine.js';
import type { Order, OrderStatus } from '../../shared/schemas/order.js';
import type { Run, RunStatus } from '../../shared/schemas/run.js';

/** What a write did: the change it made (with its new seq), or why it made none. */
export type WriteResult =
  | { applied: true; change: StoredChange }
  /** Telemetry: a machine's readings changed and nothing else; no seq (docs/protocol.md, "Telemetry"). */
  | { applied: true; readings: ReadingsUpdate }
  | { applied: false; reason: 'stale' | 'duplicate' | 'not_on_board' | 'unchanged' }
  /** A new order past `board.maxActiveOrders`: refused, not stored (an update to an order already on the board is never refused). */
  | { applied: false; reason: 'board_full'; max: number }
  /** A conditional write (a staff action): the order was no longer in the expected status; `status` is the one it is in (null: none held). */
  | { applied: false; reason: 'moved'; status: OrderStatus | null }
  /** A conditional run write: the run was no longer in one of the expected statuses; `status` is the one it is in (null: none held). */
  | { applied: false; reason: 'run_moved'; status: RunStatus | null };

/**
 * A board change plus when the store applied it (for the fan-out latency metric) and the store's epoch;
 * neither is sent to screens.
 */
export type StoredChange = BoardChange & { at: number; epoch: string };

/**
 * The board as the store holds it, with the store's epoch: made once when the store is first written, and
 * made anew when its data is lost (a FLUSHALL, a Redis restarted empty). Seqs only compare within one epoch.
 */
export type StoredSnapshot = Snapshot & { epoch: string };

export interface StoreFeedHandlers {
  /** Every change, in seq order, from every hub. */
  change: (change: StoredChange) => void;
  /** Telemetry from every hub, outside the seq order; latest wins by updatedAt. */
  readings?: (update: ReadingsUpdate) => void;
  /** The feed may have lost changes (a reconnect): reload the board. */
  reset: () => void;
}

/**
 * Where the board lives. Each write is atomic: compare by updatedAt, assign the
 * next seq, persist, announce. Two implementations: Redis (shared by many hubs)
 * and embedded (one process, local disk).
 */
export interface BoardStore {
  readonly kind: 'redis' | 'embedded';
  start(handlers: StoreFeedHandlers): Promise<void>;
  load(): Promise<StoredSnapshot>;
  /** The store's epoch now (null: the store lost its data and no write or load has made a new one yet). */
  epoch(): Promise<string | null>;
  /** The seq of the store's last change (0 before any): a board that stays behind it missed one. */
  seq(): Promise<number>;
  /**
   * With `expected`, the write is applied only while the stored order is in that status, checked in the same
   * atomic step as the write (a staff tap made from what the console showed): else `moved`, with its status.
   */
  upsertOrder(order: Order, expected?: OrderStatus): Promise<WriteResult>;
  upsertMachine(machine: Machine): Promise<WriteResult>;
  setScene(scene: Scene): Promise<WriteResult>;
  /**
   * A production run, last write wins by `updatedAt` like an order. With `expected`, applied only while the held
   * run is in one of those statuses (a staff tap on what the console showed): else `run_moved`, with its status.
   */
  upsertRun(run: Run, expected?: readonly RunStatus[]): Promise<WriteResult>;
  /** The latest record of a run: on the board, or done or cancelled within the tombstone time. */
  run(id: string): Promise<Run | undefined>;
  /** The latest record of an order: on the board, or finished within the tombstone time (for a recall). */
  order(id: string): Promise<Order | undefined>;
  /** Takes a ready order off the board if it is still exactly `order` (the ready time-out). */
  expireOrder(order: Order): Promise<WriteResult>;
  /** Resolves true while the store answers within `timeoutMs`. */
  healthy(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The store refused this one input: a step failed for a reason that retrying will not change (a key
 * of the wrong type, a record it cannot process). Unlike an outage, it must not hold up what follows.
 */
export class StoreRefusedError extends Error {
  constructor(cause: unknown) {
    super(`state store refused the write: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`state store unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
