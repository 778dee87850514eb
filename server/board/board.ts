import { EventEmitter } from 'node:events';
import { BoardMirror } from '../../shared/board-mirror.js';
import type { BoardChange, ReadingsUpdate, Scene, Snapshot } from '../../shared/schemas/board.js';
import type { Machine } from '../../shared/schemas/machine.js';
import type { Order, OrderStatus } from '../../shared/schemas/order.js';
import type { Run, RunStatus } from '../../shared/schemas/run.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { BoardStore, StoredChange, WriteResult } from '../state/board-store.js';

export interface BoardOptions {
  readyTimeoutMs: number;
  /** A queued or in-production order with no change for this long leaves the board as expired (`board.staleOrderHours`). */
  staleMs?: { queued: number; in_production: number };
  sweepIntervalMs: number;
  /** How often the store's epoch is looked at: a store that lost its data is noticed within this, writes or not. */
  epochCheckMs?: number;
  now?: () => number;
}

interface BoardEventMap {
  /** One change, in seq order, exactly once. */
  change: [change: BoardChange];
  /** The board was reloaded from the store: screens must take this snapshot whole. */
  reset: [snapshot: Snapshot];
  /** Telemetry: a machine's newer readings, outside the seq order. */
  readings: [update: ReadingsUpdate];
  /** The store lost its data and started a new epoch (after `reset`): what else was kept in it must be looked at again. */
  epoch: [epoch: string];
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
  #sweeping = false;
  #snap: Snapshot | undefined;
  /** A reload may bring the same seq with another board (a store that was reset), and readings change it without a seq. */
  #snapStale = true;
  #epoch: string | undefined;
  #epochWatch: NodeJS.Timeout | undefined;
  /** The store's seq at the last look (the epoch watch's), to tell a missed change from one in flight. */
  #storeSeqSeen: number | undefined;
  #mirrorSeqSeen: number | undefined;

