import { EventEmitter } from 'node:events';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { Order } from '../../shared/schemas/order.js';
import type { Logger } from '../log.js';
import { FIRST_NUMBER, type PlaceOutcome, type Placement, type StockListener, type StockStore } from './stock-store.js';

const ATTEMPT_TTL_MS = 86_400_000;

const Saved = z.object({
  day: z.string(),
  sold: z.record(z.string(), z.number().int()),
  next: z.number().int(),
  attempts: z.array(z.object({ key: z.string(), at: z.number(), order: Order })),
});
type Saved = z.infer<typeof Saved>;

/**
 * The kiosk's counts on local disk, for the embedded hub: one process, so each
 * call is atomic by construction; the file is written and fsynced before the
 * answer goes out, so a crash never forgets a sale or an attempt's number.
 */
export class EmbeddedStockStore implements StockStore {
  #file: string;
  #log: Logger;
  #state: Saved = { day: '', sold: {}, next: FIRST_NUMBER, attempts: [] };
  #attempts = new Map<string, { at: number; order: Order }>();
  #events = new EventEmitter<{ sold: [day: string, sold: Record<string, number>] }>();
  #now: () => number;

  constructor(dataDir: string, log: Logger, now: () => number = Date.now) {
    this.#file = path.join(dataDir, 'kiosk.json');
    this.#log = log;
    this.#now = now;
  }

  start(listener: StockListener): Promise<void> {
    mkdirSync(path.dirname(this.#file), { recursive: true });
    try {
      const parsed = Saved.safeParse(JSON.parse(readFileSync(this.#file, 'utf8')));
      if (parsed.success) this.#state = parsed.data;
      else this.#log.error({ file: this.#file }, 'kiosk state file unreadable; starting the day afresh');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.#log.error({ err, file: this.#file }, 'kiosk state file unreadable; starting the day afresh');
    }
    for (const a of this.#state.attempts) this.#attempts.set(a.key, { at: a.at, order: a.order });
    this.#events.on('sold', listener);
    return Promise.resolve();
  }

  place(p: Placement): Promise<PlaceOutcome> {
    const seen = this.#attempts.get(p.key);
    if (seen) return Promise.resolve({ kind: 'repeat', order: seen.order });
    this.#roll(p.day);
    const sold = this.#state.sold[p.sku] ?? 0;
    if (sold + p.qty > p.limit) return Promise.resolve({ kind: 'sold_out', left: Math.max(0, p.limit - sold) });
    const n = this.#state.next;
    const order = Order.parse(JSON.parse(p.template.replaceAll(p.slot, String(n))));
    this.#state.sold[p.sku] = sold + p.qty;
    this.#state.next = n + 1;
    this.#attempts.set(p.key, { at: this.#now(), order });
    this.#save();
    this.#events.emit('sold', p.day, { [p.sku]: sold + p.qty });
    return Promise.resolve({ kind: 'placed', order });
  }

  adjust(day: string, sku: string, delta: number): Promise<void> {
    this.#roll(day);
    const sold = Math.max(0, (this.#state.sold[sku] ?? 0) + delta);
    this.#state.sold[sku] = sold;
    this.#save();
    this.#events.emit('sold', day, { [sku]: sold });
    return Promise.resolve();
  }

  sold(day: string): Promise<Record<string, number>> {
    return Promise.resolve(this.#state.day === day ? { ...this.#state.sold } : {});
  }

  close(): Promise<void> {
    this.#events.removeAllListeners();
    return Promise.resolve();
  }

  /** A new day starts with nothing sold and numbers from the top. */
  #roll(day: string): void {
    if (this.#state.day === day) return;
    this.#state = { ...this.#state, day, sold: {}, next: FIRST_NUMBER };
  }

  #save(): void {
    const cutoff = this.#now() - ATTEMPT_TTL_MS;
    for (const [key, a] of this.#attempts) if (a.at < cutoff) this.#attempts.delete(key);
    this.#state.attempts = [...this.#attempts].map(([key, a]) => ({ key, at: a.at, order: a.order }));
    const tmp = `${this.#file}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify(this.#state));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.#file);
  }
}
