import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { ClipName, ClipRequest } from '../../shared/schemas/director.js';
import { apiError } from '../../shared/errors.js';
import { invalidInput } from '../../shared/validation.js';
import { sendError } from '../http/error-status.js';
import { jsonBody } from '../http/json-body.js';
import { callerOf } from '../staff/login-routes.js';
import { ClipsQueuedError, ReplayBufferOffError } from './clip-saver.js';
import type { Highlighting } from './highlighting.js';
import { ObsUnavailableError } from './obs-controller.js';

const ClipParams = z.object({ name: ClipName }).strict();

/**
 * The highlights: today's list and each one's thumbnail (token or staff session), "Clip that" (the console,
 * or a Stream Deck through Companion's generic HTTP), and a clip's file, for a staff session only. A clip is
 * served from the path OBS reported when it saved it, found by the file name of one of today's highlights:
 * never a path built from the request.
 */
export function highlightRouter(highlighting: Highlighting | undefined, auth: RequestHandler, sessionOnly: RequestHandler): Router {
  const router = Router();
  const disabled = (res: Response) => sendError(res, apiError('director_disabled', {}, 'set OBS_URL to enable the director'));

  router.get('/director/highlights', auth, (_req, res) => {
    if (!highlighting) return void disabled(res);
    res.set('Cache-Control', 'no-store').json({ ok: true, data: highlighting.store.today() });
  });

  router.get('/director/highlights/:id/thumbnail', auth, (req, res) => {
    if (!highlighting) return void disabled(res);
    const id = String(req.params.id);
    const jpeg = highlighting.store.thumbnail(id);
    if (!jpeg) return void sendError(res, apiError('unknown_highlight', { id }, 'no highlight with that id has a thumbnail'));
    res.set('Cache-Control', 'private, max-age=86400').type('image/jpeg').send(jpeg);
  });

  router.post('/director/clip', auth, jsonBody, (req, res) => {
    // A Stream Deck button may send no body at all: a clip of now.
    const body: unknown = req.body ?? {};
    const parsed = ClipRequest.safeParse(body);
    if (!parsed.success) return void sendError(res, invalidInput(parsed.error, body));
    if (!highlighting) return void disabled(res);
    const by = callerOf(res.locals);
    try {
      res.status(202).json({ ok: true, data: highlighting.clip(parsed.data.afterSeconds, by === 'api' ? 'api' : 'staff', by) });
    } catch (err) {
      if (err instanceof ReplayBufferOffError) return void sendError(res, apiError('replay_buffer_off', {}, err.message));
      if (err instanceof ClipsQueuedError) return void sendError(res, apiError('rate_limited', { retryAfterSeconds: err.retryAfterSeconds }, err.message));
      if (err instanceof ObsUnavailableError) return void sendError(res, apiError('obs_unavailable', {}, err.message));
      throw err;
    }
  });

  // `*name`: a name with a slash in it reaches the check below (and is refused), not the generic 404.
  router.get('/director/clips/*name', sessionOnly, async (req, res) => {
    const raw = req.params as { name?: string[] | string };
    const params = { name: Array.isArray(raw.name) ? raw.name.join('/') : (raw.name ?? '') };
    const parsed = ClipParams.safeParse(params);
    if (!parsed.success) return void sendError(res, invalidInput(parsed.error, params));
    if (!highlighting) return void disabled(res);
    const name = parsed.data.name;
    const file = highlighting.store.pathOf(name);
    if (file === undefined) return void sendError(res, apiError('unknown_clip', { name }, 'no highlight of today saved a clip by that name'));
    const size = await (file === null ? Promise.reject(new Error('path not known')) : stat(file)).then(
      (s) => (s.isFile() ? s.size : undefined),
      () => undefined,
    );
    if (size === undefined || file === null)
      return void sendError(res, apiError('clip_unavailable', { name }, 'the hub cannot read that clip (OBS on another computer, or the file moved)'));
    // attachment() words a name of any script safely (filename*=UTF-8''…) and types it by its extension.
    res.status(200).attachment(name);
    res.set({ 'Content-Length': String(size), 'Cache-Control': 'no-store' });
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  });
  return router;
}
