import { Router, type Request, type Response } from 'express';
import type { Credentials } from '../credentials/credentials.js';
import type { Board } from '../board/board.js';
import type { Intake, IntakeResult, Kind } from '../ingest/intake.js';
import { requireApiToken } from './auth.js';
import { errorStatus } from './error-status.js';
import { jsonBody } from './json-body.js';

function statusOf(result: IntakeResult): number {
  return result.ok ? 200 : errorStatus(result.error.code);
}

/** The REST door and the public board. */
export function apiRouter(board: Board, intake: Intake, credentials: Credentials): Router {
  const router = Router();
  const auth = requireApiToken(credentials);

  const door = (kind: Kind) =>
    [
      auth,
      jsonBody,
      async (req: Request, res: Response) => {
        const result = await intake.submit('rest', kind, req.body as unknown);
        res.status(statusOf(result)).json(result);
      },
    ] as const;

  router.post('/orders', ...door('order'));
  router.post('/machines', ...door('machine'));

  router.get('/board', (_req, res) => {
    if (!board.loaded) {
      res.status(503).json({ ok: false, error: { code: 'not_ready', message: 'the board is not loaded yet' } });
      return;
    }
    res.set('Cache-Control', 'no-store').json(board.snapshot());
  });

  return router;
}
