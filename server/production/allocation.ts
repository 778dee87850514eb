import type { Need } from './demand.js';
import type { PlanContext, WorkRun } from './plan-context.js';
import { PLAN_ID_PREFIX } from './plan-context.js';

function allocated(w: WorkRun): number {
  return w.run.allocations.reduce((sum, a) => sum + a.qty, 0);
}

/**
 * Units a run can still promise: what it makes beyond its allocations, and for a planned run of the planner's own,
 * what it may grow by up to `runSize` (within the day's cap): a `to-order` run holds exactly its orders, and a short
 * `batch` run near closing takes in the orders that come after it rather than one tray each.
 */
function space(ctx: PlanContext, w: WorkRun): { free: number; growth: number } {
  const free = w.run.qty - allocated(w);
  const grows = w.run.status === 'planned' && w.run.id.startsWith(PLAN_ID_PREFIX);
  const growth = grows ? Math.max(0, Math.min(w.product.runSize - w.run.qty, ctx.headroom.get(w.run.sku) ?? 0)) : 0;
  return { free, growth };
}

function give(ctx: PlanContext, w: WorkRun, need: Need, qty: number, free: number): void {
  const grown = Math.max(0, qty - free);
  if (grown > 0) {
    w.run.qty += grown;
    ctx.headroom.set(w.run.sku, (ctx.headroom.get(w.run.sku) ?? 0) - grown);
  }
  // An order split over the same run twice (space freed by a later change) stays one allocation: the schema refuses two.
  // Replaced, not changed in place: allocation objects are shared with the caller's runs.
  const i = w.run.allocations.findIndex((a) => a.orderId === need.orderId);
  if (i >= 0) w.run.allocations[i] = { orderId: need.orderId, qty: w.run.allocations[i]!.qty + qty };
  else w.run.allocations.push({ orderId: need.orderId, qty });
  need.qty -= qty;
}

/** Fills runs with waiting units, earliest order into the earliest run first; an order may span two runs. */
export function allocate(ctx: PlanContext, runs: readonly WorkRun[], needs: readonly Need[]): void {
  let r = 0;
  for (const need of needs) {
    while (need.qty > 0 && r < runs.length) {
      const w = runs[r]!;
      const { free, growth } = space(ctx, w);
      const qty = Math.min(need.qty, free + growth);
      if (qty > 0) give(ctx, w, need, qty, free);
      if (need.qty > 0) r++;
    }
    if (r >= runs.length) return;
  }
}
