import type { OrderItem, OrderStatus } from '../../shared/schemas/order.js';
import type { Run } from '../../shared/schemas/run.js';
import { stockKey, type ActiveOrder } from './plan-types.js';

/** Orders in these statuses still wait for units; a ready order has all of its own. */
const WAITING: ReadonlySet<OrderStatus> = new Set(['queued', 'in_production']);

/** Units of one order's item that no run covers yet (its stock key is where it is filed). `qty` goes down as the planner allocates them. */
export interface Need {
  orderId: string;
  arrivedAt: number;
  /** When the order is promised: its `promisedAt`, or its arrival plus the promise the store gives. */
  promise: number;
  qty: number;
}

function earlier(a: ActiveOrder, b: ActiveOrder): number {
  return a.arrivedAt - b.arrivedAt || (a.order.id < b.order.id ? -1 : a.order.id > b.order.id ? 1 : 0);
}

/**
 * The waiting orders, earliest first (ties by id, so two orders of the same millisecond keep one order). The board
 * hands them over in arrival order, so a check in one pass usually spares the sort (the result is the same).
 */
export function waitingOrders(orders: readonly ActiveOrder[]): ActiveOrder[] {
  const waiting = orders.filter((o) => WAITING.has(o.order.status));
  for (let i = 1; i < waiting.length; i++) if (earlier(waiting[i - 1]!, waiting[i]!) > 0) return waiting.sort(earlier);
  return waiting;
}

/** Units one order has in runs: under one stock key mostly, so a map only for an order that spans several. */
interface Taken {
  key: string;
  qty: number;
  others: Map<string, number> | undefined;
  /** Set by `waitingNeeds` when the order is still waiting: a planned run keeps only such orders. */
  waiting: boolean;
}

/** Every order that has units in a run that is not cancelled (a done run's units were made), and how many per stock key. */
export type UnitsInRuns = Map<string, Taken>;

function take(units: Map<string, Taken>, orderId: string, key: string, qty: number): void {
  const t = units.get(orderId);
  // Every field from the start: one object shape keeps the hot loops over 10,000 orders fast.
  if (!t) units.set(orderId, { key, qty, others: undefined, waiting: false });
  else if (t.key === key) t.qty += qty;
  else (t.others ??= new Map()).set(key, (t.others.get(key) ?? 0) + qty);
}

function takenOf(t: Taken | undefined, key: string): number {
  return t === undefined ? 0 : t.key === key ? t.qty : (t.others?.get(key) ?? 0);
}

export function unitsInRuns(runs: readonly Run[]): UnitsInRuns {
  const units = new Map<string, Taken>();
  for (const run of runs) {
    if (run.status === 'cancelled') continue;
    const key = stockKey(run.sku, run.variant);
    for (const a of run.allocations) take(units, a.orderId, key, a.qty);
  }
  return units;
}

function needOf({ order, arrivedAt }: ActiveOrder, item: OrderItem, promiseMs: number, qty = item.qty): Need {
  return { orderId: order.id, arrivedAt, promise: order.promisedAt ?? arrivedAt + promiseMs, qty };
}

/** An order's needs per stock key: two items of one SKU/variant are one need. */
function needsOf(active: ActiveOrder, promiseMs: number): Map<string, Need> {
  const mine = new Map<string, Need>();
  for (const item of active.order.items) {
    const key = stockKey(item.sku, item.variant);
    const need = mine.get(key);
    if (need) need.qty += item.qty;
    else mine.set(key, needOf(active, item, promiseMs));
  }
  return mine;
}

function push(needs: Map<string, Need[]>, key: string, need: Need): void {
  const list = needs.get(key);
  if (list) list.push(need);
  else needs.set(key, [need]);
}

/** What each waiting order still needs, per stock key, earliest order first; marks the waiting orders in `allocated`. */
export function waitingNeeds(waiting: readonly ActiveOrder[], allocated: UnitsInRuns, promiseMs: number): Map<string, Need[]> {
  const needs = new Map<string, Need[]>();
  for (const active of waiting) {
    const taken = allocated.get(active.order.id);
    if (taken) taken.waiting = true;
    const items = active.order.items;
    // Most orders have one item, and at 10,000 waiting orders the planner runs on every change: no map for them.
    if (items.length === 1) {
      const key = stockKey(items[0]!.sku, items[0]!.variant);
      const left = items[0]!.qty - takenOf(taken, key);
      if (left > 0) push(needs, key, needOf(active, items[0]!, promiseMs, left));
      continue;
    }
    for (const [key, need] of needsOf(active, promiseMs)) {
      need.qty -= takenOf(taken, key);
      if (need.qty > 0) push(needs, key, need);
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
