import { EventEmitter } from 'node:events';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { Order } from '../../../shared/schemas/order.js';
import type { Logger } from '../../log.js';
import { ClientLedger } from '../client-allowance.js';
import { StockJournal, type JournalLine } from './stock-journal.js';
import { FIRST_NUMBER, type PlaceOutcome, type Placement, type StockListener, type StockStore } from '../stock-store.js';
import { parseJson } from '../../../shared/parse-json.js';

const ATTEMPT_TTL_MS = 86_400_000;
/** The journal is folded into what is still needed when it holds this many steps beyond it (and at start). */
const COMPACT_MIN_LINES = 10_000;

/** The whole-file format of earlier versions (`kiosk.json`), read once and folded into the journal. */
const Legacy = z.object({
  day: z.string(),
  sold: z.record(z.string(), z.number().int()),
  next: z.number().int(),
  attempts: z.array(z.object({ key: z.string(), at: z.number(), order: Order })),
});

interface DayState {
  day: string;
  sold: Record<string, number>;
  next: number;
}

/**
 * The kiosk's counts on local disk, for the embedded hub: one process, so each
 * call is atomic by construction. Each step is one line appended to a journal
 * and synced before the answer goes out, so a crash never forgets a sale or an
 * attempt's number, and an order costs the same whatever the day has sold.
 */
export class EmbeddedStockStore implements StockStore {
  #journal: StockJournal;
  #legacyFile: string;
  #log: Logger;
  #state: DayState = { day: '', sold: {}, next: FIRST_NUMBER };
  #attempts = new Map<string, { at: number; order: Order }>();
  /** In memory only: a restart takes seconds, and forgetting the last minutes' takings then costs little. */
  #clients = new ClientLedger();
  #events = new EventEmitter<{ sold: [day: string, sold: Record<string, number>] }>();
  #now: () => number;

  constructor(dataDir: string, log: Logger, now: () => number = Date.now) {
    this.#journal = new StockJournal(path.join(dataDir, 'kiosk.journal'), log);
    this.#legacyFile = path.join(dataDir, 'kiosk.json');
    this.#log = log;
    this.#now = now;
  }

  start(listener: StockListener): Promise<void> {
    mkdirSync(path.dirname(this.#legacyFile), { recursive: true });
    this.#readLegacy();
    for (const line of this.#journal.read()) this.#replay(line);
    this.#compact();
    rmSync(this.#legacyFile, { force: true });
    this.#events.on('sold', listener);
    return Promise.resolve();
  }

  place(p: Placement): Promise<PlaceOutcome> {
    const seen = this.#attempts.get(p.key);
    if (seen && seen.at >= this.#now() - ATTEMPT_TTL_MS) return Promise.resolve({ kind: 'repeat', order: seen.order });
    if (p.refuseNew) return Promise.resolve({ kind: 'board_full' });
    this.#roll(p.day);
    const sold = this.#state.sold[p.sku] ?? 0;
    if (sold + p.qty > p.limit) return Promise.resolve({ kind: 'sold_out', left: Math.max(0, p.limit - sold) });
    const refused = this.#clients.refusal(p.client, p.at, p.sku, p.qty, p.allowance);
    if (refused) return Promise.resolve({ kind: 'limited', ...refused });
    const taken = new Set(p.taken);
    let n = this.#state.next;
    while (taken.has(n)) n++;
    const order = Order.parse(JSON.parse(p.template.replaceAll(p.slot, String(n))));
    const line: JournalLine = { t: 'place', day: p.day, sku: p.sku, sold: sold + p.qty, next: n + 1, key: p.key, at: this.#now(), order };
    this.#journal.append(line);
    this.#replay(line);
    this.#clients.record(p.client, { at: p.at, sku: p.sku, qty: p.qty });
    if (this.#journal.appended >= Math.max(COMPACT_MIN_LINES, 2 * this.#attempts.size)) this.#compact();
    this.#events.emit('sold', p.day, { [p.sku]: line.sold });
    return Promise.resolve({ kind: 'placed', order });
  }

  /** Nothing to seed: this process is the store, and what it knows is on its own disk. */
  open(): Promise<void> {
    return Promise.resolve();
  }

  adjust(day: string, sku: string, delta: number): Promise<void> {
    this.#roll(day);
    const line: JournalLine = { t: 'adjust', day, sku, sold: Math.max(0, (this.#state.sold[sku] ?? 0) + delta) };
    this.#journal.append(line);
    this.#replay(line);
    this.#events.emit('sold', day, { [sku]: line.sold });
    return Promise.resolve();
  }

  sold(day: string): Promise<Record<string, number>> {
    return Promise.resolve(this.#state.day === day ? { ...this.#state.sold } : {});
  }

  lastNumber(day: string): Promise<number> {
    return Promise.resolve(this.#state.day === day && this.#state.next > FIRST_NUMBER ? this.#state.next - 1 : 0);
  }

  close(): Promise<void> {
    this.#events.removeAllListeners();
    this.#journal.close();
    return Promise.resolve();
  }

  #replay(line: JournalLine): void {
    switch (line.t) {
      case 'state':
        this.#state = { day: line.day, sold: { ...line.sold }, next: line.next };
        break;
      case 'attempt':
        this.#attempts.set(line.key, { at: line.at, order: line.order });
        break;
      case 'place':
        this.#roll(line.day);
        this.#state.sold[line.sku] = line.sold;
        this.#state.next = line.next;
        this.#attempts.set(line.key, { at: line.at, order: line.order });
        break;
      case 'adjust':
        this.#roll(line.day);
        this.#state.sold[line.sku] = line.sold;
        break;
    }
  }

  /** A new day starts with nothing sold and numbers from the top. */
  #roll(day: string): void {
    if (this.#state.day === day) return;
    this.#state = { day, sold: {}, next: FIRST_NUMBER };
  }

  /** Rewrites the journal as the day's counts and the attempts still remembered; rare, so its cost is spread thin. */
  #compact(): void {
    const cutoff = this.#now() - ATTEMPT_TTL_MS;
    for (const [key, a] of this.#attempts) if (a.at < cutoff) this.#attempts.delete(key);
    const lines: JournalLine[] = [{ t: 'state', ...this.#state }];
    for (const [key, a] of this.#attempts) lines.push({ t: 'attempt', key, at: a.at, order: a.order });
    this.#journal.rewrite(lines);
  }

  #readLegacy(): void {
    let raw: string;
    try {
      raw = readFileSync(this.#legacyFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.#log.error({ err, file: this.#legacyFile }, 'kiosk state file unreadable; starting the day afresh');
      return;
    }
    const legacy = parseJson(Legacy, raw);
    if (!legacy) return void this.#log.error({ file: this.#legacyFile }, 'kiosk state file unreadable; starting the day afresh');
    const { day, sold, next, attempts } = legacy;
    this.#replay({ t: 'state', day, sold, next });
    for (const a of attempts) this.#replay({ t: 'attempt', ...a });
  }
}
