import type { Order } from '../../shared/schemas/order.js';
import type { LateOrder } from '../../shared/schemas/staff.js';
import type { Board } from '../board/board.js';
import type { Logger } from '../log.js';
import { isActiveOrder } from '../../shared/schemas/order.js';
import type { OrderArrivals } from '../board/order-arrivals.js';
import type { EventLog } from '../state/event-log.js';
import { DueQueue } from './due-queue.js';
import { finishedFromLog } from './finished-from-log.js';

const FINISHED_KEPT = 20;
/** How far back a starting hub reads the log for the orders finished before it started (the Recall list). */
const FINISHED_LOOKBACK_MS = 6 * 3600_000;

/** Statuses whose orders can be late: a ready order is not late, it is waiting for its customer. */
function inProgress(order: Order): boolean {
  return order.status === 'queued' || order.status === 'in_production';
}

/**
 * Watches the floor for staff: when each order is due (its promisedAt, or
 * `promiseMinutes` after the store first saw it), which are late (raised once
 * each, in the log and to the console), and the orders taken off the board
 * lately, which staff may recall.
 *
 * When the store first saw an order comes from OrderArrivals, which keeps it
 * with the store's state: a late order stays late through a restart.
 *
 * Kept per change in O(log n): a change touches its own order's entries only,
 * and a timer wakes for the earliest due time. Only a board reload rebuilds it.
 */
export class FloorWatch {
  #board: Board;
  #log: Logger;
  #promiseMs: number;
  #now: () => number;
  #arrivals: OrderArrivals;
  #events: EventLog;
  #closed = false;
  /** Due time of every order on the board (the console shows them). */
  #dueAt = new Map<string, number>();
  /** Queued and in-production orders not yet late, by due time. */
  #pending = new DueQueue();
  /** Order numbers of pending orders, for the late list when their time comes. */
  #numbers = new Map<string, string>();
  #late = new Map<string, LateOrder>();
  #lateSorted: LateOrder[] | undefined;
  #alerted = new Set<string>();
  #finished: Order[] = [];
  #timer: NodeJS.Timeout | undefined;
  #timerAt: number | undefined;
  #listeners = new Set<() => void>();

  constructor(board: Board, state: { arrivals: OrderArrivals; events: EventLog }, log: Logger, promiseMinutes: number, now: () => number = Date.now) {
    this.#board = board;
    this.#arrivals = state.arrivals;
    this.#events = state.events;
    this.#log = log;
    this.#promiseMs = promiseMinutes * 60_000;
    this.#now = now;
  }

  /** Called after every change to what the console shows; register before start() to hear the first pass. */
  onChange(listener: () => void): void {
    this.#listeners.add(listener);
  }

