import { Router, type RequestHandler } from 'express';
import type { ScreenRegistry } from '../screens/registry.js';

/** The screens known to the hub, and "reload this screen". */
export function screensRouter(screens: ScreenRegistry, reload: (name: string) => void, auth: RequestHandler): Router {
  const router = Router();
  router.use(auth);
  router.get('/', async (_req, res) => {
    res.json({ ok: true, data: await screens.list() });
  });
  router.post('/:name/reload', async (req, res) => {
    const name = req.params.name;
    const known = (await screens.list()).some((s) => s.name === name);
    if (!known) {
      res.status(404).json({ ok: false, error: { code: 'unknown_screen', message: `no screen named '${name}' has connected` } });
      return;
    }
    reload(name);
    res.status(202).json({ ok: true, data: { screen: name } });
  });
  return router;
}
