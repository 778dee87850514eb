import { EventEmitter } from 'node:events';
import { BoardMirror } from '../../shared/board-mirror.js';
import type { BoardChange, ReadingsUpdate, Scene, Snapshot } from '../../shared/schemas/board.js';
import type { Machine } from '../../shared/schemas/machine.js';
import type { Order } from '../../shared/schemas/order.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { BoardStore, StoredChange, WriteResult } from './store.js';

export interface BoardOptions {
  readyTimeoutMs: number;
  sweepIntervalMs: number;
  now?: () => number;
}

interface BoardEventMap {
  /** One change, in seq order, exactly once. */
  change: [change: BoardChange];
  /** The board was reloaded from the store: screens must take this snapshot whole. */
  reset: [snapshot: Snapshot];
  /** Telemetry: a machine's newer readings, outside the seq order. */
  readings: [update: ReadingsUpdate];
}

/**
 * The board as this hub sees it: writes go to the store; the hub's view
 * follows the store's feed (its own writes included), so every hub holds the
 * same board at the same seq. Knows nothing of sockets, HTTP or OBS.
 */
export class Board {
  #store: BoardStore;
  #log: Logger;
  #metrics: Metrics;
  #opts: Required<BoardOptions>;
  #mirror = new BoardMirror();
  #events = new EventEmitter<BoardEventMap>();
  #reloading = false;
  #buffered: StoredChange[] = [];
  /** Newest per machine: readings are latest-wins, so a long reload holds one each, not a backlog. */
  #bufferedReadings = new Map<string, ReadingsUpdate>();
  #retry: NodeJS.Timeout | undefined;
  #sweeper: NodeJS.Timeout | undefined;
  #closed = false;
  #snap: Snapshot | undefined;
  /** A reload may bring the same seq with another board (a store that was reset), and readings change it without a seq. */
  #snapStale = true;

  constructor(store: BoardStore, log: Logger, metrics: Metrics, opts: BoardOptions) {
    this.#store = store;
    this.#log = log;
    this.#metrics = metrics;
    this.#opts = { now: Date.now, ...opts };
  }

  async start(): Promise<void> {
    await this.#store.start({
      change: (c) => this.#onFeed(c),
      readings: (u) => this.#onReadings(u),
      reset: () => void this.#reload('feed reconnected'),
    });
    await this.#reload('start');
    this.#sweeper = setInterval(() => void this.sweep(), this.#opts.sweepIntervalMs);
    this.#sweeper.unref();
  }

  on<K extends keyof BoardEventMap>(event: K, listener: (...args: BoardEventMap[K]) => void): void {
    this.#events.on(event, listener as never);
  }

  get loaded(): boolean {
    return this.#mirror.loaded;
  }

  get seq(): number {
    return this.#mirror.seq;
  }

  get storeKind(): BoardStore['kind'] {
    return this.#store.kind;
  }

  /** Built once per seq (and readings update) and shared: a reconnect storm asks for the same board thousands of times. Callers must not mutate it. */
  snapshot(): Snapshot {
    if (this.#snap?.seq !== this.#mirror.seq || this.#snapStale) {
      this.#snap = this.#mirror.snapshot();
      this.#snapStale = false;
    }
    return this.#snap;
  }

  upsertOrder(order: Order): Promise<WriteResult> {
    return this.#store.upsertOrder(order);
  }

  /** The latest record of an order, finished ones included; from the store, which may be ahead of this hub's view. */
  order(id: string): Promise<Order | undefined> {
    return this.#store.order(id);
  }

  upsertMachine(machine: Machine): Promise<WriteResult> {
    return this.#store.upsertMachine(machine);
  }

  setScene(scene: Scene): Promise<WriteResult> {
    return this.#store.setScene(scene);
  }

  healthy(timeoutMs: number): Promise<boolean> {
    return this.#store.healthy(timeoutMs);
  }

  /** Takes ready orders past the ready time-out off the board. Any hub may do it; the store makes it happen once. */
  async sweep(): Promise<void> {
    const cutoff = this.#opts.now() - this.#opts.readyTimeoutMs;
    for (const order of this.#mirror.orders.values()) {
      if (order.status !== 'ready' || order.updatedAt > cutoff) continue;
      try {
        await this.#store.expireOrder(order);
      } catch (err) {
        this.#log.warn({ err: (err as Error).message, order: order.id }, 'ready time-out sweep failed; will retry');
        return;
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    clearInterval(this.#sweeper);
    this.#events.removeAllListeners();
    await this.#store.close();
  }

  #onFeed(change: StoredChange): void {
    if (this.#reloading) {
      this.#buffered.push(change);
      return;
    }
    const outcome = this.#mirror.apply(change);
    if (outcome === 'gap') {
      void this.#reload(`seq gap: have ${this.#mirror.seq}, got ${change.seq}`);
      return;
    }
    if (outcome !== 'applied') return;
    this.#metrics.seq.set(change.seq);
    const { at, ...visible } = change;
    this.#events.emit('change', visible);
    this.#metrics.fanoutLatency.observe(Math.max(0, this.#opts.now() - at) / 1000);
  }

  #onReadings(update: ReadingsUpdate): void {
    // Held like changes during a reload: the board being loaded may predate them, and would wipe them.
    if (this.#reloading) {
      const held = this.#bufferedReadings.get(update.id);
      if (!held || held.updatedAt < update.updatedAt) this.#bufferedReadings.set(update.id, update);
      return;
    }
    if (!this.#mirror.applyReadings(update)) return;
    this.#snapStale = true;
    this.#events.emit('readings', update);
  }

  /** Reloads the board until it succeeds; the old board stays on screens meanwhile. */
  async #reload(why: string, attempt = 0): Promise<void> {
    if (this.#closed || (this.#reloading && attempt === 0)) return;
    this.#reloading = true;
    try {
      const snapshot = await this.#store.load();
      this.#mirror.load(snapshot);
      this.#snapStale = true;
      this.#metrics.resyncs.inc();
      this.#metrics.seq.set(snapshot.seq);
      this.#log.info({ why, seq: snapshot.seq, orders: snapshot.orders.length }, 'board loaded');
      this.#reloading = false;
      this.#events.emit('reset', this.#mirror.snapshot());
      const buffered = this.#buffered;
      this.#buffered = [];
      for (const change of buffered) this.#onFeed(change);
      // Latest-wins: what the loaded board already holds is refused, what is newer is taken and sent on.
      const readings = [...this.#bufferedReadings.values()];
      this.#bufferedReadings.clear();
      for (const update of readings) this.#onReadings(update);
    } catch (err) {
      const delay = Math.min(200 * 2 ** attempt, 5_000);
      this.#log.warn({ why, err: (err as Error).message, retryInMs: delay }, 'board reload failed');
      await new Promise<void>((resolve) => {
        this.#retry = setTimeout(resolve, delay);
      });
      return this.#reload(why, attempt + 1);
    }
  }
}
