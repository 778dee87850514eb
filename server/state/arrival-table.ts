/**
 * When the store first saw each order that came without its own `promisedAt`: its promise runs from then
 * (server/staff/floor-watch.ts). Kept with the hub's state, not in a hub's memory, so a restart or another hub of
 * the store does not start an order's promise again and a late order stays late.
 */
export interface ArrivalTable {
  /**
   * Keeps each time given for an id the table does not hold yet, and answers the time the table holds for every
   * id given: the first one kept wins, whichever hub gave it.
   */
  claim(first: ReadonlyMap<string, number>): Promise<Map<string, number>>;
  /** The orders have left the board: their times are no longer needed. */
  forget(ids: readonly string[]): Promise<void>;
}

/** An order may stay on the board up to a week with no change (`staleOrderHours`): its time is kept a day longer. */
export const ARRIVAL_KEPT_MS = 8 * 24 * 3600_000;
