import { Router, type Request, type Response } from 'express';
import type { Credentials } from '../credentials/credentials.js';
import { StaffAction, StaffActionRequest, StaffLogin, UndoRequest } from '../../shared/schemas/staff.js';
import { apiError } from '../../shared/errors.js';
import { invalidInput } from '../../shared/validation.js';
import type { CommandResult, StaffCommands } from './commands.js';
import type { LoginGuard } from './login-guard.js';
import { SESSION_COOKIE, type StaffSessions } from './sessions.js';
import type { Logger } from '../log.js';
import { credentialsUnavailable } from '../http/auth.js';
import { sendError } from '../http/error-status.js';
import { jsonBody } from '../http/json-body.js';
import { rateLimit } from '../http/rate-limit.js';
import { callerOf, requireStaff } from './login-routes.js';

export interface StaffRouterDeps {
  sessions: StaffSessions;
  guard: LoginGuard;
  commands: StaffCommands;
  credentials: Credentials;
  log: Logger;
}

function answer(res: Response, result: CommandResult): void {
  if (result.ok) res.json(result);
  else sendError(res, result.error);
}

/** Staff login and the order commands behind it (`/api/staff/…`). */
export function staffRouter(deps: StaffRouterDeps): Router {
  const router = Router();
  const staff = requireStaff(deps.sessions, deps.credentials);
  // Secure when the request came over HTTPS (directly, or through a proxy the hub trusts): then the cookie never travels in clear.
  const cookie = (req: Request, value: string, maxAgeS: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${req.secure ? '; Secure' : ''}`;

  // Beyond the lockout per address: a burst of logins from anywhere is slowed down too.
  router.post('/login', rateLimit({ limit: 30, windowMs: 60_000, message: 'too many login attempts' }), jsonBody, async (req, res) => {
    const parsed = StaffLogin.safeParse(req.body);
    if (!parsed.success) return sendError(res, invalidInput(parsed.error, req.body));
    const verdict = await deps.guard.attempt(req.ip ?? 'unknown', parsed.data.pin);
    if (!verdict.ok && 'unavailable' in verdict) return credentialsUnavailable(res);
    if (!verdict.ok) {
      if (verdict.locked) {
        const retryAfterSeconds = Math.ceil(verdict.retryAfterMs / 1000);
        if (verdict.everyone) deps.log.warn({ address: req.ip }, 'staff login locked for everyone: too many wrong PINs from many addresses');
        else deps.log.warn({ address: req.ip }, 'staff login locked after repeated wrong PINs');
        return sendError(res, apiError('locked', { retryAfterSeconds }, `too many wrong PINs; login is locked for ${retryAfterSeconds} s`));
      }
      return sendError(res, apiError('wrong_pin', { triesLeft: verdict.remaining }, `wrong PIN; the login locks after ${verdict.remaining} more wrong PINs`));
    }
    const who = parsed.data.name?.trim() || 'staff';
    // A fresh token at every login: a token planted before login is never promoted.
    await deps.sessions.destroy(req.get('cookie'));
    const token = await deps.sessions.create(who);
    deps.log.info({ who, address: req.ip }, 'staff logged in');
    res.set('Set-Cookie', cookie(req, token, Math.floor(deps.sessions.ttlMs / 1000))).json({ ok: true, data: { who } });
  });

  router.post('/logout', staff, async (req, res) => {
    await deps.sessions.destroy(req.get('cookie'));
    res.set('Set-Cookie', cookie(req, '', 0)).json({ ok: true, data: {} });
  });

  router.get('/session', staff, (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ ok: true, data: { who: callerOf(res.locals) } });
  });

  router.post('/orders/:id/:action', staff, jsonBody, async (req, res) => {
    const action = StaffAction.safeParse(req.params.action);
    if (!action.success) return sendError(res, apiError('not_found', {}, `no staff action '${String(req.params.action)}'; use advance, recall or cancel`));
    // No body at all is `{}`: a script may send none, and then takes the step without `from`'s protection.
    const body = StaffActionRequest.safeParse(req.body ?? {});
    if (!body.success) return sendError(res, invalidInput(body.error, req.body));
    answer(res, await deps.commands.act(String(req.params.id), action.data, callerOf(res.locals), body.data.from));
  });

  router.post('/undo', staff, jsonBody, async (req, res) => {
    const parsed = UndoRequest.safeParse(req.body);
    if (!parsed.success) return sendError(res, invalidInput(parsed.error, req.body));
    answer(res, await deps.commands.undo(parsed.data.undo, callerOf(res.locals)));
  });
  return router;
}
