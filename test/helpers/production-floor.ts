import type { Product } from '../../shared/schemas/catalogue.js';
import type { Order } from '../../shared/schemas/order.js';
import type { Run } from '../../shared/schemas/run.js';
import type { DemandProfile } from '../../server/production/demand-profile.js';
import { plan } from '../../server/production/planner.js';
import { stockKey, type ActiveOrder, type PlanInput, type PlanMachine, type PlanOptions } from '../../server/production/plan-types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface Arrival {
  at: number;
  order: Order;
}

/** What a way of planning decides at one moment: runs to write, and when to be asked again without an event. */
export interface Decision {
  runs: readonly Run[];
  wakeAt?: number;
}

export interface Strategy {
  name: string;
  decide(floor: Floor): Decision;
}

/**
 * A simulated shop floor for the planner's tests and bench: orders arrive, runs are loaded on free machines the moment
 * a plan names them, finished runs hand their units to their orders and the rest to the shelf. Time is simulated.
 */
export class Floor {
  now: number;
  readonly runs = new Map<string, Run>();
  readonly waiting = new Map<string, ActiveOrder>();
  readonly arrivedAt = new Map<string, number>();
  readonly readyAt = new Map<string, number>();
  readonly madeToday = new Map<string, number>();
  readonly onShelf = new Map<string, number>();
  readonly busyMs = new Map<string, number>();
  private readonly delivered = new Map<string, number>();
  private readonly sales: { at: number; key: string; qty: number }[] = [];
  private readonly products: Map<string, Product>;

  constructor(
    readonly catalogue: readonly Product[],
    readonly machines: readonly Omit<PlanMachine, 'state'>[],
    readonly opensAt: number,
    readonly closesAt: number,
    /** Earlier days' demand by hour, as a hub reads it from its event log; none on a store's first day. */
    readonly profile?: DemandProfile,
  ) {
    this.now = opensAt;
    this.products = new Map(catalogue.map((p) => [p.sku, p]));
    for (const m of machines) this.busyMs.set(m.id, 0);
  }

  product(sku: string): Product {
    return this.products.get(sku)!;
  }

  /** A new order: served from the shelf at once when the shelf holds all of it, else it waits. */
  arrive({ at, order }: Arrival): void {
    this.arrivedAt.set(order.id, at);
    for (const item of order.items) this.sales.push({ at, key: stockKey(item.sku, item.variant), qty: item.qty });
    const single = order.items.length === 1 ? order.items[0]! : undefined;
    const key = single && stockKey(single.sku, single.variant);
    if (single && key && (this.onShelf.get(key) ?? 0) >= single.qty) {
      this.onShelf.set(key, this.onShelf.get(key)! - single.qty);
      this.readyAt.set(order.id, at);
      return;
    }
    this.waiting.set(order.id, { order, arrivedAt: at });
  }

  apply(runs: readonly Run[]): void {
    for (const run of runs) this.runs.set(run.id, run);
  }

  private busy(machine: string): boolean {
    for (const run of this.runs.values()) if (run.machine === machine && (run.status === 'running' || run.status === 'loading')) return true;
    return false;
  }

  /** Runs whose time is up come out: their orders get their units, a batch SKU's spare units go on the shelf. */
  finishDue(): void {
    for (const run of [...this.runs.values()].filter((r) => r.status === 'running' && r.endsAt! <= this.now).sort((a, b) => a.endsAt! - b.endsAt!)) {
      this.runs.set(run.id, { ...run, status: 'done', doneAt: run.endsAt!, produced: run.qty, wasted: 0, updatedAt: this.now });
      this.madeToday.set(run.sku, (this.madeToday.get(run.sku) ?? 0) + run.qty);
      let spare = run.qty;
      for (const a of run.allocations) {
        spare -= a.qty;
        this.deliver(a.orderId, a.qty);
      }
      const key = stockKey(run.sku, run.variant);
      if (spare > 0) this.onShelf.set(key, (this.onShelf.get(key) ?? 0) + spare);
    }
    this.serveFromShelf();
  }

  private unitsOf(order: Order): number {
    return order.items.reduce((s, i) => s + i.qty, 0);
  }

  private deliver(orderId: string, qty: number): void {
    const got = (this.delivered.get(orderId) ?? 0) + qty;
    this.delivered.set(orderId, got);
    const waiting = this.waiting.get(orderId);
    if (waiting && got >= this.unitsOf(waiting.order)) {
      this.waiting.delete(orderId);
      this.readyAt.set(orderId, this.now);
    }
  }

