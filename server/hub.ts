import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import type { Express } from 'express';
import type { Server } from 'socket.io';
import { Board } from './board/board.js';
import { EmbeddedStore } from './state/embedded/board-store.js';
import { RedisStore } from './state/redis/board-store.js';
import type { BoardStore } from './state/board-store.js';
import type { Config } from './config.js';
import { createHttpApp } from './http/app.js';
import { Intake } from './ingest/intake.js';
import { InboxDoor } from './ingest/redis-stream.js';
import { DoorStatus } from './ingest/door-status.js';
import { PubSubDoor } from './ingest/redis-pubsub.js';
import { createLogger, type Logger } from './log.js';
import { Metrics } from './metrics.js';
import { attachBoardNamespace, reloadScreen } from './realtime/board-namespace.js';
import { watchBacklogs } from './realtime/backlog-guard.js';
import { createSocketServer } from './realtime/socket-server.js';
import { Director } from './director/director.js';
import { DirectorJournal } from './director/journal.js';
import { ObsController } from './director/obs-controller.js';
import { DISABLED_SCENE } from '../shared/schemas/board.js';
import { BOARD_NAMESPACE } from '../shared/protocol.js';
import { readAppVersion } from './screens/app-version.js';
import { contrastProblems, displayConfigOf } from './screens/display-config.js';
import { ScreenRegistry } from './screens/registry.js';
import { closeRedis, connectRedis } from './state/redis/connect.js';
import { KioskOrdering } from './ordering/kiosk-ordering.js';
import { PublicAddress } from './ordering/public-address.js';
import { EmbeddedStockStore } from './state/embedded/stock-store.js';
import { RedisStockStore } from './state/redis/stock-store.js';
import { attachKioskNamespace } from './ordering/kiosk-namespace.js';
import { attachStaffNamespace } from './staff/staff-namespace.js';
import { StaffCommands } from './staff/commands.js';
import { FloorWatch } from './staff/floor-watch.js';
import { LoginGuard } from './staff/login-guard.js';
import { StaffSessions } from './staff/sessions.js';
import { Credentials } from './credentials/credentials.js';
import { FileCredentialStore, RedisCredentialStore } from './state/credential-store.js';
import type { EventLog } from './state/event-log.js';
import { FileEventLog } from './state/embedded/event-log.js';
import { RedisEventLog } from './state/redis/event-log.js';
import { Alerts } from './insight/alerts.js';
import { Insight } from './insight/insight.js';
import { Webhook } from './insight/webhook.js';
import { AlertText } from './insight/alert-text.js';

export const DEFAULT_WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/web');

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

