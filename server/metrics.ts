import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Door = 'redis_pubsub' | 'redis_stream' | 'rest' | 'kiosk' | 'staff' | 'socket';

/** One registry per hub instance, so tests can run several hubs in one process. */
export class Metrics {
  readonly registry = new Registry();
  readonly screens = new Gauge({ name: 'batchboard_screens_connected', help: 'Screens connected to /board on this hub', registers: [this.registry] });
  readonly eventsIn = new Counter({
    name: 'batchboard_events_in_total',
    help: 'Valid events accepted, by door and kind',
    labelNames: ['door', 'kind'] as const,
    registers: [this.registry],
  });
  readonly rejected = new Counter({
    name: 'batchboard_rejected_total',
    help: 'Inputs refused at a door, by door and reason',
    labelNames: ['door', 'reason'] as const,
    registers: [this.registry],
  });
  readonly fanoutLatency = new Histogram({
    name: 'batchboard_fanout_latency_seconds',
    help: 'From the change being applied in the store to its emission to screens',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly seq = new Gauge({ name: 'batchboard_seq', help: 'Current board sequence number seen by this hub', registers: [this.registry] });
  readonly activeOrders = new Gauge({
    name: 'batchboard_active_orders',
    help: 'Orders on the board (queued, in production, ready) as this hub sees it; new ones past board.maxActiveOrders are refused',
    registers: [this.registry],
  });
  readonly staleOrders = new Counter({
    name: 'batchboard_stale_orders_total',
    help: 'Queued or in-production orders taken off the board after board.staleOrderHours without a change, by status',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  readonly screensDropped = new Counter({
    name: 'batchboard_screens_dropped_total',
    help: 'Screens disconnected by the hub, by reason (slow: more unread than the backlog cap)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly syncsIgnored = new Counter({
    name: 'batchboard_syncs_ignored_total',
    help: 'Snapshot requests ignored because the previous frames to that screen were still unsent',
    registers: [this.registry],
  });
  readonly resyncs = new Counter({
    name: 'batchboard_board_reloads_total',
    help: 'Times this hub reloaded the board from the store (start, gap, reconnect, new store epoch)',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
