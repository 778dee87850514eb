import path from 'node:path';
import { z } from 'zod';
import { ARRIVAL_KEPT_MS, type ArrivalClaim, type ArrivalTable } from '../arrival-table.js';
import { FileRows } from './file-rows.js';

const ArrivalFile = z.record(z.string().max(64), z.number());
/** Written at most this often: a busy counter sees many orders a second, and the file holds every one on the board. */
const SAVE_EVERY_MS = 1_000;

/**
 * Embedded: the table in a file in DATA_DIR (`order-arrivals.json`), at most as many rows as the board holds
 * orders (and some room for those on their way off). Written a second after a change at most, and at close:
 * a hub killed hard forgets the arrivals of its last second, which then count from its next start.
 */
export class FileArrivalTable implements ArrivalTable {
  #table: FileRows<number>;
  #timer: NodeJS.Timeout | undefined;
  #warn: (message: string) => void;
  #failing = false;

  constructor(dataDir: string, maxActiveOrders: number, warn: (message: string) => void, now: () => number = Date.now) {
    this.#warn = warn;
    this.#table = new FileRows(path.join(dataDir, 'order-arrivals.json'), ArrivalFile, {
      endOf: (at) => at + ARRIVAL_KEPT_MS,
      max: maxActiveOrders * 2,
      now,
    });
  }

  claim(first: ReadonlyMap<string, ArrivalClaim>): Promise<Map<string, number>> {
    const held = new Map<string, number>();
    let added = false;
    for (const [id, { at, newerThan }] of first) {
      let kept = this.#table.rows.get(id);
      if (kept !== undefined && newerThan !== undefined && kept < newerThan) kept = undefined;
      if (kept === undefined) this.#table.rows.set(id, at);
      added ||= kept === undefined;
      held.set(id, kept ?? at);
    }
    // A claim of times already kept (every order at a restart) writes nothing.
    if (added) this.#saveSoon();
    return Promise.resolve(held);
  }

  forget(ids: readonly string[]): Promise<void> {
    let gone = false;
    for (const id of ids) gone = this.#table.rows.delete(id) || gone;
    if (gone) this.#saveSoon();
    return Promise.resolve();
  }

  /** What is not yet written goes to the file now. */
  flush(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#save();
  }

  #saveSoon(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#save();
    }, SAVE_EVERY_MS);
    this.#timer.unref();
  }

  /** A disk that refuses the file costs the arrivals kept since the last write, never the hub. */
  #save(): void {
    try {
      this.#table.save();
      this.#failing = false;
    } catch (err) {
      // Once per outage, not every second; what is not written is written with the next change.
      if (!this.#failing) this.#warn(`could not write order-arrivals.json: ${(err as Error).message}`);
      this.#failing = true;
    }
  }
}
