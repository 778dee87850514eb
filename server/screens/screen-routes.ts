import { Router, type RequestHandler, type Response } from 'express';
import { NewScreen, ScreenName } from '../../shared/schemas/display.js';
import { apiError } from '../../shared/errors.js';
import { invalidInput } from '../../shared/validation.js';
import { sendError } from '../http/error-status.js';
import { MAX_SCREENS, type ScreenRegistry } from './registry.js';
import { jsonBody } from '../http/json-body.js';

function unknownScreen(res: Response, name: string): void {
  sendError(res, apiError('unknown_screen', { name }, `no screen named '${name}' has been added`));
}

/** The screens staff added: list, add, remove, and "reload this screen". */
export function screensRouter(screens: ScreenRegistry, reload: (name: string) => void, auth: RequestHandler): Router {
  const router = Router();
  router.use(auth);
  router.get('/', async (_req, res) => {
    res.json({ ok: true, data: await screens.list() });
  });
  router.post('/', jsonBody, async (req, res) => {
    const parsed = NewScreen.safeParse(req.body);
    if (!parsed.success) return sendError(res, invalidInput(parsed.error, req.body));
    const { name } = parsed.data;
    const result = await screens.add(name);
    if (result === 'full') return sendError(res, apiError('too_many_screens', { max: MAX_SCREENS }, `at most ${MAX_SCREENS} screens; remove one first`));
    const screen = (await screens.list()).find((s) => s.name === name);
    res.status(result === 'added' ? 201 : 200).json({ ok: true, data: { screen, added: result === 'added' } });
  });
  router.delete('/:name', async (req, res) => {
    const name = req.params.name;
    if (!ScreenName.safeParse(name).success || !(await screens.remove(name))) return unknownScreen(res, name);
    res.json({ ok: true, data: { screen: name } });
  });
  router.post('/:name/reload', async (req, res) => {
    const name = req.params.name;
    const known = (await screens.list()).some((s) => s.name === name);
    if (!known) return unknownScreen(res, name);
    reload(name);
    res.status(202).json({ ok: true, data: { screen: name } });
  });
  return router;
}
