import type { Order, OrderStatus } from '../../../shared/schemas/order.js';

/** How long a tapped row stays put and ignores taps, at the least: longer than any double tap. */
export const HOLD_MS = 600;
/** After its answer arrives a held row shows it this long before it may change or move. */
const ANSWER_SHOWN_MS = 400;
/** An open cancel confirmation nobody answers closes by itself, so the list does not stay frozen. */
const CONFIRM_MS = 8_000;
/** How long a new order is marked new, unless staff tap it first. */
const NEW_MS = 60_000;

export type ListName = 'waiting' | 'ready';

interface Hold {
  /** The order as it was shown when tapped: the row keeps showing it (and its buttons) while held. */
  snapshot: Order;
  /** What came of the tap, shown on the row in place of its status; null until the hub answers. */
  answer: string | null;
  inert: boolean;
  confirming: boolean;
}

export interface Row {
  order: Order;
  /** Taps are ignored: just tapped, or the order moved away while the list was held still. */
  inert: boolean;
  answer: string | null;
  confirming: boolean;
  /** The order left this list while the list was held still: shown where it was until the list re-sorts. */
  gone: boolean;
  isNew: boolean;
}

const WAITING: ReadonlySet<OrderStatus> = new Set(['queued', 'in_production']);
export const listOf = (o: Order): ListName | null => (WAITING.has(o.status) ? 'waiting' : o.status === 'ready' ? 'ready' : null);

/**
 * The console's queue as a kitchen display arranges it, and held still under a finger: after a tap the
 * row keeps its place, shows what was tapped and ignores taps until its answer has been shown (at least
 * HOLD_MS); while any row is held neither list re-sorts (new orders are added at the end), so a second tap
 * of a burst lands on the same row and the same (inert) button, never on another order.
 */
export class QueueView {
  #holds: Record<string, Hold> = $state({});
  /** The lists as shown when the first hold began; null while nothing is held. */
  #frozen: Record<ListName, Order[]> | null = $state.raw(null);
  #newUntil: Record<string, number> = $state({});
  #seen: Set<string> | null = null;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping for cleanup, never rendered
  #timers = new Set<ReturnType<typeof setTimeout>>();

  get held(): boolean {
    return this.#frozen !== null;
  }

  /** The rows of one list: `sort` orders the live orders while nothing is held. */
  rows(list: ListName, live: Order[], sort: (orders: Order[]) => Order[], now: number): Row[] {
    const mine = live.filter((o) => listOf(o) === list);
    const row = (order: Order, gone = false): Row => {
      const hold = this.#holds[order.id];
      return {
        order: hold?.snapshot ?? order,
        inert: gone || (hold?.inert ?? false),
        answer: hold?.answer ?? null,
        confirming: hold?.confirming ?? false,
        gone,
        isNew: (this.#newUntil[order.id] ?? 0) > now,
      };
    };
    const frozen = this.#frozen;
    if (!frozen) return sort(mine).map((o) => row(o));
    // Local lookups for this one call, never stored in state: nothing to make reactive.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- see above
    const byId = new Map(live.map((o) => [o.id, o]));
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- see above
    const shown = new Set([...frozen.waiting, ...frozen.ready].map((o) => o.id));
    const kept = frozen[list].map((was) => {
      if (this.#holds[was.id]) return row(was);
      const now = byId.get(was.id);
      return now && listOf(now) === list ? row(now) : row(was, true);
    });
    // New arrivals go below, where nothing is under a finger.
    return [...kept, ...sort(mine.filter((o) => !shown.has(o.id))).map((o) => row(o))];
  }

  /**
   * A tap on an action of `order` as shown. Returns false (ignore it) while the row is held. `lists` is what
   * the console shows now: the lists are held in that order until every hold has ended.
   */
  tap(order: Order, lists: Record<ListName, Order[]>): boolean {
    const hold = this.#holds[order.id];
    if (hold?.inert) return false;
    this.#freeze(lists);
    delete this.#newUntil[order.id];
    this.#holds[order.id] = { snapshot: hold?.snapshot ?? order, answer: null, inert: true, confirming: false };
    return true;
  }

  /** The hub answered a tap: shown on the row, which stays held a little longer, then the lists re-sort. */
  answered(id: string, answer: string, tappedAt: number): void {
    const hold = this.#holds[id];
    if (!hold) return;
    hold.answer = answer;
    const wait = Math.max(HOLD_MS - (performance.now() - tappedAt), ANSWER_SHOWN_MS);
    this.#after(wait, () => this.#release(id));
  }

  /** Opens the cancel confirmation on a row: held in place, ignoring taps for HOLD_MS (a double tap on ✕). */
  confirm(order: Order, lists: Record<ListName, Order[]>): boolean {
    if (this.#holds[order.id]?.inert) return false;
    this.#freeze(lists);
    this.#holds[order.id] = { snapshot: order, answer: null, inert: true, confirming: true };
    this.#after(HOLD_MS, () => {
      const hold = this.#holds[order.id];
      if (hold?.confirming) hold.inert = false;
    });
    this.#after(CONFIRM_MS, () => {
      if (this.#holds[order.id]?.confirming) this.#release(order.id);
    });
    return true;
  }

  /** "Keep": the confirmation closes; the ✕ comes back under the finger, so it too ignores taps for a moment. */
  keep(id: string): void {
    const hold = this.#holds[id];
    if (!hold?.confirming) return;
    hold.confirming = false;
    hold.inert = true;
    this.#after(HOLD_MS, () => this.#release(id));
  }

  /** Marks orders that were not on the board before as new; answers how many there are (to chime once for them). */
  observe(orders: Order[], now: number): number {
    // The first board after the console opens is what was already there: nothing is new.
    if (this.#seen === null) {
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- what was seen decides the chime, never rendered
      this.#seen = new Set(orders.map((o) => o.id));
      return 0;
    }
    let fresh = 0;
    for (const o of orders) {
      if (this.#seen.has(o.id)) continue;
      this.#seen.add(o.id);
      if (!WAITING.has(o.status)) continue;
      this.#newUntil[o.id] = now + NEW_MS;
      fresh++;
    }
    return fresh;
  }

  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }

  #freeze(lists: Record<ListName, Order[]>): void {
    this.#frozen ??= { waiting: lists.waiting, ready: lists.ready };
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
