import type { Product } from '../../shared/schemas/catalogue.js';
import type { Order } from '../../shared/schemas/order.js';
import type { Run } from '../../shared/schemas/run.js';
import { dayStart, storeDay, type TimeZone } from '../../shared/store-time.js';
import type { Board } from '../board/board.js';
import type { OrderArrivals } from '../board/order-arrivals.js';
import type { Logger } from '../log.js';
import type { EventLog } from '../state/event-log.js';
import type { Leases } from '../state/leases.js';
import { DemandProfile, readDemandProfile } from './demand-profile.js';
import { plan } from './planner.js';
import { stockKey, type PlanInput, type PlanOptions } from './plan-types.js';
import type { ShelfLedger } from './shelf-ledger.js';
import { closingOn } from './store-hours.js';

const HOUR = 3_600_000;
/** One hub plans for all: the lease is held this long and renewed a third of the way through. */
const LEASE_MS = 15_000;
/** Drift in a planned start that is not worth a write (each write is a change, and each change plans again). */
const DRIFT_MS = 60_000;
/** A demand profile that could not be read is tried again this long after. */
const PROFILE_RETRY_MS = 60_000;

export interface PlanningOptions extends Pick<PlanOptions, 'slackMinutes' | 'promiseMinutes'> {
  hubId: string;
  timeZone?: TimeZone;
  /** `planner.closesAt`, HH:MM on the store's clock. */
  closesAt?: string;
  /** `planner.profileDays`: earlier days of the event log the hour-of-day demand comes from. */
  profileDays: number;
  now?: () => number;
}

/**
 * The planner at work: after every change to the board (never by polling; at most one pass at a time, and one
 * more if changes came meanwhile), and at the one moment the plan says it changes by itself (`wakeAt`). Orders
 * whose units are on the shelf are made ready at once; the rest go to runs. One hub plans (a lease), the others
 * follow the board; the plan depends only on what the board says, so whichever hub plans, it plans alike.
 */
export class Planning {
  #board: Board;
  #catalogue: readonly Product[];
  #products: ReadonlyMap<string, Product>;
  #leases: Leases;
  #log: Logger;
  #opts: PlanningOptions;
  #now: () => number;
  #ledger: ShelfLedger;
  #arrivals: OrderArrivals;
  #pending = false;
  #running: Promise<void> | undefined;
  #wake: NodeJS.Timeout | undefined;
  #closed = false;
  #leader = false;
  #leaseCheckedAt = -Infinity;
  #events: EventLog;
  /** The hour-of-day demand of earlier days, read again when the store's day turns; empty until the first read. */
  #profile: { day: string; profile: DemandProfile; retryAt?: number } | undefined;
  #profileReading: Promise<void> | undefined;

  /** `ledger`: fed by the caller from the same board before this hears a change, and shared with the kiosk's outlook. */
  constructor(
    board: Board,
    catalogue: readonly Product[],
    deps: { leases: Leases; events: EventLog; ledger: ShelfLedger; arrivals: OrderArrivals; log: Logger },
    opts: PlanningOptions,
  ) {
    const { leases, events, log } = deps;
    this.#board = board;
    this.#events = events;
    this.#catalogue = catalogue;
    this.#products = new Map(catalogue.map((p) => [p.sku, p]));
    this.#leases = leases;
    this.#log = log;
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#ledger = deps.ledger;
    this.#arrivals = deps.arrivals;
  }

