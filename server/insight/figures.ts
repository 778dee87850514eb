import type { Machine } from '../../shared/schemas/machine.js';
import type { Order, OrderStatus } from '../../shared/schemas/order.js';
import type { MachineFigures, ProductionFigures, Spread } from '../../shared/schemas/insight.js';
import { dayStart, type TimeZone } from '../../shared/store-time.js';

const HOUR = 3_600_000;
/** Finished orders and machine history are kept this long, for "today" and "the last hour" and no more. */
const KEEP_MS = 36 * HOUR;

interface OrderTrack {
  firstAt: number;
  firstStatus: OrderStatus;
  readyAt?: number;
  pickedAt?: number;
  skus: string[];
}

export interface WaitEstimate {
  /** The wait from now, rounded up to whole minutes, at least 1. */
  etaMinutes: number;
  /** When the order should turn ready, ms since the epoch. */
  readyBy: number;
}

interface MachineTrack {
  name: string;
  firstAt: number;
  /** State changes, oldest first: the state holds from `at` until the next one. */
  changes: { state: Machine['state']; at: number }[];
}

/** Nearest rank: the smallest value with at least q of the values at or below it. */
export function nearestRank(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50: nearestRank(sorted, 0.5), p90: nearestRank(sorted, 0.9) };
}

/**
 * Production figures from the events the hub already sees, timed by the
 * events' own `updatedAt` (the producer's clock: when it happened on the
 * floor), so a replayed day gives the same figures as the live one.
 *
 * - order to ready: from the first event of an order (if it was queued or in
 *   production) to its first `ready`;
 * - throughput: orders turning ready, in the last hour and per hour today;
 * - same-day pickup: of the orders ready today, the share picked up today;
 * - utilisation: of the part of today a machine has been reporting, the share
 *   it spent `running`; time in `fault` likewise.
 */
export class Figures {
  /** "Today" is the store's day, in its zone (`timeZone`), wherever the hub runs. */
  readonly timeZone: TimeZone;
  #orders = new Map<string, OrderTrack>();
  #machines = new Map<string, MachineTrack>();
  #seen = 0;

  constructor(timeZone?: TimeZone) {
    this.timeZone = timeZone;
  }

