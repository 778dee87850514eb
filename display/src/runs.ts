import type { Machine, MachineBatch, MachineKind } from '../../shared/schemas/machine.js';
import type { Order } from '../../shared/schemas/order.js';
import type { Run } from '../../shared/schemas/run.js';
import { byNumber } from './layout.js';

/** What the production strip says about the run in one machine. */
export interface RunLine {
  /** The catalogue's name for it, or its SKU when the hub named none. */
  product: string;
  qty: number;
  /** The order numbers it is for that are still on the board, as customers scan for theirs: by number. */
  numbers: string[];
  startedAt: number | undefined;
  endsAt: number | undefined;
}

/**
 * The run each machine is making now, by machine id. Only running runs: a planned or loading one is not yet in
 * there, and the strip speaks of what is. Two running runs naming one machine (a machine runs one at a time, so
 * only a slip of the staff or a scheduler) show the later-started one.
 */
export function runLines(runs: readonly Run[], orders: readonly Order[], productNames: Readonly<Record<string, string>>): Map<string, RunLine> {
  const byId = new Map(orders.map((o) => [o.id, o]));
  const lines = new Map<string, RunLine & { run: Run }>();
  for (const run of runs) {
    if (run.status !== 'running' || run.machine === undefined) continue;
    const held = lines.get(run.machine);
    if (held && (held.run.startedAt ?? 0) >= (run.startedAt ?? 0)) continue;
    const allocated = run.allocations.flatMap((a) => byId.get(a.orderId) ?? []).sort(byNumber);
    lines.set(run.machine, {
      run,
      product: productName(run.sku, productNames) ?? run.sku,
      qty: run.qty,
      numbers: allocated.map((o) => o.number),
      startedAt: run.startedAt,
      endsAt: run.endsAt,
    });
  }
  return new Map([...lines].map(([machine, { run: _run, ...line }]) => [machine, line]));
}

/**
 * What a machine's own batch is, in the store's words: the catalogue's name for its SKU first (a machine's
 * label is whatever its firmware says, often English on a Swedish board), then that label, then the bare SKU.
 */
export function batchProduct(batch: Pick<MachineBatch, 'sku' | 'label'>, productNames: Readonly<Record<string, string>>): string {
  return productName(batch.sku, productNames) ?? batch.label ?? batch.sku;
}

/** The catalogue's name for a SKU. Own keys only: a machine reporting SKU `constructor` must not be named by Object's prototype. */
function productName(sku: string, productNames: Readonly<Record<string, string>>): string | undefined {
  return Object.hasOwn(productNames, sku) ? productNames[sku] : undefined;
}

/**
 * Where each waiting order of a running run is being made: order id → the kind of machine it is in ("In the
 * oven"). A run on a machine the board does not know says `other`; a ready order is not waiting for anything.
 */
export function makingByOrder(runs: readonly Run[], machines: readonly Machine[], orders: readonly Order[]): Map<string, MachineKind> {
  const kinds = new Map(machines.map((m) => [m.id, m.kind]));
  const waiting = new Set(orders.filter((o) => o.status === 'queued' || o.status === 'in_production').map((o) => o.id));
  const making = new Map<string, MachineKind>();
  for (const run of runs) {
    if (run.status !== 'running') continue;
    const kind = (run.machine !== undefined ? kinds.get(run.machine) : undefined) ?? 'other';
    for (const { orderId } of run.allocations) if (waiting.has(orderId)) making.set(orderId, kind);
  }
  return making;
}

/** 0–1 share of a run done at `now`, or null without both ends known. */
export function runProgress(line: RunLine, now: number): number | null {
  if (line.startedAt === undefined || line.endsAt === undefined) return null;
  if (line.endsAt <= line.startedAt) return 1;
  return Math.min(1, Math.max(0, (now - line.startedAt) / (line.endsAt - line.startedAt)));
}
