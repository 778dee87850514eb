import type { Order } from '../../shared/schemas/order.js';
import type { LateOrder } from '../../shared/schemas/staff.js';
import type { Board } from '../board/board.js';
import type { Logger } from '../log.js';

const FINISHED_KEPT = 20;

/**
 * Watches the floor for staff: when each order is due (its promisedAt, or
 * `promiseMinutes` after this hub first saw it), which are late (raised once
 * each, in the log and to the console), and the orders taken off the board
 * lately, which staff may recall.
 */
export class FloorWatch {
  #board: Board;
  #log: Logger;
  #promiseMs: number;
  #now: () => number;
  #firstSeen = new Map<string, number>();
  #alerted = new Set<string>();
  #finished: Order[] = [];
  #timer: NodeJS.Timeout | undefined;
  #onChange: () => void = () => undefined;

  constructor(board: Board, log: Logger, promiseMinutes: number, now: () => number = Date.now) {
    this.#board = board;
    this.#log = log;
    this.#promiseMs = promiseMinutes * 60_000;
    this.#now = now;
  }

  start(onChange: () => void): void {
    this.#onChange = onChange;
    this.#board.on('change', (change) => {
      if (change.type !== 'order') return;
      const order = change.order;
      if (change.removed || order.status === 'picked_up' || order.status === 'cancelled') {
        this.#firstSeen.delete(order.id);
        this.#alerted.delete(order.id);
        this.#finished = [order, ...this.#finished.filter((o) => o.id !== order.id)].slice(0, FINISHED_KEPT);
      } else {
        if (!this.#firstSeen.has(order.id)) this.#firstSeen.set(order.id, this.#now());
        this.#finished = this.#finished.filter((o) => o.id !== order.id);
      }
      this.#schedule();
    });
    this.#board.on('reset', () => this.#schedule());
    this.#schedule();
  }

  dueAt(order: Order): number {
    if (order.promisedAt !== undefined) return order.promisedAt;
    let seen = this.#firstSeen.get(order.id);
    if (seen === undefined) this.#firstSeen.set(order.id, (seen = this.#now()));
    return seen + this.#promiseMs;
  }

  /** Queued and in-production orders past their promise; a ready order is not late, it is waiting for its customer. */
  late(): LateOrder[] {
    const now = this.#now();
    return this.#board
      .snapshot()
      .orders.filter((o) => o.status === 'queued' || o.status === 'in_production')
      .map((o) => ({ id: o.id, number: o.number, dueAt: this.dueAt(o) }))
      .filter((o) => o.dueAt <= now)
      .sort((a, b) => a.dueAt - b.dueAt);
  }

  dueTimes(): Record<string, number> {
    return Object.fromEntries(this.#board.snapshot().orders.map((o) => [o.id, this.dueAt(o)]));
  }

  finished(): Order[] {
    return this.#finished;
  }

  close(): void {
    clearTimeout(this.#timer);
  }

  /** Wakes when the next order falls due, raises what is newly late, and tells the console. */
  #schedule(): void {
    clearTimeout(this.#timer);
    const now = this.#now();
    const late = this.late();
    for (const o of late) {
      if (this.#alerted.has(o.id)) continue;
      this.#alerted.add(o.id);
      this.#log.warn({ order: o.id, number: o.number, dueAt: new Date(o.dueAt).toISOString() }, 'order is late');
    }
    this.#onChange();
    const upcoming = this.#board
      .snapshot()
      .orders.filter((o) => o.status === 'queued' || o.status === 'in_production')
      .map((o) => this.dueAt(o))
      .filter((t) => t > now);
    if (upcoming.length === 0) return;
    this.#timer = setTimeout(() => this.#schedule(), Math.min(...upcoming) - now + 5);
    this.#timer.unref();
  }
}
