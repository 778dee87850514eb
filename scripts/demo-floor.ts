import type { Product } from '../shared/schemas/catalogue.js';
import type { Machine } from '../shared/schemas/machine.js';
import type { Order } from '../shared/schemas/order.js';
import type { Run } from '../shared/schemas/run.js';
import type { SimEvent } from './simulator.js';

/** Demo time: a run of N minutes takes 2N seconds, so a tray comes out while someone watches. */
const MS_PER_RUN_MINUTE = 2_000;
/** How long a machine stays unloading, and a ready order waits for its customer. */
const UNLOAD_MS = 5_000;
const PICKUP_MS = [8_000, 40_000] as const;

/** What the floor needs to see of the board. */
export interface FloorView {
  runs(): Iterable<Run>;
  orders(): Iterable<Order>;
}

/**
 * The people on a demo floor with the planner on: they load the next run the console lists into its machine when
 * the machine is free and take it out when it is done, by the machine reporting the run (`batch.runId`), as a real
 * oven controller would; customers collect ready orders after a while. A pure step of time over the board's view.
 */
export class DemoFloor {
  #catalogue: ReadonlyMap<string, Product>;
  #machines: Map<string, Machine>;
  #busy = new Map<string, { batch: NonNullable<Machine['batch']>; unloadedAt?: number }>();
  #pickups = new Map<string, number>();
  #rand: () => number;

  constructor(catalogue: readonly Product[], machines: Machine[], seed = 7) {
    this.#catalogue = new Map(catalogue.map((p) => [p.sku, p]));
    this.#machines = new Map(machines.map((m) => [m.id, m]));
    let s = seed;
    this.#rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  }

  /** The machines as they stand at the start (idle), to report once. */
  start(now: number): SimEvent[] {
    return [...this.#machines.values()].map((m) => ({ kind: 'machine' as const, machine: { ...m, state: 'idle' as const, updatedAt: now } }));
  }

  step(now: number, board: FloorView): SimEvent[] {
    return [...this.#unload(now), ...this.#load(now, board), ...this.#collect(now, board)];
  }

  #load(now: number, board: FloorView): SimEvent[] {
    const out: SimEvent[] = [];
    const planned = [...board.runs()]
      .filter((r) => r.status === 'planned' && r.machine)
      .sort((a, b) => a.plannedStart - b.plannedStart || (a.id < b.id ? -1 : 1));
    for (const run of planned) {
      const machine = this.#machines.get(run.machine!);
      if (!machine || this.#busy.has(machine.id)) continue;
      const minutes = this.#catalogue.get(run.sku)?.runMinutes ?? 10;
      const batch = { sku: run.sku, qty: run.qty, startedAt: now, endsAt: now + minutes * MS_PER_RUN_MINUTE, runId: run.id };
      this.#busy.set(machine.id, { batch });
      out.push(this.#report(machine, 'running', now, batch));
    }
    return out;
  }

  #unload(now: number): SimEvent[] {
    const out: SimEvent[] = [];
    for (const [id, job] of this.#busy) {
      const machine = this.#machines.get(id)!;
      if (job.unloadedAt === undefined && now >= job.batch.endsAt) {
        job.unloadedAt = now;
        out.push(this.#report(machine, 'unloading', now, job.batch));
      } else if (job.unloadedAt !== undefined && now >= job.unloadedAt + UNLOAD_MS) {
        this.#busy.delete(id);
        out.push(this.#report(machine, 'idle', now));
      }
    }
    return out;
  }

  #collect(now: number, board: FloorView): SimEvent[] {
    const out: SimEvent[] = [];
    for (const order of board.orders()) {
      if (order.status !== 'ready') continue;
      const due = this.#pickups.get(order.id) ?? now + PICKUP_MS[0] + Math.round(this.#rand() * (PICKUP_MS[1] - PICKUP_MS[0]));
      this.#pickups.set(order.id, due);
      if (now < due) continue;
      this.#pickups.delete(order.id);
      out.push({ kind: 'order', order: { ...order, status: 'picked_up', updatedAt: Math.max(now, order.updatedAt + 1) } });
    }
    return out;
  }

  #report(machine: Machine, state: Machine['state'], now: number, batch?: NonNullable<Machine['batch']>): SimEvent {
    const { batch: _old, ...rest } = machine;
    const next: Machine = { ...rest, state, updatedAt: now, ...(batch ? { batch } : {}) };
    this.#machines.set(machine.id, next);
    return { kind: 'machine', machine: next };
  }
}