  start(): void {
    this.#board.on('change', (change) => {
      if (change.type !== 'scene') this.#soon();
    });
    // An order's arrival set earlier by the store (before a restart, by another hub) moves it up the queue.
    this.#arrivals.onMoved(() => this.#soon());
    this.#soon();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#wake);
    await this.#running;
    await this.#profileReading;
  }

  #soon(): void {
    if (this.#closed) return;
    this.#pending = true;
    if (this.#running) return;
    this.#running = (async () => {
      while (this.#pending && !this.#closed) {
        this.#pending = false;
        await this.#pass().catch((err: unknown) => this.#log.warn({ err }, 'planning pass failed; the next change tries again'));
      }
      this.#running = undefined;
    })();
  }

  async #pass(): Promise<void> {
    const now = this.#now();
    if (!(await this.#holdsLease(now))) return;
    await this.#serveFromShelf(now);
    const result = plan(this.#input(now));
    const held = new Map([...this.#board.runs()].map((r) => [r.id, r]));
    for (const run of result.runs) {
      const before = held.get(run.id);
      if (before && onlyDrifted(before, run)) continue;
      // An existing run is changed only while still planned: a run loaded meanwhile is staff's.
      const next = { ...run, updatedAt: Math.max(run.updatedAt, now, (before?.updatedAt ?? 0) + 1) };
      const written = await this.#board.upsertRun(next, before ? ['planned'] : undefined);
      if (!written.applied && written.reason !== 'run_moved') this.#log.debug({ run: run.id, reason: written.reason }, 'plan not written');
    }
    clearTimeout(this.#wake);
    if (result.wakeAt !== undefined) this.#wake = setTimeout(() => this.#soon(), Math.max(0, result.wakeAt - this.#now()));
  }

  /** A waiting order of `batch` SKUs whose units are on the shelf is ready at once: nothing to make. */
  async #serveFromShelf(now: number): Promise<void> {
    const allocated = new Set([...this.#board.runs()].flatMap((r) => r.allocations.map((a) => a.orderId)));
    const shelf = this.#ledger.shelf(this.#today(now));
    if (shelf.size === 0) return;
    for (const order of [...this.#board.orders()]) {
      if ((order.status !== 'queued' && order.status !== 'in_production') || allocated.has(order.id)) continue;
      if (!this.#ledger.take(order, shelf)) continue;
      const ready: Order = { ...order, status: 'ready', updatedAt: Math.max(now, order.updatedAt + 1) };
      await this.#board.upsertOrder(ready, order.status);
    }
  }

  #input(now: number): PlanInput {
    const today = this.#today(now);
    const profile = this.#profileFor(now);
    const closesAt = this.#opts.closesAt === undefined ? undefined : closingOn(now, this.#opts.closesAt, this.#opts.timeZone);
    return {
      now,
      catalogue: this.#catalogue,
      machines: this.#board.snapshot().machines.map((m) => ({ id: m.id, kind: m.kind, state: m.state })),
      orders: [...this.#board.orders()].map((order) => ({ order, arrivedAt: this.#arrivals.arrivedAt(order.id) })),
      runs: [...this.#board.runs(), ...this.#ledger.doneSince(today)],
      madeToday: this.#ledger.madeSince(today),
      onShelf: this.#ledger.shelf(today),
      demandLastHour: this.#demandSince(now - HOUR),
      ...(profile.days > 0 && {
        demandProfile: profile.expectedAll(now, now + HOUR),
        ...(closesAt !== undefined && { demandToClose: profile.expectedAll(now, Math.max(now, closesAt)) }),
      }),
      options: { slackMinutes: this.#opts.slackMinutes, promiseMinutes: this.#opts.promiseMinutes, ...(closesAt !== undefined && { closesAt }) },
    };
  }

  /**
   * Today's profile if read, else the last one (or none) while today's is read in the background: a pass never
   * waits for a week of the event log, and plans again once the profile is in.
   */
  #profileFor(now: number): DemandProfile {
    const day = storeDay(now, this.#opts.timeZone);
    const stale = this.#profile?.day !== day || (this.#profile.retryAt ?? Infinity) <= now;
    if (stale && !this.#profileReading && this.#opts.profileDays > 0) {
      const products = this.#products;
      this.#profileReading = readDemandProfile(this.#events, products, { now, days: this.#opts.profileDays, timeZone: this.#opts.timeZone })
        .then((profile) => {
          this.#profile = { day, profile };
          this.#log.info({ day, days: profile.days }, 'demand profile read from the event log');
          this.#soon();
        })
        .catch((err: unknown) => {
          // Tried again by the first pass a minute on: meanwhile the last profile (or the last hour's rate) plans.
          this.#log.warn({ err }, 'could not read the demand profile; planning on the last hour alone');
          this.#profile = { day, profile: this.#profile?.profile ?? DemandProfile.empty(this.#opts.timeZone), retryAt: now + PROFILE_RETRY_MS };
        })
        .finally(() => (this.#profileReading = undefined));
    }
    return this.#profile?.profile ?? DemandProfile.empty(this.#opts.timeZone);
  }

  /** Units ordered since `from`, per stock key, by the orders' arrival. */
  #demandSince(from: number): Map<string, number> {
    const demand = new Map<string, number>();
    for (const order of this.#board.orders()) {
      if (this.#arrivals.arrivedAt(order.id) < from) continue;
      for (const item of order.items) {
        if (!this.#products.has(item.sku)) continue;
        const key = stockKey(item.sku, item.variant);
        demand.set(key, (demand.get(key) ?? 0) + item.qty);
      }
    }
    return demand;
  }

  #today(now: number): number {
    return dayStart(now, this.#opts.timeZone);
  }

  async #holdsLease(now: number): Promise<boolean> {
    if (now - this.#leaseCheckedAt < LEASE_MS / 3) return this.#leader;
    this.#leaseCheckedAt = now;
    try {
      this.#leader = await this.#leases.hold('planner:leader', this.#opts.hubId, LEASE_MS);
    } catch {
      this.#leader = false;
    }
    return this.#leader;
  }
}

/**
 * A planned run whose machine is free starts "now", which moves with every pass: a start that only slid a little,
 * with nothing else changed, is left as it is, or every pass would write, and every write would plan again.
 */
function onlyDrifted(before: Run, after: Run): boolean {
  if (Math.abs(before.plannedStart - after.plannedStart) >= DRIFT_MS) return false;
  return canonical(before) === canonical(after);
}

/** A run's fields but its planned start and write time, in one key order whatever order they came in. */
function canonical(run: Run): string {
  const { plannedStart: _p, updatedAt: _u, ...rest } = run;
  return JSON.stringify(Object.fromEntries(Object.entries(rest).sort(([x], [y]) => (x < y ? -1 : 1))));
}
