import type { Product } from '../../shared/schemas/catalogue.js';
import type { MachineKind, MachineState } from '../../shared/schemas/machine.js';
import type { Order } from '../../shared/schemas/order.js';
import type { Run } from '../../shared/schemas/run.js';

/** What the planner needs of a machine: which runs it can take (kind) and whether it can take any (state). */
export interface PlanMachine {
  id: string;
  kind: MachineKind;
  state: MachineState;
}

/** An active order and when it first came through a door (its promise and its place in the queue count from then). */
export interface ActiveOrder {
  order: Order;
  arrivedAt: number;
}

export interface PlanOptions {
  /** A `to-order` run is formed short of `runSize` once the most urgent waiting order's slack falls under this. */
  slackMinutes: number;
  /** An order without `promisedAt` is promised for `arrivedAt` plus this. */
  promiseMinutes: number;
  /** When the store closes: a `batch` SKU's expected demand stops there, so the last runs are not made for nobody. */
  closesAt?: number;
  /** At most this many planned (not yet loaded) runs of one `batch` SKU/variant at a time; default 2. */
  maxPlannedBatchRuns?: number;
}

/**
 * Everything a plan depends on, and nothing else: the same input gives the same plan, byte for byte.
 * Per-SKU figures are keyed by `sku`; per-stock figures by `stockKey(sku, variant)`.
 */
export interface PlanInput {
  now: number;
  catalogue: readonly Product[];
  machines: readonly PlanMachine[];
  /** Active orders; those queued or in production are the waiting ones. */
  orders: readonly ActiveOrder[];
  /** Runs of any status: done runs count against the day's cap through `madeToday`, and their allocations are served. */
  runs: readonly Run[];
  /** Units made today per SKU, for `runQuantity` (the day's cap). */
  madeToday: ReadonlyMap<string, number>;
  /** Units of a `batch` SKU made and not yet taken by any order, per stock key. */
  onShelf: ReadonlyMap<string, number>;
  /** Units sold in the last hour, per stock key: the rate a `batch` SKU's shelf is kept ahead of. */
  demandLastHour: ReadonlyMap<string, number>;
  /** Units expected in the coming hour from earlier days (an hour-of-day profile), per stock key; the higher rate counts. */
  demandProfile?: ReadonlyMap<string, number>;
  /** Units expected from `now` to `closesAt` by that profile, per stock key: what the day's last runs are sized for. */
  demandToClose?: ReadonlyMap<string, number>;
  options: PlanOptions;
}

/** Units of one order's item promised from one run. */
export interface PlannedAllocation {
  runId: string;
  orderId: string;
  sku: string;
  variant?: string;
  qty: number;
}

export interface PlanResult {
  /** Runs to write: new planned runs and existing runs whose allocations, qty, machine, start or status changed. */
  runs: Run[];
  /** The orders in each run written (not called off), in the order of `runs`, then allocation order: who is in which run now. */
  allocations: PlannedAllocation[];
  /**
   * When the plan changes with no event: the moment a waiting `to-order` order's slack reaches `slackMinutes`. The
   * caller plans again then (one due time, not polling); none while no order is waiting for a short run.
   */
  wakeAt?: number;
}

/** The key of one SKU/variant's stock and runs. */
export function stockKey(sku: string, variant: string | undefined): string {
  return variant === undefined ? sku : `${sku}/${variant}`;
}
