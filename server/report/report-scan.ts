import type { Product } from '../../shared/schemas/catalogue.js';
import type { LoggedEvent } from '../../shared/schemas/event-log.js';
import type { Order } from '../../shared/schemas/order.js';
import type { Run } from '../../shared/schemas/run.js';
import type { Sale } from '../../shared/schemas/sale.js';
import type { SocialEntry } from '../../shared/schemas/social.js';
import { RunEconomics } from '../insight/run-economics.js';
import type { RunFigures } from '../../shared/schemas/insight.js';
import { DayCells, SkuNames } from './day-cells.js';
import { HourClock, nextDay } from './hour-clock.js';

const DAY_MS = 86_400_000;
const SLOT_MS = 15 * 60_000;
/**
 * How long the pass remembers an order after its last change: two days once it is picked up or cancelled (the board
 * has let it go by then: a later change of the same id is a new order), a week while it still waits. A sale's basket
 * is remembered a week after its last version (a refund later than that stays counted as sold). Without this a
 * 90-day report held every order and sale of the range (`npm run bench -- report`).
 */
const FORGET_DONE_MS = 2 * DAY_MS;
const FORGET_OPEN_MS = 7 * DAY_MS;
const FORGET_SALE_MS = 7 * DAY_MS;

interface OrderSeen {
  firstAt: number;
  /** Measured for fulfilment: first seen in the range, still waiting (queued or in production), as the console measures. */
  measured: boolean;
  ready: boolean;
  picked: boolean;
  /** The store day it first turned ready on, when that day is in the range (same-day pickup counts it). */
  readyDay: string | undefined;
  /** The last change's time, and whether it ended the order (picked up or cancelled). */
  lastAt: number;
  done: boolean;
}

/** A record that a later one of the same key replaces (a sale's basket, a run's result): where it was counted. */
interface Counted {
  cells: DayCells;
  hour: number;
  units: number;
  /** When the latest version was seen. */
  seenAt: number;
}

/**
 * A post as its reports told it: the latest report's counts, with when it was published and the highlight it was cut
 * from kept once any report said them (a tool that sends only counts later must not unplace the post).
 */
export type PostSeen = SocialEntry;

/**
 * Posts one pass keeps: a store publishes a few a day, so this is years of them; past it a new post is not counted
 * (a tool inventing post ids must not make the report hold without bound what POST /api/social took).
 */
export const MAX_POSTS = 20_000;

/** What one streaming pass over the log keeps: per-hour cells per day, and the few per-record maps a figure needs. */
export class ReportScan {
  readonly days: DayCells[] = [];
  readonly fulfilment = { toReadySeconds: [] as number[], toPickupSeconds: [] as number[] };
  readonly pickup = { ready: 0, picked: 0 };
  readonly runs: RunFigures[] = [];
  readonly shelf = { units: 0, seconds: 0 };
  readonly posts = new Map<string, PostSeen>();
  highlights = 0;
  #byDay = new Map<string, DayCells>();
  #clock: HourClock;
  #from: number;
  #to: number;
  #madeOnSite: ReadonlySet<string>;
  #orders = new Map<string, OrderSeen>();
  #sales = new Map<string, Counted>();
  /** Per sale, the `updatedAt` of the version counted (null: one without it), so an older version never replaces it. */
  #saleVersions = new Map<string, number | null>();
  #made = new Map<string, Counted>();
  /** What is live now (machines running, the stream), and since when any of it has been. */
  #live = new Set<string>();
  #liveSince = 0;
  /** Live time is counted up to here: a stretch reported late (a machine's backlog) never counts an instant twice. */
  #liveCountedTo = 0;
  #skus = new SkuNames();
  #economics: RunEconomics;
  /** Days not yet closed for unit economics (whose pickups may come the next day). */
  #economicsDays: string[];
  #dayEnds = new Map<string, number>();

  constructor(clock: HourClock, from: number, to: number, catalogue: readonly Product[]) {
    this.#clock = clock;
    this.#from = from;
    this.#to = to;
    this.#madeOnSite = new Set(catalogue.map((p) => p.sku));
    this.#economics = new RunEconomics(catalogue);
    const last = clock.of(to).day;
    for (let day = clock.of(from).day; day <= last; day = nextDay(day)) {
      const cells = new DayCells(day);
      this.days.push(cells);
      this.#byDay.set(day, cells);
    }
    this.#economicsDays = this.days.map((d) => d.day);
  }

