import type { Machine, MachineKind } from '../../../shared/schemas/machine.js';
import type { Run, RunStatus } from '../../../shared/schemas/run.js';
import { HOLD_MS } from './queue.svelte.js';

/** After its answer arrives a held run shows it this long before it may change or move (as an order row). */
const ANSWER_SHOWN_MS = 400;
/** An Unloaded form nobody confirms closes by itself, so the lane does not stay frozen under a forgotten form. */
const ASK_MS = 30_000;

/** What the lane knows of a product from the menu: its words, and the kind of machine that makes it. */
export interface LaneProduct {
  name: string;
  variants: Map<string, string>;
  machineKind?: MachineKind | undefined;
}

/** Where a run is shown: its machine, else the kind of machine its SKU needs, else nowhere yet. */
export type GroupKey = { by: 'machine'; id: string } | { by: 'kind'; kind: MachineKind } | { by: 'none' };

export interface LaneRun {
  run: Run;
  /** Taps are ignored: just tapped, its form just opened or closed, or it left the board while the lane was held. */
  inert: boolean;
  /** What came of the tap, in words, shown in place of the run's status; null until the hub answers. */
  answer: string | null;
  /** The Unloaded form is open on it. */
  asking: boolean;
  /** It left the board (done, cancelled) while the lane was held still: shown where it was until the lane re-sorts. */
  gone: boolean;
}

export interface LaneGroup {
  key: string;
  where: GroupKey;
  runs: LaneRun[];
}

interface Hold {
  snapshot: Run;
  answer: string | null;
  inert: boolean;
  asking: boolean;
}

/** In the machine first (that is what comes out next), then being loaded, then the planned ones by when they are to start. */
const STATUS_RANK: Record<RunStatus, number> = { running: 0, loading: 1, planned: 2, done: 3, cancelled: 3 };
const byTurn = (a: Run, b: Run) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || a.plannedStart - b.plannedStart || (a.id < b.id ? -1 : 1);

export function groupOf(run: Run, products: ReadonlyMap<string, LaneProduct>): GroupKey {
  if (run.machine) return { by: 'machine', id: run.machine };
  const kind = products.get(run.sku)?.machineKind;
  return kind ? { by: 'kind', kind } : { by: 'none' };
}
const keyOf = (g: GroupKey) => (g.by === 'machine' ? `machine:${g.id}` : g.by === 'kind' ? `kind:${g.kind}` : 'none');

/**
 * The machine "Loaded" names: the run's own, else the first machine on the board of the kind its SKU needs
 * (by id, so two tablets pick the same one); a SKU the catalogue names no kind for goes on any machine.
 * Undefined when there is none, or while the menu has not arrived (a tote must never be guessed into the
 * oven): the hub needs a machine to start a run.
 */
export function machineFor(run: Run, products: ReadonlyMap<string, LaneProduct>, machines: readonly Machine[]): string | undefined {
  if (run.machine) return run.machine;
  const product = products.get(run.sku);
  if (!product) return undefined;
  const kind = product.machineKind;
  const fits = machines.filter((m) => kind === undefined || m.kind === kind).sort((a, b) => (a.id < b.id ? -1 : 1));
  return fits[0]?.id;
}

/**
 * The Production lane, held still under a finger as the order queue is (queue.svelte.ts): a tapped run keeps
 * its place and what it showed, and ignores taps until its answer has been shown (at least HOLD_MS); while any
 * run is held the lane does not re-sort, so the second tap of a burst lands on the same, inert, button.
 */
export class LaneView {
  #holds: Record<string, Hold> = $state({});
  /** The run ids in the order shown when the first hold began, with each as it was; null while nothing is held. */
  #frozen: Run[] | null = $state.raw(null);
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping for cleanup, never rendered
  #timers = new Set<ReturnType<typeof setTimeout>>();

  groups(live: readonly Run[], products: ReadonlyMap<string, LaneProduct>): LaneGroup[] {
    const row = (run: Run, gone = false): LaneRun => {
      const hold = this.#holds[run.id];
      return { run: hold?.snapshot ?? run, inert: gone || (hold?.inert ?? false), answer: hold?.answer ?? null, asking: hold?.asking ?? false, gone };
    };
    let rows: LaneRun[];
    const frozen = this.#frozen;
    if (!frozen) rows = [...live].sort(byTurn).map((r) => row(r));
    else {
      // Local lookups for this one call, never stored in state: nothing to make reactive.
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- see above
      const byId = new Map(live.map((r) => [r.id, r]));
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- see above
      const shown = new Set(frozen.map((r) => r.id));
      const kept = frozen.map((was) => {
        if (this.#holds[was.id]) return row(was);
        const now = byId.get(was.id);
        return now ? row(now) : row(was, true);
      });
      // New runs go below, where nothing is under a finger.
      rows = [
        ...kept,
        ...live
          .filter((r) => !shown.has(r.id))
          .sort(byTurn)
          .map((r) => row(r)),
      ];
    }
    // Groups in the order of their first run: the machine with the next thing to do comes first.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- built and read in this call only
    const groups = new Map<string, LaneGroup>();
    for (const r of rows) {
      const where = groupOf(r.run, products);
      const key = keyOf(where);
      const group = groups.get(key) ?? { key, where, runs: [] };
      group.runs.push(r);
      groups.set(key, group);
    }
    return [...groups.values()];
  }

  /** A tap on Loaded or on the form's confirm. Returns false (ignore it) while the run is held. */
  tap(run: Run, live: readonly Run[]): boolean {
    const hold = this.#holds[run.id];
    if (hold?.inert) return false;
    this.#freeze(live);
    this.#holds[run.id] = { snapshot: hold?.snapshot ?? run, answer: null, inert: true, asking: false };
    return true;
  }

  /** The hub answered: shown on the run, which stays held a little longer, then the lane re-sorts. */
  answered(id: string, answer: string, tappedAt: number): void {
    const hold = this.#holds[id];
    if (!hold) return;
    hold.answer = answer;
    this.#after(Math.max(HOLD_MS - (performance.now() - tappedAt), ANSWER_SHOWN_MS), () => this.#release(id));
  }

  /** "Unloaded": the form opens on the run, which ignores taps for HOLD_MS (a double tap on Unloaded confirms nothing). */
  ask(run: Run, live: readonly Run[]): boolean {
    if (this.#holds[run.id]?.inert) return false;
    this.#freeze(live);
    this.#holds[run.id] = { snapshot: run, answer: null, inert: true, asking: true };
    this.#after(HOLD_MS, () => {
      const hold = this.#holds[run.id];
      if (hold?.asking) hold.inert = false;
    });
    this.#after(ASK_MS, () => {
      if (this.#holds[run.id]?.asking) this.#release(run.id);
    });
    return true;
  }

  /** "Back": the form closes; Unloaded comes back under the finger, so it too ignores taps for a moment. */
  back(id: string): void {
    const hold = this.#holds[id];
    if (!hold?.asking) return;
    hold.asking = false;
    hold.inert = true;
    this.#after(HOLD_MS, () => this.#release(id));
  }

  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  #freeze(live: readonly Run[]): void {
    // The order shown: groups follow their first run in it, so regrouping this list gives the same lane.
    this.#frozen ??= [...live].sort(byTurn);
  }

  #release(id: string): void {
    delete this.#holds[id];
    if (Object.keys(this.#holds).length === 0) this.#frozen = null;
  }

  #after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
  }
}
