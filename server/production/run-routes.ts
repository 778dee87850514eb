import { Router, type RequestHandler, type Response } from 'express';
import { FinishRun, NewRun, StartRun } from '../../shared/schemas/run.js';
import { invalidInput } from '../../shared/validation.js';
import { sendError } from '../http/error-status.js';
import { jsonBody } from '../http/json-body.js';
import type { ProductionRuns, RunResult } from './production-runs.js';

function answer(res: Response, result: RunResult, status = 200): void {
  if (result.ok) res.status(status).json({ ok: true, data: { run: result.run } });
  else sendError(res, result.error);
}

/** `/api/runs`: production runs for the staff console (session) and an outside scheduler (API token). */
export function runsRouter(runs: ProductionRuns, auth: RequestHandler): Router {
  const router = Router();
  router.use(auth);
  router.get('/', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ ok: true, data: { runs: runs.list() } });
  });
  router.post('/', jsonBody, async (req, res) => {
    const parsed = NewRun.safeParse(req.body);
    if (!parsed.success) return sendError(res, invalidInput(parsed.error, req.body));
    answer(res, await runs.create(parsed.data), 201);
  });
  router.post('/:id/start', jsonBody, async (req, res) => {
    const parsed = StartRun.safeParse(req.body);
    if (!parsed.success) return sendError(res, invalidInput(parsed.error, req.body));
    answer(res, await runs.start(String(req.params.id), parsed.data.machine));
  });
  router.post('/:id/finish', jsonBody, async (req, res) => {
    const parsed = FinishRun.safeParse(req.body);
    if (!parsed.success) return sendError(res, invalidInput(parsed.error, req.body));
    answer(res, await runs.finish(String(req.params.id), parsed.data.produced, parsed.data.wasted));
  });
  router.post('/:id/cancel', async (req, res) => {
    answer(res, await runs.cancel(String(req.params.id)));
  });
  return router;
}
