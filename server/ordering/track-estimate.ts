import type { Product } from '../../shared/schemas/catalogue.js';
import type { TrackedRun } from '../../shared/schemas/kiosk.js';
import type { Machine, MachineKind } from '../../shared/schemas/machine.js';
import type { Run } from '../../shared/schemas/run.js';

/** The mean-gap estimate from recent throughput (server/insight/figures.ts `estimate`). */
export interface MeanGapEstimate {
  etaMinutes: number;
  readyBy: number;
}

export interface TrackEstimate {
  etaMinutes: number | null;
  readyBy: number | null;
  run: TrackedRun | null;
}

/**
 * When the run an order waits for comes out, from the plan: a running run at its `endsAt`; a planned or loading
 * one its `runMinutes` after its planned start, or after now once that start has passed (a run not yet in the
 * machine cannot come out sooner than a whole run from now). Of several runs holding units of the order, the last
 * out decides: the order is ready when all of it is. Null when no active run holds the order.
 */
export function runPlan(
  orderId: string,
  runs: Iterable<Run>,
  machines: readonly Machine[],
  product: (sku: string) => Product | undefined,
  now: number,
): TrackedRun | null {
  let latest: TrackedRun | null = null;
  for (const run of runs) {
    if (run.status !== 'planned' && run.status !== 'loading' && run.status !== 'running') continue;
    if (!run.allocations.some((a) => a.orderId === orderId)) continue;
    const made = product(run.sku);
    const readyAt = run.status === 'running' && run.endsAt !== undefined ? run.endsAt : Math.max(run.plannedStart, now) + (made?.runMinutes ?? 0) * 60_000;
    const plan: TrackedRun = { machineKind: machineKindOf(run, machines, made), status: run.status, readyAt };
    if (!latest || plan.readyAt > latest.readyAt) latest = plan;
  }
  return latest;
}

/** The machine it is on says best what it is ("In the oven"); before one is named, the kind the catalogue makes it on. */
function machineKindOf(run: Run, machines: readonly Machine[], product: Product | undefined): MachineKind {
  const machine = run.machine === undefined ? undefined : machines.find((m) => m.id === run.machine);
  return machine?.kind ?? product?.machineKind ?? 'other';
}

/**
 * The wait the tracker shows: from the plan where one holds the order, since the run says when it comes out; else
 * the mean gap of recent ready orders; else none. A running run past its `endsAt` (an oven running over) no longer
 * gives a time worth showing, so then the mean gap speaks, as it does without a plan.
 */
export function chooseEstimate(plan: TrackedRun | null, meanGap: MeanGapEstimate | null, now: number): TrackEstimate {
  if (plan && plan.readyAt > now) return { etaMinutes: Math.max(1, Math.ceil((plan.readyAt - now) / 60_000)), readyBy: plan.readyAt, run: plan };
  return { etaMinutes: meanGap?.etaMinutes ?? null, readyBy: meanGap?.readyBy ?? null, run: null };
}
