import type { BoardChange } from '../../shared/schemas/board.js';
import { dayStart, type TimeZone } from '../../shared/store-time.js';
import type { Board } from '../board/board.js';
import type { Logger } from '../log.js';
import type { EventLog } from '../state/event-log.js';
import type { ShelfLedger } from './shelf-ledger.js';

/** A run done shortly before midnight whose orders turn ready after it: read from this long before the day starts. */
const READ_BEFORE_DAY_MS = 3_600_000;

function feed(ledger: ShelfLedger, change: BoardChange): void {
  if (change.type === 'order') ledger.observeOrder(change.order);
  else if (change.type === 'run') ledger.observeRun(change.run);
}

/**
 * Keeps the shelf ledger fed from the board, and makes it whole from the event log: at start (a hub restarted at
 * noon still knows the morning's trays: what was made counts against the day, what is on the shelf is served) and
 * after the board reloads (runs that finished while its feed was away are not in the snapshot, which holds only
 * active runs). While the log is read, the board's changes wait and follow, in their order, after the older ones.
 */
export class LedgerFeed {
  #board: Board;
  #ledger: ShelfLedger;
  #events: EventLog;
  #log: Logger;
  #timeZone: TimeZone;
  #waiting: BoardChange[] | undefined;
  #reading: Promise<void> | undefined;
  #again = false;
  #ready = false;
  #closed = false;
  #onRead: (first: boolean) => void;

  constructor(board: Board, ledger: ShelfLedger, deps: { events: EventLog; log: Logger; timeZone: TimeZone; onRead: (first: boolean) => void }) {
    this.#board = board;
    this.#ledger = ledger;
    this.#events = deps.events;
    this.#log = deps.log;
    this.#timeZone = deps.timeZone;
    this.#onRead = deps.onRead;
  }

  /** True once today has been read at least once: until then the ledger knows only what this hub saw. */
  get ready(): boolean {
    return this.#ready;
  }

  /** Starts listening and the first read, without waiting for it: the hub serves meanwhile. */
  start(): void {
    this.#board.on('change', (change) => {
      if (this.#waiting) this.#waiting.push(change);
      else feed(this.#ledger, change);
    });
    this.#board.on('reset', () => this.#read());
    this.#read();
  }

  /** Waits (bounded) for a read under way; nothing is started after. */
  async close(): Promise<void> {
    await this.settled();
    this.#closed = true;
  }

  /** Resolves when no read is under way, or after `maxMs` (a read waiting on a store that is away must not hold a close). */
  async settled(maxMs = 2_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, maxMs)));
    const done = (async () => {
      while (this.#reading) await this.#reading;
    })();
    await Promise.race([done, giveUp]);
    clearTimeout(timer);
  }

  #read(): void {
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#waiting ??= [];
    this.#reading = this.#readToday().finally(() => {
      this.#reading = undefined;
      // A read that ends after the hub closed starts nothing.
      if (this.#closed) return;
      if (this.#again) {
        this.#again = false;
        this.#read();
        return;
      }
      for (const change of this.#waiting ?? []) feed(this.#ledger, change);
      this.#waiting = undefined;
      const first = !this.#ready;
      this.#ready = true;
      this.#onRead(first);
    });
  }

  /**
   * Reads the day into a fresh ledger and swaps it in at the end, so the planner and the kiosk keep the last whole
   * view meanwhile (a pass on a half-read day would see an empty shelf and plan trays for nobody).
   */
  async #readToday(): Promise<void> {
    const from = dayStart(Date.now(), this.#timeZone) - READ_BEFORE_DAY_MS;
    const day = this.#ledger.emptyCopy();
    let read = 0;
    try {
      for await (const page of this.#events.pages(from, Date.now())) {
        for (const e of page) if (e.type === 'order' || e.type === 'run') feed(day, e);
        read += page.length;
      }
      this.#ledger.adopt(day);
      this.#log.info({ events: read }, "today's production read from the event log");
    } catch (err) {
      this.#log.warn({ err, events: read }, "could not read today's production from the event log; the shelf counts from what this hub sees");
    }
  }
}
