import express, { type ErrorRequestHandler, type Express, type Router } from 'express';
import type { Board } from '../board/board.js';
import type { Credentials } from '../credentials/credentials.js';
import type { Intake } from '../ingest/intake.js';
import type { DoorStatus } from '../ingest/door-status.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import { apiRouter } from './api.js';
import { bodyErrors } from './json-body.js';
import { securityHeaders } from './security-headers.js';
import { isStoreOutage } from '../state/outage.js';
import { healthRouter } from './health.js';
import { screensRouter } from '../screens/screen-routes.js';
import { directorRouter } from '../director/director-routes.js';
import { sceneCollectionRouter } from '../director/scene-collection-route.js';
import type { DirectorConfig } from '../../shared/schemas/director.js';
import type { Director } from '../director/director.js';
import type { DirectorJournal } from '../director/journal.js';
import { staticRouter } from './static.js';
import type { ProductionRuns } from '../production/production-runs.js';
import { runsRouter } from '../production/run-routes.js';
import type { KioskOrdering } from '../ordering/kiosk-ordering.js';
import { kioskRouter } from '../ordering/kiosk-routes.js';
import { staffRouter, type StaffRouterDeps } from '../staff/staff-routes.js';
import { requireSession, requireStaff } from '../staff/login-routes.js';
import { highlightRouter } from '../director/highlight-routes.js';
import type { Highlighting } from '../director/highlighting.js';
import type { EventLog } from '../state/event-log.js';
import type { Insight } from '../insight/insight.js';
import type { FloorWatch } from '../staff/floor-watch.js';
import { exportRouter } from './export.js';
import { reportRouter } from './report.js';
import type { Product } from '../../shared/schemas/catalogue.js';
import type { PilotConfig } from '../../shared/schemas/pilot.js';
import type { ScreenRegistry } from '../screens/registry.js';
import { LOGO_PATH } from '../screens/display-config.js';
import { apiError } from '../../shared/errors.js';
import { sendError } from './error-status.js';

export interface HttpDeps {
  board: Board;
  intake: Intake;
  metrics: Metrics;
  log: Logger;
  credentials: Credentials;
  /** Express `trust proxy`: where a load balancer in front of the hub may sit. */
  trustProxy: readonly string[];
  webRoot: string;
  screens: ScreenRegistry;
  reloadScreen: (name: string) => void;
  /** Absolute path of the store's logo file, if any. */
  logoFile: string | undefined;
  director: Director | undefined;
  journal: DirectorJournal;
  highlighting: Highlighting | undefined;
  kiosk: KioskOrdering;
  ordersPerMinute: number;
  staff: Omit<StaffRouterDeps, 'credentials' | 'log'>;
  events: EventLog;
  /** The store's zone: a date in an export range is the store's day. */
  timeZone: string;
  insight: Insight;
  /** When each order is due: the tracker's "running late". */
  floor: FloorWatch;
  /** The doors /readyz reports on. */
  doors: DoorStatus;
  runs: ProductionRuns;
  /** `POST /api/hooks/<name>` for each configured webhook source (server/hooks); none without any. */
  hooks: Router | undefined;
  /** The director's scenes, for the OBS scene collection (served with or without OBS_URL). */
  directorConfig: DirectorConfig;
  publicUrl: string | undefined;
  /** What the pilot report needs beside the log: the catalogue (what is made on site) and the pilot. */
  report: { catalogue: readonly Product[]; pilot: PilotConfig | undefined };
}

export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', [...deps.trustProxy]);
  app.use(securityHeaders());
  const staff = requireStaff(deps.staff.sessions, deps.credentials);
  // First: nothing may read a webhook's body before its signature is checked on the raw bytes.
  if (deps.hooks) app.use('/api/hooks', deps.hooks);
  app.use('/api/staff', staffRouter({ ...deps.staff, credentials: deps.credentials, log: deps.log }));
  app.use('/api', directorRouter(deps.director, deps.journal, staff, deps.timeZone));
  app.use('/api', sceneCollectionRouter(deps.directorConfig, deps.publicUrl, staff));
  app.use('/api', highlightRouter(deps.highlighting, staff, requireSession(deps.staff.sessions)));
  app.use('/api/screens', screensRouter(deps.screens, deps.reloadScreen, staff));
  app.use('/api/runs', runsRouter(deps.runs, staff));
  app.use('/api', kioskRouter(deps.kiosk, deps.board, deps.insight, deps.floor, deps.ordersPerMinute));
  app.use('/api', exportRouter(deps.events, staff, deps.timeZone));
  app.use('/api', reportRouter({ events: deps.events, timeZone: deps.timeZone, ...deps.report }, staff));
  app.use('/api', apiRouter(deps.board, deps.intake, deps.credentials));
  app.use('/api', bodyErrors(deps.intake));
  const logo = deps.logoFile;
  // Checked at start (server/config.ts): a file in the config's folder, which may itself sit in a dot-folder.
  if (logo) app.get(LOGO_PATH, (_req, res) => res.set('Cache-Control', 'public, max-age=300').sendFile(logo, { dotfiles: 'allow' }));
  app.use(healthRouter(deps.board, deps.metrics, deps.doors, deps.director));
  app.use(staticRouter(deps.webRoot));
  app.use((_req, res) => {
    sendError(res, apiError('not_found', {}, 'no such route'));
  });
  const lastResort: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    if (isStoreOutage(err)) {
      deps.log.warn({ err: (err as Error).message }, 'request refused: the state store is unavailable');
      if (!res.headersSent) sendError(res, apiError('store_unavailable', {}, 'the state store is unavailable; retry shortly'), { retryAfterSeconds: 1 });
      return;
    }
    // Express could not decode a %-escape of the path (`/api/track/%ff`): the caller's mistake, not the hub's.
    if (err instanceof URIError) {
      const issues = [{ field: 'path', problem: 'bad_format' as const }];
      if (!res.headersSent) sendError(res, apiError('invalid_input', { issues }, 'the address holds a malformed %-escape'));
      return;
    }
    deps.log.error({ err }, 'request failed');
    if (!res.headersSent) sendError(res, apiError('internal', {}, 'internal error'));
  };
  app.use(lastResort);
  return app;
}
