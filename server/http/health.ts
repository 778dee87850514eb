import { Router } from 'express';
import type { Board } from '../board/board.js';
import type { Metrics } from '../metrics.js';

/** Liveness, readiness and Prometheus metrics. */
export function healthRouter(board: Board, metrics: Metrics): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    const store = await board.healthy(1_000);
    const ready = store && board.loaded;
    res.status(ready ? 200 : 503).json({ ok: ready, store: store ? 'up' : 'unreachable', storeKind: board.storeKind, board: board.loaded ? 'loaded' : 'loading', seq: board.seq });
  });
  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
