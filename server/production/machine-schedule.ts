import type { MachineKind, MachineState } from '../../shared/schemas/machine.js';
import type { Run } from '../../shared/schemas/run.js';
import type { PlanMachine } from './plan-types.js';

/** A machine in these states takes no run until it is back: it is left out of the plan. */
const UNAVAILABLE: ReadonlySet<MachineState> = new Set(['fault', 'offline']);
const MINUTE = 60_000;

/** Where and when a run would start. No machine: none of its kind can take it now, and it waits unassigned. */
export interface Booking {
  machine?: string;
  start: number;
}

/**
 * One run per machine at a time: each machine is free from the end of its loading or running run, then from the
 * end of each run booked on it. A run goes to the machine of its kind that is free first (ties by machine id).
 */
export class MachineSchedule {
  private readonly freeAt = new Map<string, number>();
  private readonly machines: PlanMachine[];

  constructor(
    machines: readonly PlanMachine[],
    private readonly now: number,
  ) {
    this.machines = machines.filter((m) => !UNAVAILABLE.has(m.state)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const m of this.machines) this.freeAt.set(m.id, now);
  }

  /** A run in a machine holds it until its `endsAt`; a loading run without one, for its run time from now. */
  occupy(run: Run, runMinutes: number): void {
    if (run.machine === undefined || !this.freeAt.has(run.machine)) return;
    const ends = run.endsAt ?? Math.max(this.now, run.startedAt ?? this.now) + runMinutes * MINUTE;
    this.freeAt.set(run.machine, Math.max(this.freeAt.get(run.machine)!, ends));
  }

  /** Where a run of this kind would start now, without booking it. */
  peek(kind: MachineKind | undefined): Booking {
    let best: Booking = { start: this.now };
    for (const m of this.machines) {
      if (kind !== undefined && m.kind !== kind) continue;
      const at = this.freeAt.get(m.id)!;
      if (best.machine === undefined || at < best.start) best = { machine: m.id, start: at };
    }
    return best;
  }

  /** Books a run of `runMinutes` on the machine of this kind that is free first. */
  book(kind: MachineKind | undefined, runMinutes: number): Booking {
    const booking = this.peek(kind);
    if (booking.machine !== undefined) this.freeAt.set(booking.machine, booking.start + runMinutes * MINUTE);
    return booking;
  }
}