  start(): void {
    this.#board.on('change', (change) => {
      if (change.type !== 'order') return;
      const order = change.order;
      if (change.removed || !isActiveOrder(order)) {
        this.#forget(order.id);
        this.#alerted.delete(order.id);
        this.#finished = [order, ...this.#finished.filter((o) => o.id !== order.id)].slice(0, FINISHED_KEPT);
      } else {
        this.#track(order);
        if (this.#finished.some((o) => o.id === order.id)) this.#finished = this.#finished.filter((o) => o.id !== order.id);
      }
      this.#wake();
    });
    this.#board.on('reset', () => this.#rebuild());
    this.#arrivals.onMoved((ids) => this.#arrivalsMoved(ids));
    this.#rebuild();
    void this.#recallFromLog();
  }

  /**
   * The orders finished before this hub started, from the log, behind any finished since: a restart does not empty
   * the Recall list. Read in the background; a log that cannot be read costs the list, never the start.
   */
  async #recallFromLog(): Promise<void> {
    const now = this.#now();
    try {
      const before = await finishedFromLog(this.#events, now - FINISHED_LOOKBACK_MS, now, FINISHED_KEPT);
      if (this.#closed) return;
      const known = new Set(this.#finished.map((o) => o.id));
      const older = before.filter((o) => !known.has(o.id) && !this.#board.activeOrder(o.id));
      if (older.length === 0) return;
      this.#finished = [...this.#finished, ...older].slice(0, FINISHED_KEPT);
      for (const listener of this.#listeners) listener();
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'could not read the orders finished before the start from the log');
    }
  }

  /** Queued and in-production orders past their promise, earliest first. */
  late(): LateOrder[] {
    this.#lateSorted ??= [...this.#late.values()].sort((a, b) => a.dueAt - b.dueAt);
    return this.#lateSorted;
  }

  /** When one order on the board is due, or undefined for an order not on it. */
  dueAt(id: string): number | undefined {
    return this.#dueAt.get(id);
  }

  dueTimes(): Record<string, number> {
    return Object.fromEntries(this.#dueAt);
  }

  finished(): Order[] {
    return this.#finished;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  #dueOf(order: Order): number {
    return order.promisedAt ?? this.#arrivals.arrivedAt(order.id) + this.#promiseMs;
  }

  /** The arrival table set these orders' first sight earlier than this hub's own: their due times move. */
  #arrivalsMoved(ids: readonly string[]): void {
    if (this.#closed) return;
    for (const id of ids) {
      const order = this.#board.activeOrder(id);
      if (order) this.#track(order);
    }
    this.#wake();
  }

  /** Files one order on the board where it now belongs: pending, late, or (ready) neither. */
  #track(order: Order): void {
    const dueAt = this.#dueOf(order);
    this.#dueAt.set(order.id, dueAt);
    if (!inProgress(order)) {
      this.#pending.delete(order.id);
      this.#numbers.delete(order.id);
      this.#unlate(order.id);
      return;
    }
    if (dueAt <= this.#now()) {
      this.#pending.delete(order.id);
      this.#numbers.delete(order.id);
      this.#markLate({ id: order.id, number: order.number, dueAt });
    } else {
      this.#unlate(order.id);
      this.#pending.set(order.id, dueAt);
      this.#numbers.set(order.id, order.number);
    }
  }

  #forget(id: string): void {
    this.#dueAt.delete(id);
    this.#pending.delete(id);
    this.#numbers.delete(id);
    this.#unlate(id);
  }

  #markLate(late: LateOrder): void {
    const held = this.#late.get(late.id);
    if (held && held.dueAt === late.dueAt && held.number === late.number) return;
    this.#late.set(late.id, late);
    this.#lateSorted = undefined;
    if (this.#alerted.has(late.id)) return;
    this.#alerted.add(late.id);
    this.#log.warn({ order: late.id, number: late.number, dueAt: new Date(late.dueAt).toISOString() }, 'order is late');
  }

  #unlate(id: string): void {
    if (this.#late.delete(id)) this.#lateSorted = undefined;
  }

  /** The one full pass: at start and when the board was reloaded whole. */
  #rebuild(): void {
    const orders = this.#board.snapshot().orders;
    this.#dueAt.clear();
    this.#pending.clear();
    this.#numbers.clear();
    this.#late.clear();
    this.#lateSorted = undefined;
    for (const order of orders) this.#track(order);
    this.#wake();
  }

  /** Moves what fell due to the late list, tells the console, and sets the timer for the next due time. */
  #wake(): void {
    const now = this.#now();
    for (const [dueAt, id] of this.#pending.takeDue(now)) {
      this.#markLate({ id, number: this.#numbers.get(id) ?? id, dueAt });
      this.#numbers.delete(id);
    }
    for (const listener of this.#listeners) listener();
    const next = this.#pending.next();
    if (next === this.#timerAt) return;
    clearTimeout(this.#timer);
    this.#timerAt = next;
    if (next === undefined) return;
    this.#timer = setTimeout(
      () => {
        this.#timerAt = undefined;
        this.#wake();
      },
      next - now + 5,
    );
    this.#timer.unref();
  }
}
