import type { Product } from '../../shared/schemas/catalogue.js';
import type { Order } from '../../shared/schemas/order.js';
import type { Run } from '../../shared/schemas/run.js';
import { stockKey } from './plan-types.js';

const KEEP_MS = 48 * 3_600_000;

/**
 * What came out of the machines today and where it went, from the board's events alone (so every hub keeps the
 * same ledger): units of `batch` runs done, less those allocated to orders, less those orders served straight
 * from the shelf (ready without a run).
 */
export class ShelfLedger {
  #products: ReadonlyMap<string, Product>;
  #done = new Map<string, Run>();
  /** Orders made ready while in no run: they took their units from the shelf. */
  #fromShelf = new Map<string, { at: number; order: Order }>();
  /** Orders some run holds, with when that run last changed. */
  #inRuns = new Map<string, number>();
  #seen = 0;
  #now: () => number;

  constructor(products: ReadonlyMap<string, Product>, now: () => number = Date.now) {
    this.#products = products;
    this.#now = now;
  }

  /** An empty ledger of the same products, to read the day into while this one keeps serving. */
  emptyCopy(): ShelfLedger {
    return new ShelfLedger(this.#products, this.#now);
  }

  /** Takes what `other` holds in place of its own, in one step: no reader ever sees a half-read day. */
  adopt(other: ShelfLedger): void {
    this.#done = other.#done;
    this.#fromShelf = other.#fromShelf;
    this.#inRuns = other.#inRuns;
  }

  observeRun(run: Run): void {
    for (const a of run.allocations) this.#inRuns.set(a.orderId, run.updatedAt);
    if (run.status === 'done') this.#done.set(run.id, run);
    this.#pruneNowAndThen();
  }

  observeOrder(order: Order): void {
    if (order.status === 'ready' && !this.#inRuns.has(order.id) && !this.#fromShelf.has(order.id) && order.items.every((i) => this.#isBatch(i.sku))) {
      this.#fromShelf.set(order.id, { at: order.updatedAt, order });
    }
    this.#pruneNowAndThen();
  }

  doneSince(from: number): Run[] {
    return [...this.#done.values()].filter((r) => (r.doneAt ?? r.updatedAt) >= from);
  }

  madeSince(from: number): Map<string, number> {
    const made = new Map<string, number>();
    for (const r of this.doneSince(from)) made.set(r.sku, (made.get(r.sku) ?? 0) + (r.produced ?? r.qty));
    return made;
  }

  shelf(from: number): Map<string, number> {
    const shelf = new Map<string, number>();
    const add = (key: string, n: number) => shelf.set(key, (shelf.get(key) ?? 0) + n);
    for (const r of this.doneSince(from)) {
      if (!this.#isBatch(r.sku)) continue;
      add(stockKey(r.sku, r.variant), (r.produced ?? r.qty) - r.allocations.reduce((s, a) => s + a.qty, 0));
    }
    for (const { at, order } of this.#fromShelf.values()) if (at >= from) for (const i of order.items) add(stockKey(i.sku, i.variant), -i.qty);
    for (const [key, n] of shelf) if (n <= 0) shelf.delete(key);
    return shelf;
  }

  /**
   * Takes the order's units from `shelf` (today's, from `shelf()`) if every item is a `batch` SKU whose units are
   * there; true if taken. The caller takes from one shelf for a whole pass, so two orders cannot both be served
   * the last units before the ledger has heard of the first.
   */
  take(order: Order, shelf: Map<string, number>): boolean {
    if (!order.items.every((i) => this.#isBatch(i.sku))) return false;
    const wanted = new Map<string, number>();
    for (const i of order.items) wanted.set(stockKey(i.sku, i.variant), (wanted.get(stockKey(i.sku, i.variant)) ?? 0) + i.qty);
    if (![...wanted].every(([key, qty]) => (shelf.get(key) ?? 0) >= qty)) return false;
    for (const [key, qty] of wanted) shelf.set(key, shelf.get(key)! - qty);
    return true;
  }

  /** Only today counts: what is older than two days is let go, so a hub that runs for weeks holds no more. */
  #pruneNowAndThen(): void {
    if (++this.#seen % 1_000 !== 0) return;
    // The hub's clock, not an event's: one event stamped days ahead by a drifting POS must not prune today.
    const cutoff = this.#now() - KEEP_MS;
    for (const [id, r] of this.#done) if ((r.doneAt ?? r.updatedAt) < cutoff) this.#done.delete(id);
    for (const [id, e] of this.#fromShelf) if (e.at < cutoff) this.#fromShelf.delete(id);
    for (const [id, at] of this.#inRuns) if (at < cutoff) this.#inRuns.delete(id);
  }

  #isBatch(sku: string): boolean {
    return this.#products.get(sku)?.production === 'batch';
  }
}