  observeOrder(order: Order): void {
    let track = this.#orders.get(order.id);
    if (!track) {
      track = { firstAt: order.updatedAt, firstStatus: order.status, skus: [...new Set(order.items.map((i) => i.sku))] };
      this.#orders.set(order.id, track);
    }
    if (order.status === 'ready' && track.readyAt === undefined) track.readyAt = order.updatedAt;
    if (order.status === 'picked_up' && track.pickedAt === undefined) track.pickedAt = order.updatedAt;
    if (++this.#seen % 1_000 === 0) this.#prune(order.updatedAt);
  }

  observeMachine(machine: Machine): void {
    let track = this.#machines.get(machine.id);
    if (!track) {
      track = { name: machine.name ?? machine.id, firstAt: machine.updatedAt, changes: [] };
      this.#machines.set(machine.id, track);
    }
    track.name = machine.name ?? machine.id;
    const last = track.changes.at(-1);
    if (!last || last.state !== machine.state) track.changes.push({ state: machine.state, at: machine.updatedAt });
  }

  /** The figures at `now`, with `active` the orders on the board now (for the queue). */
  compute(now: number, active: readonly Order[]): Omit<ProductionFigures, 'runs' | 'sourceToPainted'> {
    const today = dayStart(now, this.timeZone);
    const hourAgo = now - HOUR;
    const durToday: number[] = [];
    const durHour: number[] = [];
    const bySku: Record<string, number> = {};
    let readyToday = 0;
    let readyHour = 0;
    let picked = 0;
    let firstToday = Infinity;
    for (const t of this.#orders.values()) {
      if (t.firstAt >= today) firstToday = Math.min(firstToday, t.firstAt);
      if (t.readyAt === undefined || t.readyAt > now) continue;
      const measured = t.firstStatus === 'queued' || t.firstStatus === 'in_production';
      const seconds = (t.readyAt - t.firstAt) / 1000;
      if (t.readyAt >= today) {
        readyToday++;
        if (measured) durToday.push(seconds);
        if (t.pickedAt !== undefined && t.pickedAt >= today && t.pickedAt <= now) picked++;
      }
      if (t.readyAt >= hourAgo) {
        readyHour++;
        if (measured) durHour.push(seconds);
        for (const sku of t.skus) bySku[sku] = (bySku[sku] ?? 0) + 1;
      }
    }
    const waiting = active.filter((o) => o.status === 'queued' || o.status === 'in_production');
    const oldest = waiting.reduce((min, o) => Math.min(min, this.#orders.get(o.id)?.firstAt ?? o.updatedAt), Infinity);
    const hoursToday = (now - firstToday) / HOUR;
    const machines: Record<string, MachineFigures> = {};
    for (const [id, m] of this.#machines) machines[id] = this.#machine(m, today, now);
    return {
      at: now,
      timeZone: this.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
      orderToReady: { today: spread(durToday), lastHour: spread(durHour) },
      queue: { length: waiting.length, oldestAgeSeconds: waiting.length > 0 ? Math.max(0, (now - oldest) / 1000) : null },
      throughput: {
        readyLastHour: readyHour,
        readyToday,
        perHourToday: Number.isFinite(hoursToday) && hoursToday >= 1 / 60 ? readyToday / hoursToday : null,
        bySkuLastHour: bySku,
      },
      pickup: { readyToday, pickedUpToday: picked, rate: readyToday > 0 ? picked / readyToday : null },
      machines,
    };
  }

  /**
   * An honest wait for a waiting order, recomputed at every call: it counts down as time passes and
   * drops as the queue moves. The pace is the mean gap between the last ten orders that turned ready
   * in the last hour, counting the time since the first of them over one more gap once that is
   * slower (a kitchen that has stopped slows the estimate instead of freezing it). The wait is the
   * order's place in the queue (by arrival) times the pace, less the time already spent since the
   * last order turned ready, but at most half a pace less: when the next one comes is not known.
   * No estimate until two orders have turned ready in the last hour.
   */
  estimate(id: string, now: number, active: readonly Order[]): WaitEstimate | null {
    const queue = active
      .filter((o) => o.status === 'queued' || o.status === 'in_production')
      .map((o) => ({ id: o.id, at: this.#orders.get(o.id)?.firstAt ?? o.updatedAt }))
      .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
    const place = queue.findIndex((q) => q.id === id) + 1;
    if (place === 0) return null;
    const recent = [...this.#orders.values()]
      .flatMap((t) => (t.readyAt !== undefined && t.readyAt >= now - HOUR && t.readyAt <= now ? [t.readyAt] : []))
      .sort((a, b) => a - b)
      .slice(-10);
    if (recent.length < 2) return null;
    const first = recent[0]!;
    const last = recent.at(-1)!;
    const pace = Math.max((last - first) / (recent.length - 1), (now - first) / recent.length);
    const waitMs = place * pace - Math.min(now - last, pace / 2);
    return { etaMinutes: Math.max(1, Math.ceil(waitMs / 60_000)), readyBy: Math.round(now + waitMs) };
  }

  /** The wait in whole minutes (at least 1), or null without a basis: see `estimate`. */
  etaMinutes(id: string, now: number, active: readonly Order[]): number | null {
    return this.estimate(id, now, active)?.etaMinutes ?? null;
  }

  #machine(m: MachineTrack, today: number, now: number): MachineFigures {
    const from = Math.max(today, m.firstAt);
    let running = 0;
    let fault = 0;
    m.changes.forEach((c, i) => {
      const start = Math.max(c.at, from);
      const end = Math.min(m.changes[i + 1]?.at ?? now, now);
      if (end <= start) return;
      if (c.state === 'running') running += end - start;
      if (c.state === 'fault') fault += end - start;
    });
    const observed = Math.max(0, now - from);
    return {
      name: m.name,
      utilisation: observed > 0 ? running / observed : null,
      runningSeconds: running / 1000,
      faultSeconds: fault / 1000,
      observedSeconds: observed / 1000,
    };
  }

  #prune(now: number): void {
    const cutoff = now - KEEP_MS;
    for (const [id, t] of this.#orders) if ((t.pickedAt ?? t.readyAt ?? t.firstAt) < cutoff) this.#orders.delete(id);
    for (const m of this.#machines.values()) {
      // Keep the last change before the cutoff: it says what state the machine was in when the window opens.
      const i = m.changes.findIndex((c) => c.at >= cutoff);
      if (i > 1) m.changes.splice(0, i - 1);
    }
  }
}
