import type { Product } from '../shared/schemas/catalogue.js';
import type { Run } from '../shared/schemas/run.js';
import type { Arrival, Floor, Strategy } from '../test/helpers/production-floor.js';
import { seededRandom } from '../server/report/bootstrap.js';

const MINUTE = 60_000;

/** A small seeded PRNG (mulberry32, the report's own): the same seed gives the same day on every machine. */
export const prng = seededRandom;

/** Orders a minute through the day: a floor, a small morning bump, the lunch peak and an afternoon peak. */
function intensity(minuteOfDay: number): number {
  const bump = (centre: number, width: number, height: number) => height * Math.exp(-((minuteOfDay - centre) ** 2) / (2 * width ** 2));
  return 1 + bump(8.5 * 60, 40, 0.4) + bump(12.5 * 60, 60, 1.2) + bump(16.5 * 60, 70, 0.8);
}

export interface DayShape {
  opensAt: number;
  closesAt: number;
  orders: number;
  /** Share of orders that are for the `batch` SKU. */
  batchShare: number;
  seed: number;
}

/** The day's orders, one unit each of the batch or the to-order SKU, drawn from the arrival curve. */
export function arrivals(shape: DayShape, batchSku: string, toOrderSku: string): Arrival[] {
  const random = prng(shape.seed);
  const day = shape.opensAt - (shape.opensAt % (24 * 60 * MINUTE));
  const firstMinute = (shape.opensAt - day) / MINUTE;
  const minutes = (shape.closesAt - shape.opensAt) / MINUTE;
  const cumulative: number[] = [];
  let total = 0;
  for (let m = 0; m < minutes; m++) cumulative.push((total += intensity(firstMinute + m)));
  const times: number[] = [];
  for (let i = 0; i < shape.orders; i++) {
    const u = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    times.push(shape.opensAt + (lo + random()) * MINUTE);
  }
  times.sort((a, b) => a - b);
  return times.map((t, i) => {
    const at = Math.floor(t);
    const sku = random() < shape.batchShare ? batchSku : toOrderSku;
    const id = `o${String(i).padStart(4, '0')}`;
    return { at, order: { id, number: String(i + 1), items: [{ sku, qty: 1 }], status: 'queued' as const, updatedAt: at } };
  });
}

/** Orders waiting that no run (other than a called-off one) holds yet. */
function unplanned(floor: Floor, sku: string): { orderId: string; qty: number }[] {
  const held = new Set<string>();
  for (const run of floor.runs.values()) if (run.status !== 'cancelled') for (const a of run.allocations) held.add(a.orderId);
  return [...floor.waiting.values()]
    .filter(({ order }) => !held.has(order.id) && order.items[0]!.sku === sku)
    .map(({ order }) => ({ orderId: order.id, qty: order.items[0]!.qty }));
}

function runOf(id: string, product: Product, allocations: { orderId: string; qty: number }[], now: number): Run {
  const qty = allocations.reduce((s, a) => s + a.qty, 0);
  return { id, sku: product.sku, qty, status: 'planned', allocations, plannedStart: now, updatedAt: now };
}

/** Baseline 1: every order is a run of its own, first come first served on the machine of its kind. */
export function onePerOrder(): Strategy {
  return {
    name: 'one run per order',
    decide(floor) {
      const runs = floor.catalogue.flatMap((p) => unplanned(floor, p.sku).map((a) => runOf(`order-${a.orderId}`, p, [a], floor.now)));
      return { runs };
    },
  };
}

/** Baseline 2: every `runMinutes`, each SKU's waiting orders go into runs of up to `runSize`, nothing made ahead. */
export function fixedInterval(): Strategy {
  const nextTick = new Map<string, number>();
  let serial = 0;
  return {
    name: 'fixed-interval batches',
    decide(floor) {
      const runs: Run[] = [];
      for (const p of floor.catalogue) {
        const tick = nextTick.get(p.sku) ?? floor.opensAt;
        if (floor.now < tick) continue;
        nextTick.set(p.sku, tick + Math.ceil((floor.now - tick + 1) / (p.runMinutes * MINUTE)) * p.runMinutes * MINUTE);
        const waiting = unplanned(floor, p.sku);
        for (let i = 0; i < waiting.length; i += p.runSize) runs.push(runOf(`fixed-${++serial}`, p, waiting.slice(i, i + p.runSize), floor.now));
      }
      const idle = floor.now >= floor.closesAt && floor.catalogue.every((p) => unplanned(floor, p.sku).length === 0);
      return idle ? { runs } : { runs, wakeAt: Math.min(...nextTick.values()) };
    },
  };
}