  constructor(store: BoardStore, log: Logger, metrics: Metrics, opts: BoardOptions) {
    this.#store = store;
    this.#log = log;
    this.#metrics = metrics;
    this.#opts = { now: Date.now, epochCheckMs: 1_000, staleMs: { queued: Infinity, in_production: Infinity }, ...opts };
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
    this.#epochWatch = setInterval(() => void this.#checkEpoch(), this.#opts.epochCheckMs);
    this.#epochWatch.unref();
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

  /** The orders on the board, in no order: for a look through them without building a snapshot. */
  orders(): Iterable<Order> {
    return this.#mirror.orders.values();
  }

  /** An order on the board as this hub sees it now (queued, in production or ready). */
  activeOrder(id: string): Order | undefined {
    return this.#mirror.orders.get(id);
  }

  /** A machine as this hub sees it now (its newest readings included), if the board holds it. */
  machine(id: string): Machine | undefined {
    return this.#mirror.machines.get(id);
  }

  /** Orders on the board now (queued, in production, ready). */
  get activeOrders(): number {
    return this.#mirror.orders.size;
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

  /** With `expected`: only while the order is still in that status, atomically in the store (see BoardStore). */
  upsertOrder(order: Order, expected?: OrderStatus): Promise<WriteResult> {
    return this.#store.upsertOrder(order, expected);
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

  /** The production runs on the board (planned, loading, running), in no order. */
  runs(): Iterable<Run> {
    return this.#mirror.runs.values();
  }

  /** With `expected`: only while the run is in one of those statuses, atomically in the store. */
  upsertRun(run: Run, expected?: readonly RunStatus[]): Promise<WriteResult> {
    return this.#store.upsertRun(run, expected);
  }

  /** The latest record of a run, done and cancelled ones included, from the store. */
  run(id: string): Promise<Run | undefined> {
    return this.#store.run(id);
  }

  healthy(timeoutMs: number): Promise<boolean> {
    return this.#store.healthy(timeoutMs);
  }

  /**
   * Takes orders that sat too long off the board: ready ones past the ready time-out, queued and in-production
   * ones past `staleMs` (leftovers of an earlier day). Any hub may do it; the store makes it happen once.
   * Runs every `sweepIntervalMs`, not per change.
   */
  async sweep(): Promise<void> {
    // One at a time: a sweep of thousands of leftovers (the first day after an upgrade) outlasts the interval.
    if (this.#sweeping) return;
    this.#sweeping = true;
    const now = this.#opts.now();
    const { readyTimeoutMs, staleMs } = this.#opts;
    const stale: Order[] = [];
    try {
      for (const order of [...this.#mirror.orders.values()]) {
        const limit =
          order.status === 'ready' ? readyTimeoutMs : order.status === 'queued' || order.status === 'in_production' ? staleMs[order.status] : Infinity;
        if (now - order.updatedAt < limit) continue;
        const result = await this.#store.expireOrder(order);
        if (result.applied && order.status !== 'ready') {
          this.#metrics.staleOrders.inc({ status: order.status });
          stale.push(order);
        }
      }
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'board sweep failed; will retry');
    } finally {
      this.#sweeping = false;
      // One line per sweep, however many left, the first few named.
      if (stale.length > 0) {
        const named = stale.slice(0, 20).map((o) => ({ order: o.id, number: o.number, status: o.status, since: new Date(o.updatedAt).toISOString() }));
        this.#log.warn({ count: stale.length, orders: named }, 'orders left the board: no change for too long (board.staleOrderHours)');
      }
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    clearInterval(this.#sweeper);
    clearInterval(this.#epochWatch);
    this.#events.removeAllListeners();
    await this.#store.close();
  }

  #onFeed(change: StoredChange): void {
    // Before the first load (the feed is subscribed first, so nothing is missed) changes wait for it.
    if (this.#reloading || this.#epoch === undefined) {
      this.#buffered.push(change);
      return;
    }
    if (change.epoch !== this.#epoch) {
      // Its seqs count from where the new store started: compared with ours, they would be taken as seen.
      this.#buffered.push(change);
      void this.#reload(`store epoch changed: have ${this.#epoch ?? 'none'}, got ${change.epoch}`);
      return;
    }
    const outcome = this.#mirror.apply(change);
    if (outcome === 'gap') {
      void this.#reload(`seq gap: have ${this.#mirror.seq}, got ${change.seq}`);
      return;
    }
    if (outcome !== 'applied') return;
    this.#metrics.seq.set(change.seq);
    this.#metrics.activeOrders.set(this.#mirror.orders.size);
    const { at, epoch: _epoch, ...visible } = change;
    this.#emit('change', visible);
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
    this.#emit('readings', update);
  }

  /**
   * Tells every listener, each on its own: one that throws (a bug in one consumer) is logged and must
   * neither keep the others from the change nor make a reload count as failed and loop.
   */
  #emit<K extends keyof BoardEventMap>(event: K, ...args: BoardEventMap[K]): void {
    for (const listener of this.#events.listeners(event)) {
      try {
        (listener as (...a: BoardEventMap[K]) => void)(...args);
      } catch (err) {
        this.#log.error({ err, event }, 'a board listener failed');
      }
    }
  }

  /**
   * Polls the epoch: a store emptied while no change flows would otherwise go unnoticed until the next write. And the
   * seq: a board still behind what the store had at the last look has missed a change of the feed (a pub/sub
   * message dropped on the way, say), and with no change after it nothing else would show the gap.
   */
  async #checkEpoch(): Promise<void> {
    if (this.#reloading || this.#epoch === undefined) return;
    const [epoch, seq] = await Promise.all([this.#store.epoch().catch(() => undefined), this.#store.seq().catch(() => undefined)]);
    if (this.#closed || this.#reloading) return;
    // Lost, not late: behind what the store had a look ago, and not one change further since. A hub slow under load
    // (its feed a second behind) still moves, and must not reload a full board every second and make it worse.
    const behind = this.#storeSeqSeen !== undefined && this.#mirror.seq < this.#storeSeqSeen && this.#mirror.seq === this.#mirrorSeqSeen;
    const seen = this.#storeSeqSeen;
    this.#storeSeqSeen = seq;
    this.#mirrorSeqSeen = this.#mirror.seq;
    // undefined: the store cannot say now (an outage reloads on reconnect); null: it holds no epoch, so no data.
    if (epoch !== undefined && epoch !== this.#epoch) return void this.#reload(`store epoch is now ${epoch ?? 'gone'}, was ${this.#epoch}`);
    // A change in flight takes milliseconds: only one the store had a whole look ago counts as missed.
    if (behind) void this.#reload(`board behind its store: have seq ${this.#mirror.seq}, the store had ${seen}`);
  }

  /** Reloads the board until it succeeds; the old board stays on screens meanwhile. */
  async #reload(why: string, attempt = 0): Promise<void> {
    if (this.#closed || (this.#reloading && attempt === 0)) return;
    this.#reloading = true;
    try {
      const { epoch, ...snapshot } = await this.#store.load();
      const previous = this.#epoch;
      this.#epoch = epoch;
      this.#mirror.load(snapshot);
      this.#metrics.activeOrders.set(this.#mirror.orders.size);
      this.#snapStale = true;
      this.#metrics.resyncs.inc();
      this.#metrics.seq.set(snapshot.seq);
      this.#log.info({ why, seq: snapshot.seq, orders: snapshot.orders.length }, 'board loaded');
      this.#reloading = false;
      this.#emit('reset', this.#mirror.snapshot());
      if (previous !== undefined && previous !== epoch) {
        this.#log.warn({ previous, epoch, seq: snapshot.seq }, 'the store lost its data and started again; board reloaded from it');
        this.#emit('epoch', epoch);
      }
      // Changes of another epoch than the one loaded are either older than the load (dropped) or from a store
      // emptied again while it ran (the feed and the load travel apart): a look at the epoch now tells which.
      const buffered = this.#buffered.filter((c) => c.epoch === epoch);
      const otherEpoch = buffered.length !== this.#buffered.length;
      this.#buffered = [];
      for (const change of buffered) this.#onFeed(change);
      if (otherEpoch) void this.#checkEpoch();
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
