import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ALERT_KINDS } from '../shared/schemas/insight.js';

export type Door = 'redis_pubsub' | 'redis_stream' | 'rest' | 'kiosk' | 'staff' | 'socket' | 'webhook' | 'mqtt';

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
  readonly mqttMessages = new Counter({
    name: 'batchboard_mqtt_messages_total',
    help: 'MQTT messages received, valid or not, by the subscription (topic filter) that took them; (none): no subscription maps the topic',
    labelNames: ['subscription'] as const,
    registers: [this.registry],
  });
  readonly mqttUp = new Gauge({
    name: 'batchboard_mqtt_up',
    help: 'The MQTT door is connected to its broker and subscribed (1) or not (0); 0 without mqtt in the config',
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

  readonly alertsDropped = new Counter({
    name: 'batchboard_alerts_dropped_total',
    help: "Alert webhook posts dropped, by alert kind (over the kind's budget a minute, or its queue full)",
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly highlightsDropped = new Counter({
    name: 'batchboard_highlights_dropped_total',
    help: 'Highlights webhook posts dropped (over director.highlights.webhook.perHour, or its queue full)',
    registers: [this.registry],
  });

  readonly handshakesRefused = new Counter({
    name: 'batchboard_handshakes_refused_total',
    help: 'socket.io handshakes refused by the per-client limit, by reason (rate: too many new; open: too many open at once)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly sourceToPainted = new Histogram({
    name: 'batchboard_source_to_painted_seconds',
    help: "From a change's source stamp (its updatedAt: a POS's time, a machine's, the kiosk's) to a screen saying it painted it, by the door it came in (other_hub: taken in by another hub)",
    labelNames: ['door'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly webhookDeliveries = new Counter({
    name: 'batchboard_webhook_deliveries_total',
    help: 'Signed webhook deliveries, by hook (webhooks.<name>) and outcome (applied, duplicate: a replay answered 200 and not applied, refused)',
    labelNames: ['hook', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Every kind shows from the start: a drop is a rise from 0, not a series appearing.
    for (const kind of ALERT_KINDS) this.alertsDropped.inc({ kind }, 0);
    for (const reason of ['rate', 'open']) this.handshakesRefused.inc({ reason }, 0);
  }
}
