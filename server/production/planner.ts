import type { Product } from '../../shared/schemas/catalogue.js';
import type { Run } from '../../shared/schemas/run.js';
import { allocate } from './allocation.js';
import { buildContext, type PlanContext, type WorkRun } from './plan-context.js';
import type { PlanInput, PlanResult, PlannedAllocation } from './plan-types.js';
import { stockKey } from './plan-types.js';
import { formBatchRuns, formToOrderRuns } from './run-forming.js';

/** A SKU's stock keys as the catalogue lists them: one per variant, or the SKU alone. */
function variantsOf(product: Product): (string | undefined)[] {
  return product.variants.length ? product.variants.map((v) => v.id).sort() : [undefined];
}

function runsByKey(runs: readonly WorkRun[]): Map<string, WorkRun[]> {
  const byKey = new Map<string, WorkRun[]>();
  for (const w of runs) {
    const list = byKey.get(w.key);
    if (list) list.push(w);
    else byKey.set(w.key, [w]);
  }
  return byKey;
}

/** Waiting units go into runs already there first (earliest out first); a planner's `to-order` run left empty is called off. */
function allocateToExisting(ctx: PlanContext): void {
  for (const [key, runs] of runsByKey(ctx.runs)) allocate(ctx, runs, ctx.needs.get(key) ?? []);
  for (const w of ctx.runs) {
    if (w.run.status !== 'planned' || w.run.qty > 0) continue;
    w.run.status = 'cancelled';
    w.run.qty = w.original?.qty ?? 1;
  }
}

/** Planned runs are booked again each time, in their order, behind what each machine is making now. */
function scheduleExisting(ctx: PlanContext): void {
  for (const w of ctx.runs) {
    if (w.run.status !== 'planned') continue;
    const booking = ctx.schedule.book(w.product.machineKind, w.product.runMinutes);
    w.run.plannedStart = booking.start;
    if (booking.machine === undefined) delete w.run.machine;
    else w.run.machine = booking.machine;
  }
}

function sameAllocations(a: Run['allocations'], b: Run['allocations']): boolean {
  return a.length === b.length && a.every((x, i) => x.orderId === b[i]!.orderId && x.qty === b[i]!.qty);
}

function changed(w: WorkRun): boolean {
  const o = w.original;
  if (!o) return true;
  const r = w.run;
  return (
    r.status !== o.status || r.qty !== o.qty || r.machine !== o.machine || r.plannedStart !== o.plannedStart || !sameAllocations(r.allocations, o.allocations)
  );
}

function result(ctx: PlanContext): PlanResult {
  const runs: Run[] = [];
  const allocations: PlannedAllocation[] = [];
  for (const w of ctx.runs) {
    if (!changed(w)) continue;
    runs.push({ ...w.run, updatedAt: ctx.now });
    if (w.run.status === 'cancelled') continue;
    for (const a of w.run.allocations) {
      const entry: PlannedAllocation = { runId: w.run.id, orderId: a.orderId, sku: w.run.sku, qty: a.qty };
      if (w.run.variant !== undefined) entry.variant = w.run.variant;
      allocations.push(entry);
    }
  }
  return ctx.wakeAt === undefined ? { runs, allocations } : { runs, allocations, wakeAt: ctx.wakeAt };
}

/**
 * Issue 17's planner: from the board's state at one moment, the production runs to write. Pure: no clock, no I/O,
 * no randomness, every collection sorted by stable keys, so the same input (and so the same event log replayed)
 * gives the same plan byte for byte. docs/protocol.md, "Planner".
 */
export function plan(input: PlanInput): PlanResult {
  const ctx = buildContext(input);
  allocateToExisting(ctx);
  scheduleExisting(ctx);
  const catalogue = [...input.catalogue].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  for (const product of catalogue) {
    for (const variant of variantsOf(product)) {
      const needs = ctx.needs.get(stockKey(product.sku, variant)) ?? [];
      if (product.production === 'to-order') formToOrderRuns(ctx, product, variant, needs);
      else formBatchRuns(ctx, product, variant, needs);
    }
  }
  return result(ctx);
}
