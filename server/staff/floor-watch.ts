import type { Order } from '../../shared/schemas/order.js';
import type { LateOrder } from '../../shared/schemas/staff.js';
import type { Board } from '../board/board.js';
import type { Logger } from '../log.js';
import { DueQueue } from './due-queue.js';

const FINISHED_KEPT = 20;

/** Statuses whose orders can be late: a ready order is not late, it is waiting for its customer. */
function inProgress(order: Order): boolean {
  return order.status === 'queued' || order.status === 'in_production';
}

/**
 * Watches the floor for staff: when each order is due (its promisedAt, or
 * `promiseMinutes` after this hub first saw it), which are late (raised once
 * each, in the log and to the console), and the orders taken off the board
 * lately, which staff may recall.
 *
 * Kept per change in O(log n): a change touches its own order's entries only,
 * and a timer wakes for the earliest due time. Only a board reload rebuilds it.
 */
export class FloorWatch {
  #board: Board;
  #log: Logger;
  #promiseMs: number;
  #now: () => number;
  #firstSeen = new Map<string, number>();
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

  constructor(board: Board, log: Logger, promiseMinutes: number, now: () => number = Date.now) {
    this.#board = board;
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
      if (change.removed || order.status === 'picked_up' || order.status === 'cancelled') {
        this.#forget(order.id);
        this.#firstSeen.delete(order.id);
        this.#alerted.delete(order.id);
        this.#finished = [order, ...this.#finished.filter((o) => o.id !== order.id)].slice(0, FINISHED_KEPT);
      } else {
        this.#track(order);
        if (this.#finished.some((o) => o.id === order.id)) this.#finished = this.#finished.filter((o) => o.id !== order.id);
      }
      this.#wake();
    });
    this.#board.on('reset', () => this.#rebuild());
    this.#rebuild();
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
    clearTimeout(this.#timer);
  }

  #dueOf(order: Order): number {
    if (order.promisedAt !== undefined) return order.promisedAt;
    let seen = this.#firstSeen.get(order.id);
    if (seen === undefined) this.#firstSeen.set(order.id, (seen = this.#now()));
    return seen + this.#promiseMs;
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
    const onBoard = new Set(orders.map((o) => o.id));
    for (const id of this.#firstSeen.keys()) if (!onBoard.has(id)) this.#firstSeen.delete(id);
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