/** Wires the rooms of the house together from the parsed config; owns nothing else. */
export async function startHub(config: Config, opts: HubOptions = {}): Promise<Hub> {
  const log = opts.log ?? createLogger(config.logLevel, config.hubId);
  const metrics = new Metrics();
  const { maxActiveOrders, staleOrderHours } = config.store.board;
  const store: BoardStore = config.redisUrl
    ? new RedisStore(config.redisUrl, log, { logCap: config.store.eventLog.maxEntries, maxActiveOrders })
    : new EmbeddedStore(config.dataDir, log, { maxActiveOrders });
  const board = new Board(store, log, metrics, {
    readyTimeoutMs: config.store.readyTimeoutMinutes * 60_000,
    staleMs: { queued: staleOrderHours.queued * 3600_000, in_production: staleOrderHours.in_production * 3600_000 },
    sweepIntervalMs: config.sweepIntervalMs,
  });
  const intake = new Intake(board, metrics, log);
  const webRoot = opts.webRoot ?? DEFAULT_WEB_ROOT;
  const display = displayConfigOf(config.store);
  for (const problem of contrastProblems(display)) log.warn({ problem }, 'display theme misses WCAG AA contrast');

  const kv = config.redisUrl ? connectRedis(config.redisUrl, 'commands', log, { maxRetriesPerRequest: 1, commandTimeout: 2_000 }) : undefined;
  const screens = new ScreenRegistry(kv ? { redis: kv } : { dataDir: config.dataDir }, config.hubId, log);
  let reload: (name: string) => void = () => undefined;
  const events: EventLog = kv
    ? new RedisEventLog(kv, log, config.store.eventLog.maxEntries)
    : new FileEventLog(config.dataDir, log, config.store.eventLog.keepDays);
  const journal = new DirectorJournal(events, log, config.dataDir);
  const director = config.obs
    ? new Director({
        obs: new ObsController(
          { url: config.obs.url, password: config.obs.password, ...(opts.obsCallTimeoutMs ? { callTimeoutMs: opts.obsCallTimeoutMs } : {}) },
          log,
        ),
        board,
        config: config.store.director,
        log,
        journal,
      })
    : undefined;

  const publicAddress = new PublicAddress(config.publicUrl, log);
  const stock = config.redisUrl ? new RedisStockStore(config.redisUrl, log) : new EmbeddedStockStore(config.dataDir, log);
  const kiosk = new KioskOrdering(config.store.catalogue, stock, intake, log, {
    display,
    numberPrefix: config.store.kiosk.numberPrefix,
    timeZone: config.store.timeZone,
    idleSeconds: config.store.kiosk.idleSeconds,
    confirmationSeconds: config.store.kiosk.confirmationSeconds,
    promiseMinutes: config.store.promiseMinutes,
    publicUrl: publicAddress.url,
    numbersInUse: () => [...board.orders()].map((o) => o.number),
    boardFull: () => (board.activeOrders >= maxActiveOrders ? maxActiveOrders : undefined),
    limits: {
      itemsPerMinute: config.store.kiosk.itemsPerMinute,
      maxShareOfRun: config.store.kiosk.maxShareOfRun,
      shareWindowMinutes: config.store.kiosk.shareWindowMinutes,
    },
  });
  const sessions = new StaffSessions(kv ? { redis: kv } : { dataDir: config.dataDir }, config.store.staff.sessionHours * 3600_000, opts.now);
  const credentials = new Credentials(
    { apiToken: config.apiToken, staffPin: config.staffPin },
    kv ? new RedisCredentialStore(kv) : new FileCredentialStore(config.dataDir),
    log,
  );
  const guard = new LoginGuard((pin) => credentials.pinMatches(pin), {
    maxFailures: config.store.staff.maxFailures,
    lockMs: config.store.staff.lockMinutes * 60_000,
  });
  // On Redis the store's scripts log each change in the same step; embedded, this one process logs what its board announces.
  if (!kv) {
    board.on('change', (change) => {
      const at = Date.now();
      void events.append({ ...change, at });
    });
  }
  const commands = new StaffCommands(
    board,
    intake,
    log,
    events,
    (order, direction) => kiosk.returnStock(order, direction),
    config.store.staff.undoSeconds * 1000,
  );
  const floor = new FloorWatch(board, log, config.store.promiseMinutes);
  const insight = new Insight(board, events, log, metrics, Date.now, config.store.timeZone);
  const webhook = config.store.alerts.webhook ? new Webhook(config.store.alerts.webhook, log, (kind) => metrics.alertsDropped.inc({ kind })) : undefined;

  const doorStatus = new DoorStatus(config.redisUrl ? ['redis_pubsub', 'redis_stream'] : []);
  const app = createHttpApp({
    doors: doorStatus,
    board,
    intake,
    metrics,
    log,
    credentials,
    trustProxy: config.trustProxy,
    webRoot,
    screens,
    reloadScreen: (name) => reload(name),
    logoFile: config.store.display.logo,
    director,
    journal,
    kiosk,
    ordersPerMinute: config.store.kiosk.ordersPerMinute,
    timeZone: config.store.timeZone,
    staff: { sessions, guard, commands },
    events,
    insight,
    floor,
  });
  const http = createServer(app);
  const { io, adapterClients } = createSocketServer(http, {
    trustProxy: config.trustProxy,
    allowedOrigins: config.store.allowedOrigins,
    redisUrl: config.redisUrl,
    log,
    metrics,
  });
  const redisClients: Redis[] = kv ? [kv, ...adapterClients] : [...adapterClients];
  const backlogs = watchBacklogs(io.of(BOARD_NAMESPACE), metrics, opts.maxUnsentBytes);
  const boardNsp = attachBoardNamespace(io, {
    board,
    metrics,
    screens,
    display,
    appVersion: opts.appVersion ?? readAppVersion(webRoot),
    onSent: () => backlogs.sent(),
  });
  reload = (name) => reloadScreen(boardNsp, name);
  attachKioskNamespace(io, kiosk, metrics, publicAddress);
  const alerts = new Alerts({
    board,
    floor,
    screens,
    director,
    figures: () => insight.figures(),
    thresholds: config.store.alerts,
    webhook,
    log,
    text: new AlertText(display.text),
    redis: kv,
    hubId: config.hubId,
  });
  const staffNsp = attachStaffNamespace(io, { sessions, floor, screens, insight, alerts, metrics, publicAddress });
  floor.start();

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  log.info({ port }, 'http listening');

  await board.start();
  await kiosk.start();
  board.on('epoch', () => void kiosk.storeReset());
  await insight.start();
  alerts.start();
  if (director) director.start();
  else {
    log.info('director disabled (no OBS_URL)');
    await board.setScene(DISABLED_SCENE).catch((err: unknown) => log.warn({ err }, 'could not reset the scene state'));
  }
  const doors: { close(): Promise<void> }[] = [];
  if (config.redisUrl && kv) {
    const pubsub = new PubSubDoor(config.redisUrl, intake, log, kv);
    const inbox = new InboxDoor(config.redisUrl, intake, log, {
      consumer: config.hubId,
      claimIdleMs: opts.inboxClaimIdleMs ?? config.store.inbox.claimIdleSeconds * 1000,
    });
    doors.push(pubsub, inbox);
    await pubsub.start();
    doorStatus.opened('redis_pubsub', pubsub);
    await inbox.start();
    doorStatus.opened('redis_stream', inbox);
  }
  log.info({ port, store: store.kind, storeName: config.store.storeName }, 'hub listening');

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    board,
    metrics,
    http,
    screens,
    director,
    app,
    io,
    credentials,
    close: () =>
      (closing ??= (async () => {
        // Each step is bounded: after a Redis outage a client may still be reconnecting with
        // commands queued, and a hub asked to stop must stop, not wait for it.
        await within(3_000, Promise.allSettled(doors.map((d) => d.close())), 'doors', log);
        await within(3_000, director?.close(), 'director', log);
        staffNsp.close();
        backlogs.close();
        floor.close();
        alerts.close();
        insight.close();
        webhook?.close();
        await within(3_000, new Promise<void>((resolve) => void io.close(() => resolve())), 'socket.io', log);
        http.closeAllConnections();
        await within(3_000, kiosk.close(), 'kiosk store', log);
        await within(3_000, board.close(), 'board store', log);
        screens.close();
        credentials.close();
        // QUIT, not a cut: socket.io's Redis adapter unsubscribes on close without awaiting; a cut connection
        // would reject those commands with nobody listening (an unhandled rejection).
        await closeRedis(...redisClients);
      })()),
  };
}

/** Waits for a shutdown step, but no longer than `ms`. */
async function within(ms: number, work: Promise<unknown> | undefined, step: string, log: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(true), ms)));
  const done = Promise.resolve(work).then(
    () => false,
    () => false,
  );
  if (await Promise.race([done, late])) log.warn({ step, ms }, 'shutdown step did not finish in time; going on');
  clearTimeout(timer);
}
