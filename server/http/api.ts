import { Router, type Request, type Response } from 'express';
import type { Credentials } from '../credentials/credentials.js';
import type { Board } from '../board/board.js';
import type { Intake, IntakeResult, Kind } from '../ingest/intake.js';
import { requireApiToken } from './auth.js';
import { apiError } from '../../shared/errors.js';
import { sendError } from './error-status.js';
import { jsonBody } from './json-body.js';

/** The REST door (orders, machines, footfall, social reach) and the public board. */
export function apiRouter(board: Board, intake: Intake, credentials: Credentials): Router {
  const router = Router();
  const auth = requireApiToken(credentials);

  const door = (kind: Kind) =>
    [
      auth,
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
  router.post('/social', ...door('social'));

  router.get('/board', (_req, res) => {
    if (!board.loaded) {
      return sendError(res, apiError('not_ready', {}, 'the board is not loaded yet'));
    }
    res.set('Cache-Control', 'no-store').json(board.snapshot());
  });

  return router;
}
