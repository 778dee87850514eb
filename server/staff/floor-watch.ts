import type { Order } from '../../shared/schemas/order.js';
import type { LateOrder } from '../../shared/schemas/staff.js';
import type { Board } from '../board/board.js';
import type { Logger } from '../log.js';
import type { ArrivalTable } from '../state/arrival-table.js';
import type { EventLog } from '../state/event-log.js';
import { DueQueue } from './due-queue.js';
import { finishedFromLog, leavesBoard } from './finished-from-log.js';

const FINISHED_KEPT = 20;
/** How far back a starting hub reads the log for the orders finished before it started (the Recall list). */
const FINISHED_LOOKBACK_MS = 6 * 3600_000;
/** The arrival table did not answer: its batch is tried again after this. */
const TABLE_RETRY_MS = 5_000;

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
 * When the store first saw an order is kept in its arrival table: a hub takes
 * its own first sight at once, and the table's time when it answers (another
 * hub's, or this one's before a restart), so a late order stays late.
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
  #arrivals: ArrivalTable;
  #events: EventLog;
  /** First sights and orders gone, not yet told to the arrival table; sent together, one batch at a time. */
  #toClaim = new Map<string, number>();
  #toForget = new Set<string>();
  #sending: NodeJS.Timeout | undefined;
  #tableFailing = false;
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

  constructor(board: Board, state: { arrivals: ArrivalTable; events: EventLog }, log: Logger, promiseMinutes: number, now: () => number = Date.now) {
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
      if (leavesBoard(order, change.removed)) {
        this.#forget(order.id);
        if (this.#firstSeen.delete(order.id)) this.#tell({ forget: order.id });
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
    // What this hub saw last still reaches the table: the state closes after the floor.
    if (this.#toClaim.size > 0 || this.#toForget.size > 0) {
      clearTimeout(this.#sending);
      void this.#send();
    }
  }

  #dueOf(order: Order): number {
    if (order.promisedAt !== undefined) return order.promisedAt;
    let seen = this.#firstSeen.get(order.id);
    if (seen === undefined) {
      this.#firstSeen.set(order.id, (seen = this.#now()));
      this.#tell({ claim: order.id, at: seen });
    }
    return seen + this.#promiseMs;
  }

  /** Queues a first sight or an order gone for the arrival table; the batch goes out once this turn's changes are in. */
  #tell(what: { claim: string; at: number } | { forget: string }): void {
    if ('claim' in what) {
      this.#toForget.delete(what.claim);
      this.#toClaim.set(what.claim, what.at);
    } else {
      this.#toClaim.delete(what.forget);
      this.#toForget.add(what.forget);
    }
    this.#sendAfter(0);
  }

  #sendAfter(ms: number): void {
    if (this.#sending || this.#closed) return;
    this.#sending = setTimeout(() => void this.#send(), ms);
    this.#sending.unref();
  }

  /** One batch to the table; the times it holds replace this hub's own first sights, and the console follows. */
  async #send(): Promise<void> {
    const claims = this.#toClaim;
    const gone = this.#toForget;
    this.#toClaim = new Map();
    this.#toForget = new Set();
    let retry = false;
    try {
      if (gone.size > 0) await this.#arrivals.forget([...gone]);
      const held = await this.#arrivals.claim(claims);
      this.#tableFailing = false;
      this.#adopt(held);
    } catch (err) {
      // The store away: this hub's own first sights stand meanwhile, and the batch is tried again (what changed since wins).
      if (!this.#tableFailing) this.#log.warn({ err: (err as Error).message }, 'could not keep when orders arrived; trying again');
      this.#tableFailing = retry = true;
      for (const [id, at] of claims) if (this.#firstSeen.get(id) === at && !this.#toClaim.has(id)) this.#toClaim.set(id, at);
      for (const id of gone) if (!this.#firstSeen.has(id)) this.#toForget.add(id);
    }
    this.#sending = undefined;
    if (this.#toClaim.size > 0 || this.#toForget.size > 0) this.#sendAfter(retry ? TABLE_RETRY_MS : 0);
  }

  #adopt(held: Map<string, number>): void {
    if (this.#closed) return;
    let moved = false;
    for (const [id, at] of held) {
      const seen = this.#firstSeen.get(id);
      if (seen === undefined || seen === at) continue;
      this.#firstSeen.set(id, at);
      const order = this.#board.activeOrder(id);
      if (order) this.#track(order);
      moved = true;
    }
    if (moved) this.#wake();
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
    for (const id of this.#firstSeen.keys()) if (!onBoard.has(id) && this.#firstSeen.delete(id)) this.#tell({ forget: id });
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
