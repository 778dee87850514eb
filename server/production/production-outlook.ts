import type { Product } from '../../shared/schemas/catalogue.js';
import type { Machine } from '../../shared/schemas/machine.js';
import type { Run } from '../../shared/schemas/run.js';
import { dayStart, type TimeZone } from '../../shared/store-time.js';
import type { Board } from '../board/board.js';
import { stockKey } from './plan-types.js';
import type { ShelfLedger } from './shelf-ledger.js';
import { closingOn } from './store-hours.js';

const MINUTE = 60_000;
/** Time alone shrinks what the machines can still make today: the outlook is looked at again this often. */
const TICK_MS = 60_000;

/** What production can still do today for one SKU, as the kiosk shows it. */
export interface SkuOutlook {
  /**
   * Units made today, coming in runs, and that the free machine time until closing could make, capped by
   * `runQuantity`; undefined while no machine of its kind has reported (nothing to count on: `runQuantity` counts).
   */
  canMake: number | undefined;
  /** For a `batch` SKU with nothing on the shelf: when the next run with units no order holds comes out; else null. */
  nextBatchAt: number | null;
}

/** When a run's units come out, as far as anyone knows now. */
function outAt(run: Run, product: Product, now: number): number {
  if (run.status === 'running' && run.endsAt !== undefined) return run.endsAt;
  if (run.status === 'planned') return Math.max(now, run.plannedStart) + product.runMinutes * MINUTE;
  return Math.max(now, run.startedAt ?? now) + product.runMinutes * MINUTE;
}

/**
 * "Left today" as production sees it (issue 17): for each SKU, what runs can still make today (made, coming, and
 * the machine time left until closing) and, for a `batch` SKU that is momentarily out, when the next batch comes out.
 * Read from the board and the shelf ledger only, so every hub says the same.
 */
export class ProductionOutlook {
  #board: Board;
  #products: ReadonlyMap<string, Product>;
  #ledger: ShelfLedger;
  #opts: { timeZone?: TimeZone; closesAt?: string; now: () => number };
  #listeners = new Set<() => void>();
  #tick: NodeJS.Timeout | undefined;
  #queued = false;

  constructor(board: Board, catalogue: readonly Product[], ledger: ShelfLedger, opts: { timeZone?: TimeZone; closesAt?: string; now?: () => number }) {
    this.#board = board;
    this.#products = new Map(catalogue.map((p) => [p.sku, p]));
    this.#ledger = ledger;
    this.#opts = { ...opts, now: opts.now ?? Date.now };
  }

  /** Tells listeners after run and machine changes (once per burst) and every minute: they compare and pass on what moved. */
  start(): void {
    this.#board.on('change', (change) => {
      if (change.type === 'run' || change.type === 'machine') this.#changed();
    });
    this.#tick = setInterval(() => this.#changed(), TICK_MS);
    this.#tick.unref();
  }

  close(): void {
    clearInterval(this.#tick);
    this.#listeners.clear();
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  of(sku: string): SkuOutlook {
    const product = this.#products.get(sku);
    if (!product) return { canMake: undefined, nextBatchAt: null };
    const now = this.#opts.now();
    const runs = [...this.#board.runs()].filter((r) => r.sku === sku && r.status !== 'done' && r.status !== 'cancelled');
    return { canMake: this.#canMake(product, runs, now), nextBatchAt: this.#nextBatch(product, runs, now) };
  }

  #canMake(product: Product, runs: readonly Run[], now: number): number | undefined {
    const machines = this.#board.snapshot().machines.filter((m) => product.machineKind === undefined || m.kind === product.machineKind);
    if (machines.length === 0) return undefined;
    const closing = closingOn(now, this.#opts.closesAt, this.#opts.timeZone);
    const made = this.#ledger.madeSince(dayStart(now, this.#opts.timeZone)).get(product.sku) ?? 0;
    const coming = runs.reduce((sum, r) => sum + r.qty, 0);
    let free = 0;
    for (const m of machines) free += this.#runsFitting(m, product, now, closing);
    return Math.min(product.runQuantity, made + coming + free * product.runSize);
  }

  /** Runs of `product` that fit on machine `m` between its last booked run and closing; none on a machine in fault or offline. */
  #runsFitting(m: Machine, product: Product, now: number, closing: number): number {
    if (m.state === 'fault' || m.state === 'offline') return 0;
    let busyUntil = now;
    for (const r of this.#board.runs()) {
      const p = this.#products.get(r.sku);
      if (r.machine !== m.id || !p || r.status === 'done' || r.status === 'cancelled') continue;
      busyUntil = Math.max(busyUntil, outAt(r, p, now));
    }
    return Math.max(0, Math.floor((closing - busyUntil) / (product.runMinutes * MINUTE)));
  }

  #nextBatch(product: Product, runs: readonly Run[], now: number): number | null {
    if (product.production !== 'batch') return null;
    const shelf = this.#ledger.shelf(dayStart(now, this.#opts.timeZone));
    const keys = product.variants.length ? product.variants.map((v) => stockKey(product.sku, v.id)) : [product.sku];
    if (keys.some((k) => (shelf.get(k) ?? 0) > 0)) return null;
    let next: number | null = null;
    for (const r of runs) {
      if (r.qty <= r.allocations.reduce((s, a) => s + a.qty, 0)) continue;
      const at = outAt(r, product, now);
      if (next === null || at < next) next = at;
    }
    return next;
  }

  #changed(): void {
    if (this.#queued) return;
    this.#queued = true;
    // Many changes in one tick (a plan writes several runs) make one look.
    queueMicrotask(() => {
      this.#queued = false;
      for (const listener of this.#listeners) {
        try {
          listener();
        } catch {
          // A listener's failure is its own; the others still hear.
        }
      }
    });
  }
}
