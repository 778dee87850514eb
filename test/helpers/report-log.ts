import { pino } from 'pino';
import type { LoggedEvent } from '../../shared/schemas/event-log.js';
import type { Machine } from '../../shared/schemas/machine.js';
import type { Order, OrderStatus } from '../../shared/schemas/order.js';
import type { Run } from '../../shared/schemas/run.js';
import type { Sale } from '../../shared/schemas/sale.js';
import type { SocialEntry } from '../../shared/schemas/social.js';
import { FileEventLog } from '../../server/state/embedded/event-log.js';

/** Builds event-log entries as the store logs them (each at its own time), for report tests and the bench. */
export class LogBuilder {
  readonly events: LoggedEvent[] = [];
  #seq = 0;

  order(id: string, at: number, status: OrderStatus, items: Order['items'] = [{ sku: 'bun', qty: 1 }]): this {
    this.events.push({ type: 'order', seq: ++this.#seq, at, order: { id, number: id.slice(-4), items, status, updatedAt: at } });
    return this;
  }

  footfall(at: number, people: number, sensor = 'door'): this {
    this.events.push({ type: 'footfall', at, footfall: { sensor, in: people, out: people, at } });
    return this;
  }

  machine(at: number, state: Machine['state'], id = 'oven-1'): this {
    this.events.push({ type: 'machine', seq: ++this.#seq, at, machine: { id, kind: 'oven', state, updatedAt: at } });
    return this;
  }

  run(at: number, run: Omit<Run, 'updatedAt'>): this {
    this.events.push({ type: 'run', seq: ++this.#seq, at, run: { ...run, updatedAt: at } });
    return this;
  }

  sale(at: number, sale: Omit<Sale, 'source'>): this {
    this.events.push({ type: 'sale', at, sale: { source: 'till', ...sale } });
    return this;
  }

  social(at: number, social: Omit<SocialEntry, 'at'>): this {
    this.events.push({ type: 'social', at, social: { ...social, at } });
    return this;
  }

  highlight(at: number, id: string): this {
    this.events.push({
      type: 'highlight',
      at,
      highlight: { id, at, firedAt: at, cause: 'staff', orders: [], scene: null, file: `${id}.mp4`, durationSeconds: 20, thumbnail: false },
    });
    return this;
  }

  /** Appends everything, oldest first (as a store logs it), to an embedded log in `dataDir`. */
  async writeTo(dataDir: string): Promise<FileEventLog> {
    const log = new FileEventLog(dataDir, pino({ level: 'silent' }), 3_650);
    const sorted = [...this.events].sort((a, b) => a.at - b.at);
    for (const e of sorted) await log.append(e);
    return log;
  }
}
