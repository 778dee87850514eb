import type { Product } from '../../shared/schemas/catalogue.js';
import type { OrderItem } from '../../shared/schemas/order.js';
import { dayStart, storeDay, wallClock, type TimeZone } from '../../shared/store-time.js';
import type { EventLog } from '../state/event-log.js';
import { stockKey } from './plan-types.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** One stock key's units per hour of the store's day, summed over `days`: the days that key was ordered at all. */
interface KeyProfile {
  hours: readonly number[];
  days: number;
}

/**
 * A `batch` SKU's demand by hour of the store's day, from earlier days: the units ordered in each hour, averaged
 * over the days that SKU/variant was ordered at all (a day the store was shut, or before it was on the menu, does
 * not dilute the figure). Immutable once built.
 */
export class DemandProfile {
  readonly #keys: ReadonlyMap<string, KeyProfile>;
  readonly #days: number;
  readonly #timeZone: TimeZone;

  constructor(keys: ReadonlyMap<string, KeyProfile>, days: number, timeZone: TimeZone) {
    this.#keys = keys;
    this.#days = days;
    this.#timeZone = timeZone;
  }

  static empty(timeZone?: TimeZone): DemandProfile {
    return new DemandProfile(new Map(), 0, timeZone);
  }

  /** Days with any order in the profile; 0 until the event log holds an earlier day. */
  get days(): number {
    return this.#days;
  }

  /** Units of `key` expected from `from` to `to`: each hour of the store's clock they cover, in proportion. */
  expected(key: string, from: number, to: number): number {
    const profile = this.#keys.get(key);
    if (!profile || profile.days === 0 || to <= from) return 0;
    const hours = profile.hours;
    let total = 0;
    // Hour by hour on the store's clock (a zone at +05:30 has its hours at half past UTC's).
    for (let t = from; t < to;) {
      const c = wallClock(t, this.#timeZone);
      const next = Math.min(to, t + HOUR - (c.min * 60 + c.s) * 1000 - (t % 1000));
      total += (hours[c.h]! * (next - t)) / HOUR;
      t = next > t ? next : t + 1000;
    }
    return total / profile.days;
  }

  /** Per stock key the profile knows, the units expected from `from` to `to` (0 included: "none expected" is news). */
  expectedAll(from: number, to: number): Map<string, number> {
    const all = new Map<string, number>();
    if (this.#days === 0) return all;
    for (const key of [...this.#keys.keys()].sort()) all.set(key, this.expected(key, from, to));
    return all;
  }
}

/** Counts orders into a profile: each order once, in the hour it first came in. */
export class DemandProfileBuilder {
  #units = new Map<string, number[]>();
  #keyDays = new Map<string, Set<string>>();
  #days = new Set<string>();
  #seen = new Set<string>();
  readonly #products: ReadonlyMap<string, Product>;
  readonly #timeZone: TimeZone;

  constructor(products: ReadonlyMap<string, Product>, timeZone: TimeZone) {
    this.#products = products;
    this.#timeZone = timeZone;
  }

  add(orderId: string, arrivedAt: number, items: readonly OrderItem[]): void {
    if (this.#seen.has(orderId)) return;
    this.#seen.add(orderId);
    const day = storeDay(arrivedAt, this.#timeZone);
    this.#days.add(day);
    const hour = wallClock(arrivedAt, this.#timeZone).h;
    for (const item of items) {
      if (this.#products.get(item.sku)?.production !== 'batch') continue;
      const key = stockKey(item.sku, item.variant);
      let hours = this.#units.get(key);
      if (!hours) this.#units.set(key, (hours = new Array<number>(24).fill(0)));
      hours[hour]! += item.qty;
      let days = this.#keyDays.get(key);
      if (!days) this.#keyDays.set(key, (days = new Set()));
      days.add(day);
    }
  }

  build(): DemandProfile {
    const keys = new Map<string, KeyProfile>();
    for (const [key, hours] of this.#units) keys.set(key, { hours, days: this.#keyDays.get(key)?.size ?? 0 });
    return new DemandProfile(keys, this.#days.size, this.#timeZone);
  }
}

/**
 * The profile of the `days` store days before `now`'s, read from the event log a page at a time (orders only, each
 * counted at its first event). A log that fails to read rejects: the caller keeps what it had.
 */
export async function readDemandProfile(
  events: EventLog,
  products: ReadonlyMap<string, Product>,
  opts: { now: number; days: number; timeZone: TimeZone },
): Promise<DemandProfile> {
  const builder = new DemandProfileBuilder(products, opts.timeZone);
  if (opts.days === 0) return builder.build();
  const today = dayStart(opts.now, opts.timeZone);
  // A day is 23 to 25 hours where clocks change: start from the store day that `days` whole days back falls in.
  const from = dayStart(today - opts.days * DAY + HOUR * 2, opts.timeZone);
  for await (const page of events.pages(from, today - 1)) {
    for (const e of page) if (e.type === 'order') builder.add(e.order.id, e.at, e.order.items);
  }
  return builder.build();
}
