import type { Product } from '../../shared/schemas/catalogue.js';
import type { RunDayFigures, RunFigures } from '../../shared/schemas/insight.js';
import type { Order } from '../../shared/schemas/order.js';
import type { Run } from '../../shared/schemas/run.js';
import { nearestRank } from './figures.js';

const HOUR = 3_600_000;
const RECENT = 20;
const KEEP_MS = 48 * HOUR;

interface OrderSeen {
  firstAt: number;
  pickedAt?: number;
  cancelled: boolean;
}

/**
 * The unit economics of production runs, from the run and order events the hub already sees (replayed from the
 * event log at start, so every hub and every restart agrees), timed by the events' own times. Pure: time comes in.
 */
export class RunEconomics {
  #catalogue: ReadonlyMap<string, Product>;
  #runs = new Map<string, Run>();
  #orders = new Map<string, OrderSeen>();
  #seen = 0;

  constructor(catalogue: readonly Product[]) {
    this.#catalogue = new Map(catalogue.map((p) => [p.sku, p]));
  }

  observeRun(run: Run): void {
    this.#runs.set(run.id, run);
    this.#pruneNowAndThen(run.updatedAt);
  }

  observeOrder(order: Order): void {
    const seen = this.#orders.get(order.id) ?? { firstAt: order.updatedAt, cancelled: false };
    if (order.status === 'picked_up' && seen.pickedAt === undefined) seen.pickedAt = order.updatedAt;
    seen.cancelled = order.status === 'cancelled';
    this.#orders.set(order.id, seen);
    this.#pruneNowAndThen(order.updatedAt);
  }

  /** "Today" is all it reports: what is older than two days is let go, so a hub that runs for weeks holds no more. */
  #pruneNowAndThen(now: number): void {
    if (++this.#seen % 1_000 !== 0) return;
    const cutoff = now - KEEP_MS;
    for (const [id, r] of this.#runs) if (r.updatedAt < cutoff) this.#runs.delete(id);
    for (const [id, o] of this.#orders) if ((o.pickedAt ?? o.firstAt) < cutoff) this.#orders.delete(id);
  }

  /** The day's figures at `now`, today starting at `today` (the store's midnight). */
  compute(now: number, today: number): RunDayFigures {
    const done = [...this.#runs.values()].filter((r) => r.status === 'done' && r.doneAt !== undefined && r.doneAt >= today && r.doneAt <= now);
    const figures = done.map((r) => this.#figures(r)).sort((a, b) => b.doneAt - a.doneAt || (a.id < b.id ? -1 : 1));
    const margins = figures.flatMap((f) => (f.grossMargin === null ? [] : [f.grossMargin])).sort((a, b) => a - b);
    return {
      runs: figures.length,
      unitsMade: sum(figures.map((f) => f.produced)),
      unitsSold: sum(figures.map((f) => f.sold)),
      unitsWasted: sum(figures.map((f) => f.wasted)),
      grossMarginPerRun: { p50: nearestRank(margins, 0.5), total: margins.length > 0 ? round2(sum(margins)) : null },
      inventoryVelocitySeconds: this.#shelfSeconds(done),
      machineUtilisation: this.#utilisation(now, today),
      recent: figures.slice(0, RECENT),
    };
  }

  /**
   * Every run done in [from, to] with its figures, and the shelf time its units picked up waited in all (the pilot
   * report's days, closed once their pickups are in). Runs are kept two days after their last change: ask within that.
   */
  doneBetween(from: number, to: number): { runs: RunFigures[]; shelf: { units: number; seconds: number } } {
    const done = [...this.#runs.values()].filter((r) => r.status === 'done' && r.doneAt !== undefined && r.doneAt >= from && r.doneAt <= to);
    return { runs: done.map((r) => this.#figures(r)), shelf: this.#shelf(done) };
  }

  #figures(run: Run): RunFigures {
    const product = this.#catalogue.get(run.sku);
    const produced = run.produced ?? run.qty;
    const live = run.allocations.filter((a) => !this.#orders.get(a.orderId)?.cancelled);
    const sold = sum(live.map((a) => a.qty));
    const machineMs = run.startedAt !== undefined && run.doneAt !== undefined ? Math.max(0, run.doneAt - run.startedAt) : null;
    const priced = product?.unitPrice !== undefined && product.unitCost !== undefined;
    const machineCost = machineMs === null ? 0 : (machineMs / HOUR) * (product?.machineCostPerHour ?? 0);
    return {
      id: run.id,
      sku: run.sku,
      machine: run.machine ?? null,
      qty: run.qty,
      produced,
      wasted: run.wasted ?? 0,
      sold,
      fillRate: product ? run.qty / product.runSize : null,
      machineMinutes: machineMs === null ? null : machineMs / 60_000,
      grossMargin: priced ? round2(product.unitPrice! * sold - product.unitCost! * produced - machineCost) : null,
      fulfilmentSeconds: this.#fulfilment(live.map((a) => a.orderId)),
      doneAt: run.doneAt!,
    };
  }

  #fulfilment(orderIds: string[]): number | null {
    const seen = orderIds.map((id) => this.#orders.get(id));
    if (seen.length === 0 || seen.some((o) => o?.pickedAt === undefined)) return null;
    const first = Math.min(...seen.map((o) => o!.firstAt));
    const last = Math.max(...seen.map((o) => o!.pickedAt!));
    return (last - first) / 1000;
  }

  #shelfSeconds(done: Run[]): number | null {
    const { units, seconds } = this.#shelf(done);
    return units > 0 ? seconds / units : null;
  }

  /** Units of the runs picked up, and the seconds they waited on the shelf in all (done to picked up). */
  #shelf(done: Run[]): { units: number; seconds: number } {
    let units = 0;
    let waited = 0;
    for (const run of done) {
      for (const a of run.allocations) {
        const pickedAt = this.#orders.get(a.orderId)?.pickedAt;
        if (pickedAt === undefined) continue;
        units += a.qty;
        waited += a.qty * Math.max(0, pickedAt - run.doneAt!);
      }
    }
    return { units, seconds: waited / 1000 };
  }

  #utilisation(now: number, today: number): Record<string, number> {
    const byMachine = new Map<string, { from: number; busy: number }>();
    for (const run of this.#runs.values()) {
      if (!run.machine || run.startedAt === undefined || (run.status !== 'running' && run.status !== 'done')) continue;
      const start = Math.max(run.startedAt, today);
      const end = Math.min(run.status === 'done' ? (run.doneAt ?? now) : now, now);
      if (end <= start) continue;
      const m = byMachine.get(run.machine) ?? { from: start, busy: 0 };
      m.from = Math.min(m.from, start);
      m.busy += end - start;
      byMachine.set(run.machine, m);
    }
    return Object.fromEntries([...byMachine].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, m]) => [id, now > m.from ? m.busy / (now - m.from) : 0]));
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
