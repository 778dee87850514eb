import { weekdayOf } from './hour-clock.js';

/** Products one report keeps hourly demand for; the rest are summed under OTHER_SKUS (a catalogue has a handful). */
export const MAX_SKUS = 50;
export const OTHER_SKUS = '(other)';

/** The SKUs one report names: the first MAX_SKUS it meets over all its days; a later one is OTHER_SKUS. */
export class SkuNames {
  #named = new Set<string>();

  of(sku: string): string {
    if (this.#named.has(sku)) return sku;
    if (this.#named.size >= MAX_SKUS) return OTHER_SKUS;
    this.#named.add(sku);
    return sku;
  }
}

/**
 * One store day of the report, by hour of the store's clock: the only thing the report keeps per day, so a
 * 400-day range holds 400 of these whatever the log's size.
 */
export class DayCells {
  readonly day: string;
  readonly weekday: number;
  readonly walkIns = new Array<number>(24).fill(0);
  readonly orders = new Array<number>(24).fill(0);
  /** Units of sale items not made on site (not in the catalogue), latest basket per sale. */
  readonly adjacent = new Array<number>(24).fill(0);
  /** Units made (runs done, `produced`, else `qty`) by the hour they were done. */
  readonly made = new Array<number>(24).fill(0);
  /** Milliseconds of the hour production was live: any machine `running`, or the stream live (the union, not a sum). */
  readonly liveMs = new Array<number>(24).fill(0);
  /** Clips published in the hour (`publishedAt` of a post's latest report). */
  readonly published = new Array<number>(24).fill(0);
  /** Units ordered per SKU by the hour the order was first seen. */
  readonly demand = new Map<string, number[]>();

  constructor(day: string) {
    this.day = day;
    this.weekday = weekdayOf(day);
  }

  /** An open hour: anyone walked in or any order came (docs/protocol.md, "The pilot report"). */
  open(hour: number): boolean {
    return this.walkIns[hour]! > 0 || this.orders[hour]! > 0;
  }

  /** `sku` as the report names it (SkuNames): a report over many days holds at most MAX_SKUS + 1 rows a day. */
  addDemand(sku: string, hour: number, units: number): void {
    let row = this.demand.get(sku);
    if (!row) this.demand.set(sku, (row = new Array<number>(24).fill(0)));
    row[hour]! += units;
  }

  /** All units ordered in each hour, every SKU. */
  totalDemand(): number[] {
    const total = new Array<number>(24).fill(0);
    for (const row of this.demand.values()) row.forEach((u, h) => (total[h]! += u));
    return total;
  }
}
