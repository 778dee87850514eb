import { randomBytes } from 'node:crypto';
import { apiError, type ApiError } from '../../shared/errors.js';
import type { Order, OrderStatus } from '../../shared/schemas/order.js';
import type { StaffAction, StaffActionResult } from '../../shared/schemas/staff.js';
import type { Board } from '../board/board.js';
import type { Intake, IntakeError } from '../ingest/intake.js';
import type { Logger } from '../log.js';
import type { EventLog } from '../state/event-log.js';
import type { UndoTable } from '../state/undo-table.js';
import type { StaffLogEntry } from '../../shared/schemas/event-log.js';

const NEXT: Partial<Record<OrderStatus, OrderStatus>> = { queued: 'in_production', in_production: 'ready', ready: 'picked_up' };
const words = (status: OrderStatus) => status.replace('_', ' ');
/** The answer to a tap made on a status the order has left: what it is now, for the console to show. */
const stale = (status: OrderStatus): IntakeError => apiError('stale', { status }, `the order is ${words(status)} now; nothing was changed`);
/** An undo refused so as not to overwrite a change made since the action: `status` is the order's now. */
const changedSince = (status: OrderStatus) =>
  apiError('not_allowed', { action: 'undo', status }, `the order changed since (it is ${words(status)}); undo refused so as not to overwrite it`);

export type CommandError = IntakeError | ApiError<'unknown_order' | 'not_allowed' | 'undo_expired'>;
export type CommandResult = { ok: true; data: StaffActionResult } | { ok: false; error: CommandError };

/** What a cancel (or its undo) does to the kiosk's stock. */
export type StockReturn = (order: Order, direction: 1 | -1) => Promise<void>;

/**
 * What staff do to orders: advance, recall, cancel, and undo any of them for
 * a short while. Each makes the next version of the order and hands it to the
 * same intake as the REST API, so it is validated, stored and fanned out the
 * same way; each is logged with who did it.
 */
export class StaffCommands {
  #board: Board;
  #intake: Intake;
  #log: Logger;
  #returnStock: StockReturn;
  #now: () => number;
  #undoMs: number;
  #undo: UndoTable;

  #events: EventLog;

  /** `undo`: kept with the hub's state, so an Undo after a restart, or on another hub, finds its action. */
  constructor(
    board: Board,
    intake: Intake,
    log: Logger,
    events: EventLog,
    returnStock: StockReturn,
    undo: { table: UndoTable; ms: number },
    now: () => number = Date.now,
  ) {
    this.#undo = undo.table;
    this.#undoMs = undo.ms;
    this.#board = board;
    this.#events = events;
    this.#intake = intake;
    this.#log = log;
    this.#returnStock = returnStock;
    this.#now = now;
  }

  /**
   * `from`: the status the person saw when they tapped. The action is applied only while the order is still in
   * it, so a second tap of one burst (or a second console) answers `stale` instead of taking another step.
   * Without it the step is taken from whatever status the order is in when read (scripts): no such protection.
   * Either way the write is conditional on the status read, so two requests never both act on one read.
   */
  async act(id: string, action: StaffAction, who: string, from?: OrderStatus): Promise<CommandResult> {
    const current = await this.#board.order(id);
    if (!current) return { ok: false, error: apiError('unknown_order', { order: id }, `no order '${id}' on the board or finished lately`) };
    if (from !== undefined && current.status !== from) return { ok: false, error: stale(current.status) };
    const status = this.#target(current.status, action);
    if (!status)
      return { ok: false, error: apiError('not_allowed', { action, status: current.status }, `cannot ${action} an order that is ${words(current.status)}`) };
    const next = { ...current, status, updatedAt: this.#stamp(current) };
    const result = await this.#write(next, action, who, current);
    if (!result.ok) return result;
    if (action === 'cancel') await this.#stockBack(next, 1);
    const undo = randomBytes(12).toString('base64url');
    const until = this.#now() + this.#undoMs;
    // The action is done: an undo that could not be kept costs the Undo button (it answers too late), not the action.
    await this.#undo.put(undo, { before: current, after: next, until }, this.#undoMs).catch((err: unknown) => {
      this.#log.warn({ err: (err as Error).message, order: next.id }, 'could not keep the undo of a staff action');
    });
    return { ok: true, data: { order: next, undo, undoUntil: until } };
  }

  async undo(token: string, who: string): Promise<CommandResult> {
    const kept = await this.#undo.get(token);
    const entry = kept && kept.until >= this.#now() ? kept : undefined;
    const seconds = Math.round(this.#undoMs / 1000);
    if (!entry) return { ok: false, error: apiError('undo_expired', { seconds }, `an action can be undone for ${seconds} s only`) };
    const current = (await this.#board.order(entry.after.id)) ?? entry.after;
    if (current.updatedAt !== entry.after.updatedAt) return { ok: false, error: changedSince(current.status) };
    const restored = { ...entry.before, updatedAt: this.#stamp(current) };
    const result = await this.#write(restored, 'undo', who, current);
    if (!result.ok && result.error.code === 'stale') return { ok: false, error: changedSince(result.error.params.status ?? current.status) };
    if (!result.ok) return result;
    await this.#undo.delete(token);
    if (entry.after.status === 'cancelled') await this.#stockBack(restored, -1);
    return { ok: true, data: { order: restored, undo: token, undoUntil: 0 } };
  }

  #target(from: OrderStatus, action: StaffAction): OrderStatus | undefined {
    if (action === 'advance') return NEXT[from];
    if (action === 'recall') return from === 'picked_up' ? 'ready' : undefined;
    return from === 'queued' || from === 'in_production' || from === 'ready' ? 'cancelled' : undefined;
  }

  /** Staff act on what they see: their version must win over the one before it, whatever the clocks say. */
  #stamp(current: Order): number {
    return Math.max(this.#now(), current.updatedAt + 1);
  }

  /** Written only while the order is still as read (`before.status`): checked atomically by the store. */
  async #write(next: Order, action: StaffLogEntry['action'], who: string, before: Order): Promise<{ ok: true } | { ok: false; error: IntakeError }> {
    const result = await this.#intake.submit('staff', 'order', next, before.status);
    if (!result.ok) return result;
    const entry: StaffLogEntry = { who, action, order: next.id, number: next.number, from: before.status, to: next.status };
    this.#log.info({ who, order: next.id, number: next.number, from: before.status, to: next.status }, `order ${action}`);
    await this.#events
      .append({ type: 'staff', at: this.#now(), staff: entry })
      .catch((err: unknown) => this.#log.warn({ err: (err as Error).message }, 'could not log the staff action'));
    return { ok: true };
  }

  async #stockBack(order: Order, direction: 1 | -1): Promise<void> {
    await this.#returnStock(order, direction).catch((err: unknown) =>
      this.#log.warn({ err: (err as Error).message, order: order.id }, 'could not return stock'),
    );
  }
}