  /** The cells of the hour `at` falls in, when it is inside the range. */
  #cell(at: number): { cells: DayCells; hour: number } | undefined {
    if (at < this.#from || at > this.#to) return undefined;
    const h = this.#clock.of(at);
    const cells = this.#byDay.get(h.day);
    return cells ? { cells, hour: h.hour } : undefined;
  }

  observe(e: LoggedEvent): void {
    this.#closeDays(e.at);
    switch (e.type) {
      case 'order':
        return this.#order(e.order);
      case 'footfall': {
        const c = this.#cell(e.footfall.at);
        if (c) c.cells.walkIns[c.hour]! += e.footfall.in;
        return;
      }
      case 'sale':
        return this.#sale(e.sale, e.at);
      case 'run':
        return this.#run(e.run);
      case 'machine':
        return this.#source(`machine\n${e.machine.id}`, e.machine.state === 'running', e.machine.updatedAt);
      case 'stream':
        return this.#source('stream', e.stream.live, e.at);
      case 'social':
        return this.#social(e.social);
      case 'highlight':
        if (this.#cell(e.highlight.at)) this.highlights++;
        return;
      default:
        return;
    }
  }

  #order(order: Order): void {
    this.#economics.observeOrder(order);
    let seen = this.#orders.get(order.id);
    if (!seen) {
      const waiting = order.status === 'queued' || order.status === 'in_production';
      seen = {
        firstAt: order.updatedAt,
        measured: waiting && order.updatedAt >= this.#from && order.updatedAt <= this.#to,
        ready: false,
        picked: false,
        readyDay: undefined,
        lastAt: order.updatedAt,
        done: false,
      };
      this.#orders.set(order.id, seen);
      const c = this.#cell(order.updatedAt);
      if (c) {
        c.cells.orders[c.hour]! += 1;
        for (const item of order.items) c.cells.addDemand(this.#skus.of(item.sku), c.hour, item.qty);
      }
    }
    // Time to fulfilment, for orders first seen in the range while still waiting (one first seen ready, or first seen
    // before the range, was not seen from its start).
    const { measured } = seen;
    seen.lastAt = order.updatedAt;
    seen.done = order.status === 'picked_up' || order.status === 'cancelled';
    if (order.status === 'ready' && !seen.ready) {
      seen.ready = true;
      if (measured) this.fulfilment.toReadySeconds.push((order.updatedAt - seen.firstAt) / 1000);
      // Same-day pickup, as the console counts it (server/insight/figures.ts): of the orders that turned ready on a
      // day, those picked up the same day.
      const day = this.#clock.of(order.updatedAt).day;
      if (this.#byDay.has(day)) {
        seen.readyDay = day;
        this.pickup.ready++;
      }
    }
    if (order.status === 'picked_up' && !seen.picked) {
      seen.picked = true;
      if (measured) this.fulfilment.toPickupSeconds.push((order.updatedAt - seen.firstAt) / 1000);
      if (seen.readyDay !== undefined && this.#clock.of(order.updatedAt).day === seen.readyDay) this.pickup.picked++;
    }
  }

  /**
   * A sale's versions by the POS's time, not the log's: a late delivery (Shopify's `orders/create` after the
   * cancelling `orders/updated`) must not undo a newer version. One without `updatedAt` goes by log order, and never
   * replaces one with it (its time is unknown; the stamped one is the POS's word). Equal times: the later logged.
   */
  #sale(sale: Sale, loggedAt: number): void {
    const key = `${sale.source}\n${sale.id}`;
    const held = this.#saleVersions.get(key);
    if (held !== undefined && held !== null && (sale.updatedAt === undefined || sale.updatedAt < held)) return;
    this.#saleVersions.set(key, sale.updatedAt ?? null);
    const units = sale.cancelled ? 0 : sale.items.reduce((n, i) => (this.#madeOnSite.has(i.sku) ? n : n + i.qty), 0);
    this.#replace(this.#sales, key, sale.placedAt ?? loggedAt, units, 'adjacent', loggedAt);
  }

  /** The latest report (by when its counts were read) supersedes, but for what only an earlier one said. */
  #social(report: SocialEntry): void {
    const seen = this.posts.get(report.post);
    if (!seen && this.posts.size >= MAX_POSTS) return;
    const [latest, other] = !seen || seen.at <= report.at ? [report, seen] : [seen, report];
    this.posts.set(report.post, {
      ...latest,
      publishedAt: latest.publishedAt ?? other?.publishedAt,
      highlight: latest.highlight ?? other?.highlight,
    });
  }

  #run(run: Run): void {
    this.#economics.observeRun(run);
    if (run.status === 'done' && run.doneAt !== undefined) this.#replace(this.#made, run.id, run.doneAt, run.produced ?? run.qty, 'made', run.updatedAt);
  }

  /** Counts `units` at `at` for `key`, taking back what an earlier record of the same key counted. */
  #replace(map: Map<string, Counted>, key: string, at: number, units: number, into: 'adjacent' | 'made', seenAt: number): void {
    const before = map.get(key);
    if (before) before.cells[into][before.hour]! -= before.units;
    const c = this.#cell(at);
    if (!c) return void map.delete(key);
    c.cells[into][c.hour]! += units;
    map.set(key, { cells: c.cells, hour: c.hour, units, seenAt });
  }

