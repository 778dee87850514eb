/**
 * When the store first saw each order (server/board/order-arrivals.ts): an order without `promisedAt` is due
 * `promiseMinutes` after it, and the planner queues by it. Kept with the hub's state, not in a hub's memory, so a
 * restart or another hub of the store does not start an order's promise again and a late order stays late.
 */
export interface ArrivalTable {
  /**
   * Keeps each time given for an id the table does not hold yet, and answers the time the table holds for every
   * id given: the first one kept wins, whichever hub gave it. With `newerThan`, a held time before it is an earlier
   * order's under the same id (a till's ticket numbers used again the next day): replaced by `at`.
   */
  claim(first: ReadonlyMap<string, ArrivalClaim>): Promise<Map<string, number>>;
  /** The orders have left the board: their times are no longer needed. */
  forget(ids: readonly string[]): Promise<void>;
}

export interface ArrivalClaim {
  at: number;
  newerThan?: number | undefined;
}

/** An order may stay on the board up to a week with no change (`staleOrderHours`): its time is kept a day longer. */
export const ARRIVAL_KEPT_MS = 8 * 24 * 3600_000;
