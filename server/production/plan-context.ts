import type { Product } from '../../shared/schemas/catalogue.js';
import type { Run } from '../../shared/schemas/run.js';
import { unitsInRuns, waitingNeeds, waitingOrders, type Need, type UnitsInRuns } from './demand.js';
import { MachineSchedule } from './machine-schedule.js';
import { stockKey, type PlanInput } from './plan-types.js';

const MINUTE = 60_000;
/** Ids of the runs the planner makes start with this; it may shrink or call off only its own runs. */
export const PLAN_ID_PREFIX = 'plan-';

/** A run the planner works on: a copy it may change, and the run as it came in (none for a new run). */
export interface WorkRun {
  run: Run;
  product: Product;
  key: string;
  original: Run | undefined;
}

/** The planner's working state for one call; built from the input alone and dropped after. */
export interface PlanContext {
  input: PlanInput;
  now: number;
  /** Active runs (planned, loading, running) of SKUs in the catalogue, each stock key's in the order their units come out. */
  runs: WorkRun[];
  needs: Map<string, Need[]>;
  /** Units each SKU may still be planned today: `runQuantity` minus made today minus what active runs will make. */
  headroom: Map<string, number>;
  schedule: MachineSchedule;
  /** The last serial used per run-id prefix, so new ids never repeat one given before. */
  serials: Map<string, number>;
  /** The earliest moment a waiting order's slack reaches the threshold (PlanResult.wakeAt). */
  wakeAt: number | undefined;
}

const STATUS_RANK = { running: 0, loading: 1, planned: 2 } as const;

/** The moment a run's units come out, as far as ordering runs goes: started runs by their start, planned by theirs. */
function outKey(run: Run): number {
  return run.status === 'planned' ? run.plannedStart : (run.startedAt ?? run.plannedStart);
}

function byOut(a: WorkRun, b: WorkRun): number {
  const ra = STATUS_RANK[a.run.status as keyof typeof STATUS_RANK];
  const rb = STATUS_RANK[b.run.status as keyof typeof STATUS_RANK];
  return ra - rb || outKey(a.run) - outKey(b.run) || (a.run.id < b.run.id ? -1 : a.run.id > b.run.id ? 1 : 0);
}

/** A copy of a run that the planner may change; a planned run keeps allocations only of orders still waiting. */
function workCopy(run: Run, product: Product, units: UnitsInRuns): WorkRun {
  // Allocation objects are shared with the input and never changed in place (allocation.ts replaces them).
  const allocations = run.status === 'planned' ? run.allocations.filter((a) => units.get(a.orderId)?.waiting === true) : run.allocations.slice();
  const copy: Run = { ...run, allocations };
  if (run.status === 'planned' && product.production === 'to-order' && run.id.startsWith(PLAN_ID_PREFIX)) {
    copy.qty = allocations.reduce((sum, a) => sum + a.qty, 0);
  }
  return { run: copy, product, key: stockKey(run.sku, run.variant), original: run };
}

function lastSerials(runs: readonly Run[]): Map<string, number> {
  const serials = new Map<string, number>();
  for (const run of runs) {
    if (!run.id.startsWith(PLAN_ID_PREFIX)) continue;
    const cut = run.id.lastIndexOf('-');
    const serial = Number(run.id.slice(cut + 1));
    if (!Number.isSafeInteger(serial)) continue;
    const prefix = run.id.slice(0, cut + 1);
    serials.set(prefix, Math.max(serials.get(prefix) ?? 0, serial));
  }
  return serials;
}

function headroomOf(input: PlanInput, active: readonly WorkRun[]): Map<string, number> {
  const headroom = new Map<string, number>();
  for (const p of input.catalogue) headroom.set(p.sku, p.runQuantity - (input.madeToday.get(p.sku) ?? 0));
  for (const w of active) headroom.set(w.run.sku, headroom.get(w.run.sku)! - w.run.qty);
  return headroom;
}

export function buildContext(input: PlanInput): PlanContext {
  const products = new Map(input.catalogue.map((p) => [p.sku, p]));
  // Counted before planned runs drop orders no longer waiting: those orders are not waiting, so no need changes.
  const units = unitsInRuns(input.runs);
  const needs = waitingNeeds(waitingOrders(input.orders), units, input.options.promiseMinutes * MINUTE);
  const runs: WorkRun[] = [];
  for (const run of input.runs) {
    const product = products.get(run.sku);
    if (product && (run.status === 'planned' || run.status === 'loading' || run.status === 'running')) runs.push(workCopy(run, product, units));
  }
  runs.sort(byOut);
  const schedule = new MachineSchedule(input.machines, input.now);
  for (const w of runs) if (w.run.status !== 'planned') schedule.occupy(w.run, w.product.runMinutes);
  return { input, now: input.now, runs, needs, headroom: headroomOf(input, runs), schedule, serials: lastSerials(input.runs), wakeAt: undefined };
}
