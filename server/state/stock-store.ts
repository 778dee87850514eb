import type { Order } from '../../shared/schemas/order.js';
import type { Allowance, Refusal } from './client-allowance.js';

/** The outcome of one order attempt against today's run. */
export type PlaceOutcome =
  | { kind: 'placed'; order: Order }
  | { kind: 'repeat'; order: Order }
  | { kind: 'sold_out'; left: number }
  | ({ kind: 'limited' } & Refusal)
  /** A new attempt while the board is full (`refuseNew`): nothing taken. */
  | { kind: 'board_full' }
  /** The store does not hold today as opened (a new day, or a store that lost its data): `open` it, then place again. */
  | { kind: 'unopened' };

export interface Placement {
  /** The store's day, `YYYY-MM-DD`: counts and numbers start again each day. */
  day: string;
  key: string;
  sku: string;
  qty: number;
  /** Today's run quantity of the SKU. */
  limit: number;
  /** The order as JSON, with `slot` where the day's next order number goes. */
  template: string;
  /** Longer than any free text in an order, and random, so it can only be where the kiosk put it. */
  slot: string;
  /** Daily numbers held by orders still on the board (an earlier day's, a POS's): the next number skips them. */
  taken: number[];
  /** The board is full: a repeat is still answered, a new attempt is refused before anything is taken. */
  refuseNew: boolean;
  /** Who is ordering: an address, or an IPv6 /64. */
  client: string;
  /** When (the hub's clock): the client's takings are counted in windows back from here. */
  at: number;
  allowance: Allowance;
}

/** Sold counts changed for these SKUs (on any hub); `number`: the daily number an order placed just now took. */
export type StockListener = (day: string, sold: Record<string, number>, number?: number) => void;

/**
 * What the kiosk needs kept atomically: what each SKU has sold today, the
 * day's order numbers, and each attempt's answer by its idempotency key. One
 * `place` checks the key, checks the stock and the client's allowance, takes
 * it, numbers the order and records it under the key, all in one step, so 50
 * customers racing for the last 10 sell exactly 10, ten requests at once from
 * one client take no more than its allowance, and a repeated attempt gets its
 * first answer back.
 */
export interface StockStore {
  /** `resync`: changes may have been missed (a feed that reconnected): read the counts again. */
  start(listener: StockListener, resync: () => void): Promise<void>;
  place(p: Placement): Promise<PlaceOutcome>;
  /**
   * Opens the day if it is not open: its counts and numbering become at least `known` (what this hub has seen
   * of the day). A store that lost the day is seeded again by it, so nothing sold is sold again and no number
   * is given twice. An open day is left as it is.
   */
  open(day: string, known: { sold: Record<string, number>; lastNumber: number }): Promise<void>;
  /** Gives back what a cancelled order took (or takes it again when the cancel is undone). */
  adjust(day: string, sku: string, delta: number): Promise<void>;
  sold(day: string): Promise<Record<string, number>>;
  /** The highest daily number given on `day` so far (0: none). */
  lastNumber(day: string): Promise<number>;
  close(): Promise<void>;
}

/** Kiosk numbers count from here each day: short, and never confused with a quantity. */
export const FIRST_NUMBER = 101;
