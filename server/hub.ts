import type { Server as HttpServer } from 'node:http';
import type { Express } from 'express';
import type { Server } from 'socket.io';
import type { Board } from './board/board.js';
import { OrderArrivals } from './board/order-arrivals.js';
import { boardOf } from './board-from-config.js';
import type { Config } from './config.js';
import { Credentials } from './credentials/credentials.js';
import { openDeployment } from './deployment.js';
import { openDirector } from './director/director-feature.js';
import type { Director } from './director/director.js';
import { DoorStatus } from './ingest/door-status.js';
import { Intake } from './ingest/intake.js';
import { openInsight } from './insight/insight-feature.js';
import { createLogger, type Logger } from './log.js';
import { Metrics } from './metrics.js';
import { openOrdering } from './ordering/ordering-feature.js';
import { openProduction } from './production/production-feature.js';
import { contrastProblems, displayConfigOf } from './screens/display-config.js';
import { ScreenRegistry } from './screens/registry.js';
import { closeServices, startServices, type Service } from './services.js';
import { openStaff } from './staff/staff-feature.js';
import { openWeb } from './web.js';

export interface HubOptions {
  log?: Logger;
  webRoot?: string;
  /** Inbox consumer take-over delay (tests shorten it). */
  inboxClaimIdleMs?: number;
  /** Overrides the screens' build version (tests simulate a deploy). */
  appVersion?: string;
  /** Bytes a screen may leave unread before it is dropped (server/realtime/backlog-guard.ts). */
  maxUnsentBytes?: number;
  /** OBS call timeout (tests shorten it). */
  obsCallTimeoutMs?: number;
  /** The clock staff sessions expire by (tests move it to end a session); the rest of the hub keeps the real one. */
  now?: () => number;
}

export interface Hub {
  readonly url: string;
  readonly port: number;
  readonly board: Board;
  readonly metrics: Metrics;
  readonly http: HttpServer;
  readonly screens: ScreenRegistry;
  readonly director: Director | undefined;
  /** The express app and the socket.io server (tests enumerate their routes and namespaces). */
  readonly app: Express;
  readonly io: Server;
  /** Resolves with the secrets this start made (to show once), when the kept ones have been read. */
  readonly credentials: Pick<Credentials, 'ready' | 'where'>;
  close(): Promise<void>;
}

/** Wires the parts of the hub together from the parsed config, lists them as services, and starts them in order. */
export async function startHub(config: Config, opts: HubOptions = {}): Promise<Hub> {
  const log = opts.log ?? createLogger(config.logLevel, config.hubId);
  const metrics = new Metrics();
  const { state, doors: doorsOf, adapt } = openDeployment(config, log, opts.now);
  const board = boardOf(config, state, log, metrics);
  const arrivals = new OrderArrivals(board, state.arrivals, log);
  const intake = new Intake(board, metrics, log, Date.now, state.events);
  const display = displayConfigOf(config.shop);
  for (const problem of contrastProblems(display)) log.warn({ problem }, 'display theme misses WCAG AA contrast');
  const screens = new ScreenRegistry(state.screens, config.hubId, log);
  const credentials = new Credentials({ apiToken: config.apiToken, staffPin: config.staffPin }, state.credentials, log);
  const common = { board, arrivals, intake, events: state.events, screens, display, log, metrics };
  const directing = openDirector(config, { ...common, obsCallTimeoutMs: opts.obsCallTimeoutMs });
  const production = openProduction(config, { ...common, leases: state.leases, events: state.events });
  const ordering = openOrdering(config, { ...common, stock: state.stock, outlook: production.outlook });
  const returnStock = ordering.kiosk.returnStock.bind(ordering.kiosk);
  const staff = openStaff(config, { ...common, state, credentials, returnStock, now: opts.now });
  const insights = openInsight(config, { ...common, ...staff, director: directing.director, leases: state.leases });
  const doors = doorsOf({ intake, board, metrics }, opts.inboxClaimIdleMs);
  const doorStatus = new DoorStatus(doors);
  const parts = { ...common, credentials, doors: doorStatus, directing, ordering, staff, insights, runs: production.runs, deliveries: state.deliveries };
  const web = openWeb(config, parts, { webRoot: opts.webRoot, appVersion: opts.appVersion, adapt, maxUnsentBytes: opts.maxUnsentBytes });

  // In dependency order; closed in reverse. HTTP listens before the board loads: /readyz answers while the state is away.
  const services: Service[] = [
    { name: 'state', close: () => state.close() },
    { name: 'screens', close: () => screens.close() },
    { name: 'credentials', close: () => credentials.close() },
    web.listening,
    { name: 'board', start: () => board.start(), close: () => board.close() },
    // Before anything else listens to the board, so every first sight is taken as it comes.
    { name: 'arrivals', start: () => arrivals.start(), close: () => arrivals.close() },
    ordering.service,
    production.service,
    { name: 'floor', start: () => staff.floor.start(), close: () => staff.floor.close() },
    ...insights.services,
    web.namespaces,
    directing.service,
    ...doors.map((door): Service => ({ name: door.name, start: () => door.start().then(() => doorStatus.opened(door.name, door)), close: () => door.close() })),
  ];
  await startServices(services);
  log.info({ port: web.port(), store: state.kind, storeName: config.shop.storeName }, 'hub listening');

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${web.port()}`,
    port: web.port(),
    board,
    metrics,
    http: web.http,
    screens,
    director: directing.director,
    app: web.app,
    io: web.io,
    credentials,
    close: () => (closing ??= closeServices(services, log)),
  };
}
