import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Express } from 'express';
import type { Server } from 'socket.io';
import type { DisplayConfig } from '../shared/schemas/display.js';
import { BOARD_NAMESPACE } from '../shared/protocol.js';
import type { Board } from './board/board.js';
import type { Config } from './config.js';
import type { Credentials } from './credentials/credentials.js';
import type { Directing } from './director/director-feature.js';
import { createHttpApp } from './http/app.js';
import type { DoorStatus } from './ingest/door-status.js';
import type { Intake } from './ingest/intake.js';
import type { Insights } from './insight/insight-feature.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import { attachKioskNamespace } from './ordering/kiosk-namespace.js';
import type { Ordering } from './ordering/ordering-feature.js';
import type { ProductionRuns } from './production/production-runs.js';
import { watchBacklogs } from './realtime/backlog-guard.js';
import { attachBoardNamespace, reloadScreen } from './realtime/board-namespace.js';
import { createSocketServer } from './realtime/socket-server.js';
import { readAppVersion } from './screens/app-version.js';
import type { ScreenRegistry } from './screens/registry.js';
import type { Service } from './services.js';
import type { Staff } from './staff/staff-feature.js';
import { attachStaffNamespace } from './staff/staff-namespace.js';
import type { EventLog } from './state/event-log.js';
import type { DeliveryTable } from './state/delivery-table.js';
import { hooksRouter } from './hooks/webhook-routes.js';

/** Where `npm run build` puts the pages. */
export const BUILT_PAGES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/web');

/** What the web side serves: every part the routes and namespaces speak for. */
export interface WebParts {
  board: Board;
  intake: Intake;
  metrics: Metrics;
  log: Logger;
  credentials: Credentials;
  screens: ScreenRegistry;
  display: DisplayConfig;
  events: EventLog;
  doors: DoorStatus;
  directing: Directing;
  ordering: Ordering;
  staff: Staff;
  insights: Insights;
  runs: ProductionRuns;
  /** Webhook deliveries seen lately (the webhook door's replay check). */
  deliveries: DeliveryTable;
}

export interface Web {
  app: Express;
  http: HttpServer;
  io: Server;
  /** Listening: started before the board loads, so /readyz answers (not ready) while the state is away. */
  listening: Service;
  /** The namespaces' own timers and guards: closed before the services they report on. */
  namespaces: Service;
  port(): number;
}

/** The HTTP routes and the socket.io namespaces over one server, from the parts they serve. */
export function openWeb(
  config: Config,
  parts: WebParts,
  opts: { webRoot?: string | undefined; appVersion?: string | undefined; adapt: (io: Server) => void; maxUnsentBytes?: number | undefined },
): Web {
  const { board, metrics, log, screens, staff, ordering, insights } = parts;
  const webRoot = opts.webRoot ?? BUILT_PAGES;
  const appVersion = opts.appVersion ?? readAppVersion(webRoot);
  const app = createHttpApp({
    ...parts,
    trustProxy: config.trustProxy,
    webRoot,
    reloadScreen: (name) => screens.reload(name),
    logoFile: config.shop.display.logo,
    director: parts.directing.director,
    journal: parts.directing.journal,
    highlighting: parts.directing.highlighting,
    kiosk: ordering.kiosk,
    ordersPerMinute: config.shop.kiosk.ordersPerMinute,
    timeZone: config.shop.timeZone,
    directorConfig: config.shop.director,
    publicUrl: config.publicUrl,
    report: { catalogue: config.shop.catalogue, pilot: config.shop.pilot },
    insight: insights.insight,
    floor: staff.floor,
    hooks: hooksRouter(config.webhooks, { ...parts, madeOnSite: new Set(config.shop.catalogue.map((p) => p.sku)) }),
  });
  const http = createServer(app);
  const io = createSocketServer(http, { trustProxy: config.trustProxy, allowedOrigins: config.shop.allowedOrigins, adapt: opts.adapt, log, metrics });
  const backlogs = watchBacklogs(io.of(BOARD_NAMESPACE), metrics, opts.maxUnsentBytes);
  const onPainted = (seq: number) => insights.insight.latency.painted(seq);
  const boardNsp = attachBoardNamespace(io, { board, metrics, screens, display: parts.display, appVersion, onSent: () => backlogs.sent(), onPainted });
  screens.onReload((name) => reloadScreen(boardNsp, name));
  attachKioskNamespace(io, ordering.kiosk, metrics, ordering.publicAddress);
  const staffNsp = attachStaffNamespace(io, { ...staff, screens, ...insights, metrics, publicAddress: ordering.publicAddress });
  return {
    app,
    http,
    io,
    port: () => (http.address() as AddressInfo).port,
    listening: {
      name: 'http',
      start: async () => {
        await listen(http, config.port, config.host);
        log.info({ port: (http.address() as AddressInfo).port }, 'http listening');
      },
      close: () => closeHttp(io, http),
    },
    namespaces: {
      name: 'namespaces',
      close: () => {
        staffNsp.close();
        backlogs.close();
      },
    },
  };
}

/**
 * Every connection is cut at once, not after the close: Node goes on serving a keep-alive connection that was busy when
 * its server closed (and never calls back while it is used), so a device would go on talking to this stopped hub, even
 * after a new one took the port. What was in flight is cut; clients send it again to whichever hub listens next.
 */
async function closeHttp(io: { close(done: () => void): void }, http: HttpServer): Promise<void> {
  const closed = new Promise<void>((resolve) => io.close(() => resolve()));
  // Not left to socket.io, which closes the server only after its adapters: no connection is taken in between.
  // Its own close then finds the server stopped and calls back all the same.
  http.close();
  http.closeAllConnections();
  await closed;
}

function listen(http: HttpServer, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => {
      http.off('error', reject);
      resolve();
    });
  });
}
