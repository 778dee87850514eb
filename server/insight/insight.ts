import { Gauge } from 'prom-client';
import type { BoardChange } from '../../shared/schemas/board.js';
import type { LoggedEvent } from '../../shared/schemas/event-log.js';
import type { FigurePoint, ProductionFigures } from '../../shared/schemas/insight.js';
import type { Board } from '../board/board.js';
import type { EventLog } from '../events/event-log.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { Figures, type WaitEstimate } from './figures.js';
import { dayStart, type TimeZone } from '../../shared/store-time.js';

const SERIES_EVERY_MS = 60_000;
const SERIES_KEPT = 180;

/**
 * Keeps the production figures live: replays today's events from the log at
 * start (so a restart keeps the day's figures, and every hub agrees), then
 * follows the board. Serves them to the console (with a short history for
 * its charts), to /metrics, and the ETAs to /track.
 */
export class Insight {
  #board: Board;
  #events: EventLog;
  #log: Logger;
  #now: () => number;
  #figures: Figures;
  #cached: ProductionFigures | undefined;
  #series: FigurePoint[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(board: Board, events: EventLog, log: Logger, metrics: Metrics, now: () => number = Date.now, timeZone?: TimeZone) {
    this.#figures = new Figures(timeZone);
    this.#board = board;
    this.#events = events;
    this.#log = log;
    this.#now = now;
    this.#registerMetrics(metrics);
  }

  async start(): Promise<void> {
    const buffered: BoardChange[] = [];
    let replaying = true;
    this.#board.on('change', (change) => {
      if (replaying) buffered.push(change);
      else this.#observe(change);
    });
    const now = this.#now();
    let replayed = 0;
    try {
      // From an hour before midnight, so "the last hour" is right just after midnight too.
      for await (const page of this.#events.pages(dayStart(now, this.#figures.timeZone) - 3_600_000, now)) {
        for (const e of page) if (e.type === 'order' || e.type === 'machine') this.#observe(e);
        replayed += page.length;
      }
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'could not replay today from the event log; figures start from now');
    }
    replaying = false;
    for (const change of buffered) this.#observe(change);
    this.#log.info({ replayed }, 'production figures loaded');
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), SERIES_EVERY_MS);
    this.#timer.unref();
  }

  figures(): ProductionFigures {
    const now = this.#now();
    if (!this.#cached || now - this.#cached.at >= 1_000) this.#cached = this.#figures.compute(now, this.#board.snapshot().orders);
    return this.#cached;
  }

  series(): FigurePoint[] {
    return [...this.#series, this.#point(this.figures())];
  }

  /** The order's wait now: see `Figures.estimate`. */
  estimate(orderId: string): WaitEstimate | null {
    return this.#figures.estimate(orderId, this.#now(), this.#board.snapshot().orders);
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #observe(e: BoardChange | LoggedEvent): void {
    this.#cached = undefined;
    if (e.type === 'order') this.#figures.observeOrder(e.order);
    else if (e.type === 'machine') this.#figures.observeMachine(e.machine);
  }

  #point(f: ProductionFigures): FigurePoint {
    return { at: f.at, queue: f.queue.length, p50: f.orderToReady.lastHour.p50, readyLastHour: f.throughput.readyLastHour };
  }

  #sample(): void {
    this.#series.push(this.#point(this.figures()));
    if (this.#series.length > SERIES_KEPT) this.#series.shift();
  }

  #registerMetrics(metrics: Metrics): void {
    const registers = [metrics.registry];
    const insight = () => this.figures();
    new Gauge({
      name: 'batchboard_order_to_ready_seconds',
      help: 'Order to ready, nearest-rank quantiles, for today and the last hour',
      labelNames: ['window', 'quantile'] as const,
      registers,
      collect() {
        const f = insight().orderToReady;
        for (const [window, s] of [
          ['today', f.today],
          ['hour', f.lastHour],
        ] as const) {
          if (s.p50 !== null) this.set({ window, quantile: '0.5' }, s.p50);
          if (s.p90 !== null) this.set({ window, quantile: '0.9' }, s.p90);
        }
      },
    });
    new Gauge({
      name: 'batchboard_queue_length',
      help: 'Orders queued or in production',
      registers,
      collect() {
        this.set(insight().queue.length);
      },
    });
    new Gauge({
      name: 'batchboard_oldest_waiting_order_seconds',
      help: 'Age of the oldest order queued or in production (0 when none)',
      registers,
      collect() {
        this.set(insight().queue.oldestAgeSeconds ?? 0);
      },
    });
    new Gauge({
      name: 'batchboard_ready_last_hour',
      help: 'Orders that turned ready in the last hour, by product (sku) and in all',
      labelNames: ['sku'] as const,
      registers,
      collect() {
        const t = insight().throughput;
        this.reset();
        this.set({ sku: 'all' }, t.readyLastHour);
        for (const [sku, n] of Object.entries(t.bySkuLastHour)) this.set({ sku }, n);
      },
    });
    new Gauge({
      name: 'batchboard_same_day_pickup_ratio',
      help: 'Of the orders ready today, the share picked up today',
      registers,
      collect() {
        const r = insight().pickup.rate;
        if (r !== null) this.set(r);
      },
    });
    new Gauge({
      name: 'batchboard_machine_utilisation_ratio',
      help: 'Share of today (since the machine first reported) spent running',
      labelNames: ['machine'] as const,
      registers,
      collect() {
        for (const [machine, m] of Object.entries(insight().machines)) if (m.utilisation !== null) this.set({ machine }, m.utilisation);
      },
    });
    new Gauge({
      name: 'batchboard_machine_fault_seconds',
      help: 'Time in fault today',
      labelNames: ['machine'] as const,
      registers,
      collect() {
        for (const [machine, m] of Object.entries(insight().machines)) this.set({ machine }, m.faultSeconds);
      },
    });
  }
}