  /** A waiting single-item order no run holds units for takes them from the shelf when there are enough. */
  private serveFromShelf(): void {
    const held = new Set<string>();
    for (const run of this.runs.values()) if (run.status !== 'cancelled' && run.status !== 'done') for (const a of run.allocations) held.add(a.orderId);
    for (const { order } of [...this.waiting.values()]) {
      const item = order.items[0]!;
      const key = stockKey(item.sku, item.variant);
      const lacking = this.unitsOf(order) - (this.delivered.get(order.id) ?? 0);
      if (order.items.length !== 1 || held.has(order.id) || (this.onShelf.get(key) ?? 0) < lacking) continue;
      this.onShelf.set(key, this.onShelf.get(key)! - lacking);
      this.deliver(order.id, lacking);
    }
  }

  /** Each free machine loads its next planned run (earliest planned start); after closing, no tray is made for nobody. */
  startFree(): void {
    const planned = [...this.runs.values()].filter((r) => r.status === 'planned').sort((a, b) => a.plannedStart - b.plannedStart || (a.id < b.id ? -1 : 1));
    for (const m of this.machines) {
      if (this.busy(m.id)) continue;
      for (const run of planned) {
        const product = this.product(run.sku);
        if (run.status !== 'planned' || (run.machine ?? m.id) !== m.id || (product.machineKind ?? m.kind) !== m.kind) continue;
        if (this.now >= this.closesAt && run.allocations.length === 0) {
          this.runs.set(run.id, { ...run, status: 'cancelled', updatedAt: this.now });
          continue;
        }
        const started: Run = {
          ...run,
          machine: m.id,
          status: 'running',
          startedAt: this.now,
          endsAt: this.now + product.runMinutes * MINUTE,
          updatedAt: this.now,
        };
        this.runs.set(run.id, started);
        this.busyMs.set(m.id, this.busyMs.get(m.id)! + product.runMinutes * MINUTE);
        break;
      }
    }
  }

  /** When the next running run comes out. */
  nextRunEnd(): number | undefined {
    let next: number | undefined;
    for (const run of this.runs.values()) if (run.status === 'running' && (next === undefined || run.endsAt! < next)) next = run.endsAt!;
    return next;
  }

  hasPlanned(): boolean {
    for (const run of this.runs.values()) if (run.status === 'planned') return true;
    return false;
  }

  demandLastHour(): Map<string, number> {
    const rate = new Map<string, number>();
    for (const s of this.sales) if (s.at > this.now - HOUR && s.at <= this.now) rate.set(s.key, (rate.get(s.key) ?? 0) + s.qty);
    return rate;
  }

  planInput(options: PlanOptions): PlanInput {
    return {
      now: this.now,
      catalogue: this.catalogue,
      machines: this.machines.map((m) => ({ ...m, state: this.busy(m.id) ? 'running' : 'idle' })),
      orders: [...this.waiting.values()],
      runs: [...this.runs.values()],
      madeToday: new Map(this.madeToday),
      onShelf: new Map(this.onShelf),
      demandLastHour: this.demandLastHour(),
      ...(this.profile && {
        demandProfile: this.profile.expectedAll(this.now, this.now + HOUR),
        demandToClose: this.profile.expectedAll(this.now, Math.max(this.now, options.closesAt ?? this.closesAt)),
      }),
      options,
    };
  }
}

/**
 * Runs a day: each arrival, run end and asked-for wake-up is a change; at each, runs due come out, orders arrive, the
 * strategy decides, and free machines load. Ends when nothing is left to arrive, wait, run or load.
 */
export function simulateDay(floor: Floor, arrivals: readonly Arrival[], strategy: Strategy, onChange?: (floor: Floor) => void): void {
  const queue = [...arrivals].sort((a, b) => a.at - b.at || (a.order.id < b.order.id ? -1 : 1));
  let i = 0;
  let wake: number | undefined;
  for (;;) {
    const candidates = [queue[i]?.at, floor.nextRunEnd(), wake !== undefined && wake > floor.now ? wake : undefined].filter(
      (t): t is number => t !== undefined,
    );
    if (candidates.length === 0) {
      if (!floor.hasPlanned()) return;
      floor.startFree();
      if (floor.nextRunEnd() === undefined) return;
      continue;
    }
    floor.now = Math.min(...candidates);
    floor.finishDue();
    while (i < queue.length && queue[i]!.at <= floor.now) floor.arrive(queue[i++]!);
    const decision = strategy.decide(floor);
    floor.apply(decision.runs);
    wake = decision.wakeAt;
    floor.startFree();
    onChange?.(floor);
  }
}

/** Batchboard's planner on the floor: plans again on every change, and at the wake-up it asks for. */
export function plannerStrategy(options: PlanOptions): Strategy {
  return {
    name: 'Batchboard planner',
    decide(floor) {
      const result = plan(floor.planInput(options));
      return result.wakeAt === undefined ? { runs: result.runs } : { runs: result.runs, wakeAt: result.wakeAt };
    },
  };
}
