import { Router } from 'express';
import type { Board } from '../board/board.js';
import type { Director } from '../director/director.js';
import type { DoorStatus } from '../ingest/door-status.js';
import type { Metrics } from '../metrics.js';

/** Liveness, readiness and Prometheus metrics. */
export function healthRouter(board: Board, metrics: Metrics, doors: DoorStatus, director?: Pick<Director, 'status'>): Router {
  const router = Router();
  // Readable from any origin, a page opened from disk included: the screens' launcher
  // (screens/launcher.html) waits on it, and must tell the hub's answer from a proxy's 502.
  router.get('/healthz', (_req, res) => {
    res.set({ 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin', 'Cache-Control': 'no-store' }).json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    const store = await board.healthy(1_000);
    // Ready means taking input too: a hub whose board loaded but whose doors are down would drop a producer's messages.
    const ready = store && board.loaded && doors.allUp;
    res.status(ready ? 200 : 503).json({
      ok: ready,
      store: store ? 'up' : 'unreachable',
      storeKind: board.storeKind,
      board: board.loaded ? 'loaded' : 'loading',
      seq: board.seq,
      doors: doors.states(),
      // OBS is outside the hub, like a broker: reported (with the scenes the rules name that it lacks), never a 503.
      ...(director ? { director: directorHealth(director) } : {}),
    });
  });
  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}

function directorHealth(director: Pick<Director, 'status'>): { obs: 'connected' | 'disconnected' | 'disabled'; missingScenes: string[] } {
  const { obs, missingScenes } = director.status();
  return { obs, missingScenes };
}
