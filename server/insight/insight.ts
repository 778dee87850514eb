import type { BoardChange } from '../../shared/schemas/board.js';
import type { LoggedEvent } from '../../shared/schemas/event-log.js';
import type { FigurePoint, ProductionFigures } from '../../shared/schemas/insight.js';
import type { Board } from '../board/board.js';
import type { EventLog } from '../state/event-log.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { Figures, type WaitEstimate } from './figures.js';
import { SourceLatency } from './source-latency.js';
import { RunEconomics } from './run-economics.js';
import type { Product } from '../../shared/schemas/catalogue.js';
import { registerFigureMetrics } from './figure-metrics.js';
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

  #runs: RunEconomics;
  /** Source stamp to painted screen (issue 18): fed by the doors, the board and the screens' acks. */
  readonly latency: SourceLatency;

  constructor(
    board: Board,
    events: EventLog,
    log: Logger,
    metrics: Metrics,
    opts: { catalogue?: readonly Product[]; now?: () => number; timeZone?: TimeZone } = {},
  ) {
    const now = opts.now ?? Date.now;
    this.#figures = new Figures(opts.timeZone);
    this.#runs = new RunEconomics(opts.catalogue ?? []);
    this.#board = board;
    this.#events = events;
    this.#log = log;
    this.#now = now;
    this.latency = new SourceLatency(metrics, { now, ...(opts.timeZone === undefined ? {} : { timeZone: opts.timeZone }) });
    registerFigureMetrics(metrics, () => this.figures());
  }

  async start(): Promise<void> {
    const buffered: BoardChange[] = [];
    let replaying = true;
    this.#board.on('change', (change) => {
      if (change.type !== 'scene') this.latency.changed(change.seq, stampOf(change));
      if (replaying) buffered.push(change);
      else this.#observe(change);
    });
    const now = this.#now();
    let replayed = 0;
    try {
      // From an hour before midnight, so "the last hour" is right just after midnight too.
      for await (const page of this.#events.pages(dayStart(now, this.#figures.timeZone) - 3_600_000, now)) {
        for (const e of page) if (e.type === 'order' || e.type === 'machine' || e.type === 'run') this.#observe(e);
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
    if (!this.#cached || now - this.#cached.at >= 1_000) {
      const runs = this.#runs.compute(now, dayStart(now, this.#figures.timeZone));
      this.#cached = { ...this.#figures.compute(now, this.#board.snapshot().orders), runs, sourceToPainted: this.latency.today() };
    }
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
    if (e.type === 'order') {
      this.#figures.observeOrder(e.order);
      this.#runs.observeOrder(e.order);
    } else if (e.type === 'machine') this.#figures.observeMachine(e.machine);
    else if (e.type === 'run') this.#runs.observeRun(e.run);
  }

  #point(f: ProductionFigures): FigurePoint {
    return { at: f.at, queue: f.queue.length, p50: f.orderToReady.lastHour.p50, readyLastHour: f.throughput.readyLastHour };
  }

  #sample(): void {
    this.#series.push(this.#point(this.figures()));
    if (this.#series.length > SERIES_KEPT) this.#series.shift();
  }
}

/** When a change's source stamped it. */
function stampOf(change: Exclude<BoardChange, { type: 'scene' }>): number {
  if (change.type === 'order') return change.order.updatedAt;
  if (change.type === 'machine') return change.machine.updatedAt;
  return change.run.updatedAt;
}
