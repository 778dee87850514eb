import { Router, type RequestHandler } from 'express';
import type { DirectorConfig } from '../../shared/schemas/director.js';
import { sceneCollection } from './scene-collection.js';

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * `GET /api/director/scene-collection`: an OBS scene collection for this store's scenes, with the board and the
 * overlay at the hub's address (`PUBLIC_URL`, else the address the request came to, as OBS's machine is on
 * the same network as whoever downloads it). Served with or without `OBS_URL`: OBS is set up before it is connected.
 */
export function sceneCollectionRouter(director: DirectorConfig, publicUrl: string | undefined, auth: RequestHandler): Router {
  const router = Router();
  router.get('/director/scene-collection', auth, (req, res) => {
    // Only a plain host[:port] from the request goes into a file a store imports into OBS.
    const host = req.get('host') ?? '';
    const baseUrl = publicUrl ?? `${req.protocol}://${HOST.test(host) ? host : 'localhost'}`;
    res.set({ 'Content-Disposition': 'attachment; filename="batchboard-scenes.json"', 'Cache-Control': 'no-store' });
    res.json(sceneCollection({ director, baseUrl }));
  });
  return router;
}
