import { DISABLED_SCENE, isActiveOrder, isActiveRun } from './contract-values.js';
import type { BoardChange, ReadingsUpdate, Scene, Snapshot } from './schemas/board.js';
import type { Machine } from './schemas/machine.js';
import type { Order } from './schemas/order.js';
import type { Run } from './schemas/run.js';

/**
 * What applying one change did: `applied`, `stale` (already seen: seq at or
 * below ours) or `gap` (a change was missed; the holder must take a fresh
 * snapshot before it can trust its board again).
 */
export type ApplyOutcome = 'applied' | 'stale' | 'gap';

/**
 * A board held by one party (the hub's view, a screen) that follows the
 * server's board by snapshot plus ordered changes. The hub and every screen
 * use this one class, so they cannot disagree on what a change means.
 */
export class BoardMirror {
  #seq = -1;
  #orders = new Map<string, Order>();
  #machines = new Map<string, Machine>();
  #scene: Scene = DISABLED_SCENE;
  #runs = new Map<string, Run>();

  get seq(): number {
    return this.#seq;
  }
  get loaded(): boolean {
    return this.#seq >= 0;
  }
  get scene(): Scene {
    return this.#scene;
  }
  get orders(): ReadonlyMap<string, Order> {
    return this.#orders;
  }
  get machines(): ReadonlyMap<string, Machine> {
    return this.#machines;
  }
  get runs(): ReadonlyMap<string, Run> {
    return this.#runs;
  }

  /** A snapshot is authoritative: it replaces everything, even with a lower seq (a reset store). */
  load(snapshot: Snapshot): void {
    this.#seq = snapshot.seq;
    this.#orders = new Map(snapshot.orders.filter(isActiveOrder).map((o) => [o.id, o]));
    this.#machines = new Map(snapshot.machines.map((m) => [m.id, m]));
    this.#scene = snapshot.scene;
    this.#runs = new Map(snapshot.runs.filter(isActiveRun).map((r) => [r.id, r]));
  }

  apply(change: BoardChange): ApplyOutcome {
    if (!this.loaded || change.seq > this.#seq + 1) return 'gap';
    if (change.seq <= this.#seq) return 'stale';
    this.#seq = change.seq;
    switch (change.type) {
      case 'order':
        if (change.removed || !isActiveOrder(change.order)) this.#orders.delete(change.order.id);
        else this.#orders.set(change.order.id, change.order);
        break;
      case 'machine': {
        // Telemetry travels apart from the seq order and may have landed first: newer readings stay.
        const held = this.#machines.get(change.machine.id);
        const machine =
          held?.readings && held.updatedAt > change.machine.updatedAt
            ? { ...change.machine, readings: held.readings, updatedAt: held.updatedAt }
            : change.machine;
        this.#machines.set(machine.id, machine);
        break;
      }
      case 'scene':
        this.#scene = change.scene;
        break;
      case 'run':
        if (isActiveRun(change.run)) this.#runs.set(change.run.id, change.run);
        else this.#runs.delete(change.run.id);
        break;
    }
    return 'applied';
  }

  /** Telemetry: takes a machine's readings if they are newer than what is held; no seq involved. True if taken. */
  applyReadings(update: ReadingsUpdate): boolean {
    const held = this.#machines.get(update.id);
    if (!held || update.updatedAt <= held.updatedAt) return false;
    this.#machines.set(update.id, { ...held, readings: update.readings, updatedAt: update.updatedAt });
    return true;
  }

  /** Canonical: sorted by id, so every hub serves the same bytes for the same seq. */
  snapshot(): Snapshot {
    return {
      seq: Math.max(this.#seq, 0),
      orders: [...this.#orders.values()].sort(byId),
      machines: [...this.#machines.values()].sort(byId),
      scene: this.#scene,
      runs: [...this.#runs.values()].sort(byId),
    };
  }
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
