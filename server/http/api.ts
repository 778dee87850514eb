import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Credentials } from '../credentials/credentials.js';
import type { Board } from '../board/board.js';
import type { Intake, IntakeResult, Kind } from '../ingest/intake.js';
import { requireApiToken } from './auth.js';
import { apiError } from '../../shared/errors.js';
import { sendError } from './error-status.js';
import { jsonBody } from './json-body.js';
import { rateLimit } from './rate-limit.js';

/**
 * Social reports a client address may send a minute. Each is appended to the log as it is (no idempotency key, no
 * last-write-wins that would make a repeat a no-op), so a tool stuck in a loop would grow the log without bound;
 * a pop-up's tools re-read a few dozen posts every few minutes.
 */
export const SOCIAL_REPORTS_PER_MINUTE = 120;

/** The REST door (orders, machines, footfall, social reach) and the public board. */
export function apiRouter(board: Board, intake: Intake, credentials: Credentials): Router {
  const router = Router();
  const auth = requireApiToken(credentials);

  const door = (kind: Kind, ...limits: RequestHandler[]) =>
    [
      auth,
      ...limits,
      jsonBody,
      async (req: Request, res: Response) => {
        const result: IntakeResult = await intake.submit('rest', kind, req.body as unknown);
        if (result.ok) res.json(result);
        else sendError(res, result.error);
      },
    ] as const;

  router.post('/orders', ...door('order'));
  router.post('/machines', ...door('machine'));
  router.post('/footfall', ...door('footfall'));
  const perMinute = SOCIAL_REPORTS_PER_MINUTE;
  router.post(
    '/social',
    ...door('social', rateLimit({ limit: perMinute, windowMs: 60_000, message: `more than ${perMinute} social reports a minute from this address` })),
  );

  router.get('/board', (_req, res) => {
    if (!board.loaded) {
      return sendError(res, apiError('not_ready', {}, 'the board is not loaded yet'));
    }
    res.set('Cache-Control', 'no-store').json(board.snapshot());
  });

  return router;
}