  /**
   * A machine or the stream going live or not. Production is live while any of them is: the stretch is counted
   * once however many run at once, and a heartbeat of a running machine changes nothing.
   */
  #source(key: string, on: boolean, at: number): void {
    const wasLive = this.#live.size > 0;
    if (on) this.#live.add(key);
    else this.#live.delete(key);
    if (!wasLive && this.#live.size > 0) this.#liveSince = at;
    else if (wasLive && this.#live.size === 0) this.#addLive(this.#liveSince, at);
  }

  /** Spreads a live stretch over the store hours it covers, a quarter hour at a time. */
  #addLive(start: number, end: number): void {
    let t = Math.max(start, this.#from, this.#liveCountedTo);
    const stop = Math.min(end, this.#to + 1);
    this.#liveCountedTo = Math.max(this.#liveCountedTo, stop);
    while (t < stop) {
      const next = Math.min(stop, (Math.floor(t / SLOT_MS) + 1) * SLOT_MS);
      const c = this.#cell(t);
      if (c) c.cells.liveMs[c.hour]! += next - t;
      t = next;
    }
  }

  /** Closes the days that are over by `at` a day after, for economics (their pickups are in by then). */
  #closeDays(at: number): void {
    while (this.#economicsDays.length > 0 && this.#dayEnd(this.#economicsDays[0]!) + DAY_MS < at) {
      this.#closeEconomics(this.#economicsDays.shift()!);
      this.#forget(at);
    }
  }

  /** Lets go of what no later record is expected to change (once a day, as a day closes). */
  #forget(at: number): void {
    for (const [id, o] of this.#orders) if (o.lastAt < at - (o.done ? FORGET_DONE_MS : FORGET_OPEN_MS)) this.#orders.delete(id);
    for (const [key, c] of this.#sales) if (c.seenAt < at - FORGET_SALE_MS) this.#sales.delete(key);
    // With the sale itself (or when it fell outside the range and was never held).
    for (const key of this.#saleVersions.keys()) if (!this.#sales.has(key)) this.#saleVersions.delete(key);
    for (const [key, c] of this.#made) if (c.seenAt < at - FORGET_SALE_MS) this.#made.delete(key);
  }

  /** Remembered: the closing check runs at every event, and finding a zone's midnight takes a search. */
  #dayEnd(day: string): number {
    let end = this.#dayEnds.get(day);
    if (end === undefined) this.#dayEnds.set(day, (end = this.#clock.dayStart(nextDay(day)) - 1));
    return end;
  }

  #closeEconomics(day: string): void {
    const done = this.#economics.doneBetween(Math.max(this.#from, this.#clock.dayStart(day)), Math.min(this.#to, this.#dayEnd(day)));
    this.runs.push(...done.runs);
    this.shelf.units += done.shelf.units;
    this.shelf.seconds += done.shelf.seconds;
  }

  /** After the last page: closes every day still open and counts what is still live up to `now`. */
  finish(now: number): void {
    if (this.#live.size > 0) this.#addLive(this.#liveSince, now);
    for (const day of this.#economicsDays.splice(0)) this.#closeEconomics(day);
  }
}
