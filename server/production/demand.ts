import type { OrderStatus } from '../../shared/schemas/order.js';
import type { Run } from '../../shared/schemas/run.js';
import { stockKey, type ActiveOrder } from './plan-types.js';

/** Orders in these statuses still wait for units; a ready order has all of its own. */
const WAITING: ReadonlySet<OrderStatus> = new Set(['queued', 'in_production']);

/** Units of one order's item that no run covers yet. `qty` goes down as the planner allocates them. */
export interface Need {
  orderId: string;
  arrivedAt: number;
  /** When the order is promised: its `promisedAt`, or its arrival plus the promise the store gives. */
  promise: number;
  sku: string;
  variant?: string;
  qty: number;
}

/** The waiting orders, earliest first (ties by id, so two orders of the same millisecond keep one order). */
export function waitingOrders(orders: readonly ActiveOrder[]): ActiveOrder[] {
  return orders
    .filter((o) => WAITING.has(o.order.status))
    .sort((a, b) => a.arrivedAt - b.arrivedAt || (a.order.id < b.order.id ? -1 : a.order.id > b.order.id ? 1 : 0));
}

function unitKey(orderId: string, key: string): string {
  return `${orderId}\n${key}`;
}

/** Units already allocated per order and stock key, from every run that is not cancelled (a done run's units were made). */
function allocatedUnits(runs: readonly Run[]): Map<string, number> {
  const units = new Map<string, number>();
  for (const run of runs) {
    if (run.status === 'cancelled') continue;
    const key = stockKey(run.sku, run.variant);
    for (const a of run.allocations) units.set(unitKey(a.orderId, key), (units.get(unitKey(a.orderId, key)) ?? 0) + a.qty);
  }
  return units;
}

/** What each waiting order still needs, per stock key, earliest order first. Two items of one SKU/variant are one need. */
export function waitingNeeds(waiting: readonly ActiveOrder[], runs: readonly Run[], promiseMs: number): Map<string, Need[]> {
  const allocated = allocatedUnits(runs);
  const needs = new Map<string, Need[]>();
  for (const { order, arrivedAt } of waiting) {
    const mine = new Map<string, Need>();
    for (const item of order.items) {
      const key = stockKey(item.sku, item.variant);
      const need = mine.get(key);
      if (need) need.qty += item.qty;
      else {
        const fresh: Need = { orderId: order.id, arrivedAt, promise: order.promisedAt ?? arrivedAt + promiseMs, sku: item.sku, qty: item.qty };
        if (item.variant !== undefined) fresh.variant = item.variant;
        mine.set(key, fresh);
      }
    }
    for (const [key, need] of mine) {
      need.qty -= allocated.get(unitKey(order.id, key)) ?? 0;
      if (need.qty <= 0) continue;
      const list = needs.get(key);
      if (list) list.push(need);
      else needs.set(key, [need]);
    }
  }
  return needs;
}

/** Units the needs still ask for. */
export function unitsNeeded(needs: readonly Need[]): number {
  return needs.reduce((sum, n) => sum + n.qty, 0);
}

/** The earliest promise among needs still open: the order a short run would be formed for. */
export function mostUrgentPromise(needs: readonly Need[]): number | undefined {
  let earliest: number | undefined;
  for (const n of needs) if (n.qty > 0 && (earliest === undefined || n.promise < earliest)) earliest = n.promise;
  return earliest;
}
