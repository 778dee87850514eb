import type { Product } from '../../shared/schemas/catalogue.js';
import type { Machine } from '../../shared/schemas/machine.js';
import type { Run } from '../../shared/schemas/run.js';
import { dayStart, type TimeZone } from '../../shared/store-time.js';
import type { Board } from '../board/board.js';
import type { Logger } from '../log.js';
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
   * `runQuantity`; undefined while there is nothing to count on (no machine of its kind reporting, or today not yet
   * read back after a start): then `runQuantity` stands.
   */
  canMake: number | undefined;
  /** For a `batch` SKU with nothing on the shelf: when the next run with units no order holds comes out; else null. */
  nextBatchAt: number | null;
}

export interface OutlookOptions {
  timeZone?: TimeZone;
  closesAt?: string;
  /** False until the shelf ledger has read today back from the event log. */
  ready?: () => boolean;
  now?: () => number;
  log?: Pick<Logger, 'warn'>;
}

/** When a run's units come out, as far as anyone knows now (a tray running over is due now, not in the past). */
function outAt(run: Run, product: Product, now: number): number {
  if (run.status === 'running' && run.endsAt !== undefined) return Math.max(now, run.endsAt);
  if (run.status === 'planned') return Math.max(now, run.plannedStart) + product.runMinutes * MINUTE;
  return Math.max(now, run.startedAt ?? now) + product.runMinutes * MINUTE;
}

/** A machine counted on for the rest of the day: `offline` says nothing reports from it; a `fault` is usually cleared. */
function counted(m: Machine): boolean {
  return m.state !== 'offline';
}

/**
 * "Left today" as production sees it (issue 17): for each SKU, what runs can still make today (made, coming, and
 * the machine time left until closing) and, for a `batch` SKU that is momentarily out, when the next batch comes out.
 * Read from the board and the shelf ledger only, so every hub says the same. Each SKU is offered the machines' whole
 * free time: with two SKUs on one oven, each one's figure is what it could have if the oven made only it.
 */
export class ProductionOutlook {
  #board: Board;
  #products: ReadonlyMap<string, Product>;
  #ledger: ShelfLedger;
  #opts: OutlookOptions & { now: () => number; ready: () => boolean };
  #listeners = new Set<() => void>();
  #tick: NodeJS.Timeout | undefined;
  #queued = false;
  /** The store's day start and closing, looked up once a minute rather than per SKU per look (each is a search). */
  #day: { minute: number; start: number; closing: number } | undefined;

  constructor(board: Board, catalogue: readonly Product[], ledger: ShelfLedger, opts: OutlookOptions = {}) {
    this.#board = board;
    this.#products = new Map(catalogue.map((p) => [p.sku, p]));
    this.#ledger = ledger;
    this.#opts = { ...opts, now: opts.now ?? Date.now, ready: opts.ready ?? (() => true) };
  }

  /** Tells listeners after order, run and machine changes (once per burst) and every minute: they compare and pass on what moved. */
  start(): void {
    this.#board.on('change', (change) => {
      if (change.type !== 'scene') this.refresh();
    });
    this.#tick = setInterval(() => this.refresh(), TICK_MS);
    this.#tick.unref();
    this.refresh();
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

  /** Has listeners look again (once for all calls in one tick). */
  refresh(): void {
    if (this.#queued) return;
    this.#queued = true;
    // Many changes in one tick (a plan writes several runs) make one look.
    queueMicrotask(() => {
      this.#queued = false;
      for (const listener of this.#listeners) {
        try {
          listener();
        } catch (err) {
          // One listener's failure is its own: the others still hear, and the hub keeps going.
          this.#opts.log?.warn({ err }, 'a production outlook listener failed');
        }
      }
    });
  }

  #today(now: number): { start: number; closing: number } {
    const minute = Math.floor(now / MINUTE);
    if (this.#day?.minute !== minute) {
      this.#day = { minute, start: dayStart(now, this.#opts.timeZone), closing: closingOn(now, this.#opts.closesAt, this.#opts.timeZone) };
    }
    return this.#day;
  }

  #canMake(product: Product, runs: readonly Run[], now: number): number | undefined {
    if (!this.#opts.ready()) return undefined;
    const machines = this.#board.snapshot().machines.filter((m) => (product.machineKind === undefined || m.kind === product.machineKind) && counted(m));
    if (machines.length === 0) return undefined;
    const { start, closing } = this.#today(now);
    const made = this.#ledger.madeSince(start).get(product.sku) ?? 0;
    // A planned run no machine can take yet (its machine in fault) is made in the free time counted below, not on top of it.
    const coming = runs.reduce((sum, r) => sum + (r.status === 'planned' && r.machine === undefined ? 0 : r.qty), 0);
    let free = 0;
    for (const m of machines) free += this.#runsFitting(m, product, now, closing);
    return Math.min(product.runQuantity, made + coming + free * product.runSize);
  }

  /** Runs of `product` that fit on machine `m` between the end of its last booked run and closing. */
  #runsFitting(m: Machine, product: Product, now: number, closing: number): number {
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
    const shelf = this.#ledger.shelf(this.#today(now).start);
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
}
