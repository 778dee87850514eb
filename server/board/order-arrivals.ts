import { isActiveOrder } from '../../shared/schemas/order.js';
import type { Logger } from '../log.js';
import type { ArrivalClaim, ArrivalTable } from '../state/arrival-table.js';
import type { Board } from './board.js';

/** The arrival table did not answer: its batch is tried again after this. */
const TABLE_RETRY_MS = 5_000;
/** At most this many first sights in one call to the table: a full board at start must not hold up the store's other writes. */
const CLAIMS_PER_BATCH = 1_000;
/**
 * An order off the board keeps its arrival this long before the table forgets it: a cancel or a pickup taken back
 * (Undo, up to `staff.undoSeconds`, at most 10 minutes) brings the order back as it arrived, not as new.
 */
export const ARRIVAL_GRACE_MS = 15 * 60_000;
/**
 * An order this hub first sees as it comes in takes another hub's time for it only if that is at most this much
 * earlier: hubs see a new order within moments of each other. A time the table holds from longer ago is an
 * earlier order's under the same id (a till's ticket numbers used again the next day, kept because its hub stopped
 * before it could forget it), and the new order would be late from its first second.
 */
export const ARRIVAL_SKEW_MS = 3_600_000;

/**
 * When each order on the board arrived: the store's first sight of it. The floor's due times (an order without
 * `promisedAt` is due `promiseMinutes` after it) and the planner's queue and demand count from it.
 *
 * Kept in the state's arrival table, not in a hub's memory, so a restart or another hub of the store does not
 * make an order arrive again: this hub takes its own first sight at once, and the table's time when it answers
 * (another hub's, or this one's before a restart); listeners hear which orders' times moved. An order leaves the
 * table ARRIVAL_GRACE_MS after it left the board, so what is held is bounded by the board and the last minutes.
 */
export class OrderArrivals {
  #board: Board;
  #table: ArrivalTable;
  #log: Logger;
  #now: () => number;
  #seen = new Map<string, number>();
  /** Orders off the board and when they left, oldest first: forgotten once their grace is over. */
  #left = new Map<string, number>();
  /** First sights and orders gone, not yet told to the table; sent a batch at a time. */
  #toClaim = new Map<string, ArrivalClaim>();
  #toForget = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #sweeper: NodeJS.Timeout | undefined;
  #tableFailing = false;
  #closed = false;
  #listeners = new Set<(ids: readonly string[]) => void>();

  constructor(board: Board, table: ArrivalTable, log: Logger, now: () => number = Date.now) {
    this.#board = board;
    this.#table = table;
    this.#log = log;
    this.#now = now;
  }

  /** Right after the board has loaded, before anything else listens to it: first sights are taken as changes come. */
  start(): void {
    this.#board.on('change', (change) => {
      if (change.type !== 'order') return;
      if (change.removed || !isActiveOrder(change.order)) this.#leave(change.order.id);
      else this.arrivedAt(change.order.id);
    });
    this.#board.on('reset', () => this.#sync(true));
    this.#sync(false);
    this.#sweeper = setInterval(() => this.#sweep(), 60_000);
    this.#sweeper.unref();
  }

  /** When the order arrived (now, for one not seen before: it has just come in). */
  arrivedAt(id: string): number {
    return this.#sight(id, true);
  }

  /** Hears the orders whose arrival the table set earlier than this hub's own first sight. */
  onMoved(listener: (ids: readonly string[]) => void): void {
    this.#listeners.add(listener);
  }

  /** What this hub saw last still reaches the table (the state closes after the board): the batch in flight, then the rest. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    clearInterval(this.#sweeper);
    await this.#inFlight;
    while (this.#toClaim.size > 0 || this.#toForget.size > 0) if (!(await this.#send())) return;
  }

  /** The whole board again: every order on it has its time, the rest begin their grace. After a reload, claimed again: a store that lost keys gets them back. */
  #sync(again: boolean): void {
    const onBoard = new Set<string>();
    for (const order of this.#board.orders()) {
      onBoard.add(order.id);
      const known = this.#seen.get(order.id);
      if (again && known !== undefined) this.#toClaim.set(order.id, { at: known });
      // On the board already: it may have come in hours ago, before this hub started, so any time held stands.
      this.#sight(order.id, false);
    }
    for (const id of this.#seen.keys()) if (!onBoard.has(id) && !this.#left.has(id)) this.#left.set(id, this.#now());
    this.#sendSoon(0);
  }

  #sight(id: string, justIn: boolean): number {
    let seen = this.#seen.get(id);
    if (seen !== undefined) {
      this.#left.delete(id);
      return seen;
    }
    this.#seen.set(id, (seen = this.#now()));
    this.#toForget.delete(id);
    this.#toClaim.set(id, { at: seen, ...(justIn && { newerThan: seen - ARRIVAL_SKEW_MS }) });
    this.#sendSoon(0);
    return seen;
  }

  #leave(id: string): void {
    if (this.#seen.has(id) && !this.#left.has(id)) this.#left.set(id, this.#now());
  }

  /** Forgets the orders whose grace is over. */
  #sweep(): void {
    const until = this.#now() - ARRIVAL_GRACE_MS;
    for (const [id, at] of this.#left) {
      if (at > until) break;
      this.#left.delete(id);
      this.#seen.delete(id);
      this.#toClaim.delete(id);
      this.#toForget.add(id);
    }
    this.#sendSoon(0);
  }

  #sendSoon(ms: number): void {
    if (this.#timer || this.#inFlight || this.#closed || (this.#toClaim.size === 0 && this.#toForget.size === 0)) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#inFlight = this.#send().then((ok) => {
        this.#inFlight = undefined;
        this.#sendSoon(ok ? 0 : TABLE_RETRY_MS);
      });
    }, ms);
    this.#timer.unref();
  }

  /** One batch to the table; the times it holds replace this hub's own first sights. False when the table failed. */
  async #send(): Promise<boolean> {
    const claims = new Map<string, ArrivalClaim>();
    for (const [id, claim] of this.#toClaim) {
      if (claims.size >= CLAIMS_PER_BATCH) break;
      claims.set(id, claim);
    }
    for (const id of claims.keys()) this.#toClaim.delete(id);
    const gone = [...this.#toForget];
    this.#toForget.clear();
    let held: Map<string, number>;
    try {
      if (gone.length > 0) await this.#table.forget(gone);
      held = await this.#table.claim(claims);
    } catch (err) {
      // The store away: this hub's own first sights stand meanwhile, and the batch is tried again (what changed since wins).
      if (!this.#tableFailing) this.#log.warn({ err: (err as Error).message }, 'could not keep when orders arrived; trying again');
      this.#tableFailing = true;
      for (const [id, claim] of claims) if (this.#seen.get(id) === claim.at && !this.#toClaim.has(id)) this.#toClaim.set(id, claim);
      for (const id of gone) if (!this.#seen.has(id)) this.#toForget.add(id);
      return false;
    }
    if (this.#tableFailing) this.#log.info('order arrivals kept again');
    this.#tableFailing = false;
    this.#adopt(held);
    return true;
  }

  #adopt(held: Map<string, number>): void {
    if (this.#closed) return;
    const moved: string[] = [];
    for (const [id, at] of held) {
      const seen = this.#seen.get(id);
      if (seen === undefined || seen === at) continue;
      this.#seen.set(id, at);
      moved.push(id);
    }
    if (moved.length === 0) return;
    for (const listener of this.#listeners) {
      try {
        listener(moved);
      } catch (err) {
        this.#log.error({ err }, 'a listener of order arrivals failed');
      }
    }
  }
}
