import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';

/**
 * Serves the built front ends (dist/web, made by `npm run build`):
 * /display and /kiosk (with /staff, /report and /track) are single-page apps; /assets are hashed and cached for good.
 */
export function staticRouter(webRoot: string): Router {
  const router = Router();
  const page = (app: string) => path.join(webRoot, app, 'index.html');
  router.use('/assets', express.static(path.join(webRoot, 'assets'), { immutable: true, maxAge: '1y', index: false }));
  // The kiosk app also serves the staff console, the pilot report and the phone tracker: one bundle, four entrances.
  const routes = {
    display: ['/display', '/display/*rest'],
    kiosk: ['/kiosk', '/kiosk/*rest', '/staff', '/staff/*rest', '/report', '/report/*rest', '/track/*rest'],
  } as const;
  for (const app of ['display', 'kiosk'] as const) {
    router.get([...routes[app]], (_req, res) => {
      if (!existsSync(page(app))) {
        res.status(503).type('text').send(`The ${app} app is not built. Run: npm run build`);
        return;
      }
      res.set('Cache-Control', 'no-cache').sendFile(page(app));
    });
  }
  router.get('/', (_req, res) => res.redirect('/display'));
  return router;
}
