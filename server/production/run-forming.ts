import type { Product } from '../../shared/schemas/catalogue.js';
import type { Run } from '../../shared/schemas/run.js';
import { allocate } from './allocation.js';
import { mostUrgentPromise, unitsNeeded, type Need } from './demand.js';
import { PLAN_ID_PREFIX, type PlanContext, type WorkRun } from './plan-context.js';
import { stockKey } from './plan-types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DEFAULT_MAX_PLANNED_BATCH_RUNS = 2;

/** The next id for a SKU/variant: `plan-<sku>-<variant|_>-<n>`, n one past the highest given before. */
function nextId(ctx: PlanContext, sku: string, variant: string | undefined): string {
  const prefix = `${PLAN_ID_PREFIX}${sku}-${variant ?? '_'}-`;
  const serial = (ctx.serials.get(prefix) ?? 0) + 1;
  ctx.serials.set(prefix, serial);
  return `${prefix}${serial}`;
}

/** A new planned run, booked on the machine of its kind that is free first, and counted against the day's cap. */
function newRun(ctx: PlanContext, product: Product, variant: string | undefined, qty: number): WorkRun {
  const booking = ctx.schedule.book(product.machineKind, product.runMinutes);
  const run: Run = {
    id: nextId(ctx, product.sku, variant),
    sku: product.sku,
    qty,
    status: 'planned',
    allocations: [],
    plannedStart: booking.start,
    updatedAt: ctx.now,
  };
  if (variant !== undefined) run.variant = variant;
  if (booking.machine !== undefined) run.machine = booking.machine;
  ctx.headroom.set(product.sku, (ctx.headroom.get(product.sku) ?? 0) - qty);
  const work: WorkRun = { run, product, key: stockKey(product.sku, variant), original: undefined };
  ctx.runs.push(work);
  return work;
}

/**
 * `to-order`: a run per `runSize` waiting units; what is left (fewer) becomes a run of its own once the most urgent
 * waiting order's slack (its promise minus now minus `runMinutes`) falls to `slackMinutes` or under — time-window batching.
 */
export function formToOrderRuns(ctx: PlanContext, product: Product, variant: string | undefined, needs: readonly Need[]): void {
  let waiting = unitsNeeded(needs);
  while (waiting >= product.runSize) {
    const qty = Math.min(product.runSize, ctx.headroom.get(product.sku) ?? 0);
    if (qty <= 0) return;
    allocate(ctx, [newRun(ctx, product, variant, qty)], needs);
    waiting -= qty;
  }
  const promise = mostUrgentPromise(needs);
  if (waiting <= 0 || promise === undefined) return;
  const threshold = ctx.input.options.slackMinutes * MINUTE;
  const slack = promise - ctx.now - product.runMinutes * MINUTE;
  if (slack > threshold) {
    const due = ctx.now + slack - threshold;
    ctx.wakeAt = ctx.wakeAt === undefined ? due : Math.min(ctx.wakeAt, due);
    return;
  }
  const qty = Math.min(waiting, ctx.headroom.get(product.sku) ?? 0);
  if (qty > 0) allocate(ctx, [newRun(ctx, product, variant, qty)], needs);
}

/** Units per millisecond a `batch` SKU is expected to sell: the last hour's rate, or the day profile's if higher. */
function demandRate(ctx: PlanContext, key: string): number {
  const lastHour = ctx.input.demandLastHour.get(key) ?? 0;
  const profile = ctx.input.demandProfile?.get(key) ?? 0;
  return Math.max(lastHour, profile) / HOUR;
}

/** Units of a `batch` stock key on hand or coming that no order has claimed, less what waiting orders still lack. */
function unclaimed(ctx: PlanContext, key: string, runs: readonly WorkRun[], needs: readonly Need[]): number {
  const coming = runs.reduce((sum, w) => sum + w.run.qty - w.run.allocations.reduce((s, a) => s + a.qty, 0), 0);
  return (ctx.input.onShelf.get(key) ?? 0) + coming - unitsNeeded(needs);
}

/**
 * Units the rest of the day will surely take: the expected count less three standard deviations (arrivals are counted
 * as Poisson), so the last runs of the day are sized for what sells and a late order beyond them is made to order.
 * The expected count is the day profile's when there is one (it knows the evening is quieter than the last hour), but
 * never less than today's own pace held for the coming hour: a day busier than the profile is not starved by it.
 * Without a profile, the rate held until closing.
 */
function surelySold(ctx: PlanContext, key: string, rate: number, closesAt: number): number {
  const remaining = Math.max(0, closesAt - ctx.now);
  const profile = ctx.input.demandToClose?.get(key);
  const pace = (ctx.input.demandLastHour.get(key) ?? 0) / HOUR;
  const mean = profile === undefined ? rate * remaining : Math.max(profile, pace * Math.min(remaining, HOUR));
  return Math.max(0, mean - 3 * Math.sqrt(mean));
}

/**
 * `batch`: keeps the shelf ahead of demand. While the unclaimed units fall below the demand expected until the next
 * run would come out (its machine's free time plus `runMinutes`, never past closing), plans a run of `runSize`. With a
 * closing time, a run makes no more than the rest of the day will surely take (or than waiting orders lack).
 */
export function formBatchRuns(ctx: PlanContext, product: Product, variant: string | undefined, needs: readonly Need[]): void {
  const key = stockKey(product.sku, variant);
  const runs = ctx.runs.filter((w) => w.key === key);
  const maxPlanned = ctx.input.options.maxPlannedBatchRuns ?? DEFAULT_MAX_PLANNED_BATCH_RUNS;
  const closesAt = ctx.input.options.closesAt ?? Number.POSITIVE_INFINITY;
  const rate = demandRate(ctx, key);
  let planned = runs.filter((w) => w.run.status === 'planned').length;
  let available = unclaimed(ctx, key, runs, needs);
  while (planned < maxPlanned) {
    const outAt = Math.min(ctx.schedule.peek(product.machineKind).start + product.runMinutes * MINUTE, closesAt);
    const expected = rate * Math.max(0, outAt - ctx.now);
    if (available >= expected && available >= 0) return;
    const wanted = Number.isFinite(closesAt) ? Math.ceil(Math.max(surelySold(ctx, key, rate, closesAt) - available, -available)) : product.runSize;
    const qty = Math.min(product.runSize, wanted, ctx.headroom.get(product.sku) ?? 0);
    if (qty <= 0) return;
    allocate(ctx, [newRun(ctx, product, variant, qty)], needs);
    available += qty;
    planned++;
  }
}
