import { Router, type RequestHandler, type Response } from 'express';
import { ModeRequest, SceneRequest, type DirectorStatus } from '../../shared/schemas/director.js';
import { apiError } from '../../shared/errors.js';
import { invalidInput } from '../../shared/validation.js';
import { UnknownSceneError, type Director } from './director.js';
import type { DirectorJournal } from './journal.js';
import { ObsRequestError, ObsTimeoutError, ObsUnavailableError } from './obs-controller.js';
import { sendError } from '../http/error-status.js';
import { jsonBody } from '../http/json-body.js';
import { callerOf } from '../staff/login-routes.js';
import type { TimeZone } from '../../shared/store-time.js';
import { exportRange } from '../http/export.js';

const DISABLED: DirectorStatus = {
  enabled: false,
  obs: 'disabled',
  program: null,
  mode: 'manual',
  holdUntil: null,
  scenes: [],
  missingScenes: [],
  studioMode: false,
  streaming: false,
  recording: false,
  replayBuffer: { mode: 'off', active: false, available: false },
  highlightsToday: 0,
};

function fail(res: Response, err: unknown): void {
  if (err instanceof UnknownSceneError) sendError(res, apiError('unknown_scene', { scene: err.scene }, err.message));
  else if (err instanceof ObsUnavailableError) sendError(res, apiError('obs_unavailable', {}, err.message));
  else if (err instanceof ObsTimeoutError) sendError(res, apiError('obs_timeout', { request: err.request, timeoutMs: err.timeoutMs }, err.message));
  else if (err instanceof ObsRequestError) sendError(res, apiError('obs_error', { request: err.request }, err.message));
  else throw err;
}

/**
 * `POST /api/scene`, `POST /api/director/mode`, `GET /api/director`, the
 * thumbnail, the stream health and the log export, all behind the API token or a staff session, so a Stream Deck (Companion's generic
 * HTTP) or another system can drive the cameras.
 */
export function directorRouter(director: Director | undefined, journal: DirectorJournal, auth: RequestHandler, timeZone?: TimeZone): Router {
  const router = Router();
  // Per route, not router.use: this router is mounted on /api, beside the public GET /api/board.
  const disabled = (res: Response) => sendError(res, apiError('director_disabled', {}, 'set OBS_URL to enable the director'));

  router.get('/director', auth, (_req, res) => {
    res.json({ ok: true, data: director ? { ...director.status(), log: director.recent(50) } : { ...DISABLED, log: [] } });
  });

  router.post('/scene', auth, jsonBody, async (req, res) => {
    const parsed = SceneRequest.safeParse(req.body);
    if (!parsed.success) return sendError(res, invalidInput(parsed.error, req.body));
    if (!director) return void disabled(res);
    try {
      const by = callerOf(res.locals);
      res.json({ ok: true, data: await director.pickScene(parsed.data.scene, by === 'api' ? 'api' : 'staff', by) });
    } catch (err) {
      fail(res, err);
    }
  });

  router.post('/director/mode', auth, jsonBody, async (req, res) => {
    const parsed = ModeRequest.safeParse(req.body);
    if (!parsed.success) return sendError(res, invalidInput(parsed.error, req.body));
    if (!director) return void disabled(res);
    res.json({ ok: true, data: await director.setMode(parsed.data.mode, callerOf(res.locals)) });
  });

  // The console's live program thumbnail: fetched only while a console is looking, and shared by all of them.
  router.get('/director/thumbnail', auth, async (_req, res) => {
    if (!director) return void disabled(res);
    try {
      const jpeg = await director.thumbnail();
      res.set('Cache-Control', 'no-store').type('image/jpeg').send(jpeg);
    } catch (err) {
      fail(res, err);
    }
  });

  // Stream health: OBS is asked only while it streams or records, at most once per ~1.5 s for all consoles.
  router.get('/director/health', auth, async (_req, res) => {
    if (!director) return void disabled(res);
    try {
      res.set('Cache-Control', 'no-store').json({ ok: true, data: await director.health.read() });
    } catch (err) {
      fail(res, err);
    }
  });

  router.get('/director/log', auth, (req, res) => {
    // The same range as the event log's export: ms since the epoch, or a date (the store's whole day).
    const range = exportRange(req.query, timeZone);
    if ('error' in range) return sendError(res, range.error);
    const { format, from, to } = range;
    res.type(format === 'csv' ? 'text/csv' : 'application/x-ndjson');
    res.set('Content-Disposition', `attachment; filename="director-log.${format}"`);
    journal.export(format, from, to).pipe(res);
  });
  return router;
}
