import type { DisplayConfig } from '../../shared/schemas/display.js';
import type { Board } from '../board/board.js';
import type { Config } from '../config.js';
import type { Director } from '../director/director.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { ScreenRegistry } from '../screens/registry.js';
import type { Service } from '../services.js';
import type { FloorWatch } from '../staff/floor-watch.js';
import type { EventLog } from '../state/event-log.js';
import type { Leases } from '../state/leases.js';
import type { Intake } from '../ingest/intake.js';
import { AlertText } from './alert-text.js';
import { Alerts } from './alerts.js';
import { Insight } from './insight.js';
import { Webhook } from './webhook.js';

export interface Insights {
  /** The day's production figures. */
  insight: Insight;
  /** Thresholds crossed, on the console and (one hub posting) to the webhook. */
  alerts: Alerts;
  services: Service[];
}

export function openInsight(
  config: Config,
  deps: {
    board: Board;
    intake: Intake;
    events: EventLog;
    floor: FloorWatch;
    screens: ScreenRegistry;
    director: Director | undefined;
    display: DisplayConfig;
    leases: Leases;
    log: Logger;
    metrics: Metrics;
  },
): Insights {
  const { log, metrics } = deps;
  const insight = new Insight(deps.board, deps.events, log, metrics, { catalogue: config.shop.catalogue, timeZone: config.shop.timeZone });
  deps.intake.onApplied((seq, door) => insight.latency.accepted(seq, door));
  const hook = config.shop.alerts.webhook;
  const webhook = hook ? new Webhook(hook, log, (kind) => metrics.alertsDropped.inc({ kind })) : undefined;
  const alerts = new Alerts({
    board: deps.board,
    floor: deps.floor,
    screens: deps.screens,
    director: deps.director,
    figures: () => insight.figures(),
    thresholds: config.shop.alerts,
    webhook,
    log,
    text: new AlertText(deps.display.text),
    leases: deps.leases,
    hubId: config.hubId,
  });
  return {
    insight,
    alerts,
    services: [
      { name: 'insight', start: () => insight.start(), close: () => insight.close() },
      { name: 'alert webhook', close: () => webhook?.close() },
      { name: 'alerts', start: () => alerts.start(), close: () => alerts.close() },
    ],
  };
}
