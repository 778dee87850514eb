import type { RequestHandler } from 'express';
import { STAFF_CSRF_HEADER } from '../../shared/protocol.js';
import type { StaffSessions } from './sessions.js';
import type { Credentials } from '../credentials/credentials.js';
import { apiError } from '../../shared/errors.js';
import { bearerMatches, credentialsUnavailable } from '../http/auth.js';
import { sendError } from '../http/error-status.js';

/** Who is acting, for the log: a staff member's name, or 'api' for the token. */
export interface Caller {
  who: string;
}

/**
 * For staff actions: the API token (Stream Deck, scripts) or a staff session
 * cookie. A write with the cookie must also carry the staff header, which a
 * page on another site cannot send without the hub's consent, so a forged
 * cross-site request is refused even where SameSite is not honoured.
 */
export function requireStaff(sessions: StaffSessions, credentials: Credentials): RequestHandler {
  const tokenOk = bearerMatches(credentials);
  return (req, res, next) => {
    const token = tokenOk(req.get('authorization'));
    if (token) {
      res.locals.caller = { who: 'api' } satisfies Caller;
      next();
      return;
    }
    sessions.fromCookie(req.get('cookie')).then(
      (session) => {
        if (!session) {
          if (token === undefined) return credentialsUnavailable(res);
          return sendError(res, apiError('unauthorized', {}, 'log in at /staff, or send Authorization: Bearer <API_TOKEN>'));
        }
        const write = req.method !== 'GET' && req.method !== 'HEAD';
        if (write && req.get(STAFF_CSRF_HEADER) !== '1') {
          return sendError(res, apiError('csrf', { header: STAFF_CSRF_HEADER }, `staff writes must send the ${STAFF_CSRF_HEADER}: 1 header`));
        }
        res.locals.caller = { who: session.who } satisfies Caller;
        next();
      },
      (err: unknown) => next(err),
    );
  };
}

export function callerOf(locals: Record<string, unknown>): string {
  return (locals.caller as Caller | undefined)?.who ?? 'api';
}

/**
 * A staff session, and nothing else: for what only a person at the console may take (a clip's file), where the
 * API token of a Stream Deck or a script is not enough. Reads only (no CSRF header to ask for).
 */
export function requireSession(sessions: StaffSessions): RequestHandler {
  return (req, res, next) => {
    sessions.fromCookie(req.get('cookie')).then(
      (session) => {
        if (!session) return sendError(res, apiError('unauthorized', {}, 'log in at /staff: this is for a staff session only, not the API token'));
        res.locals.caller = { who: session.who } satisfies Caller;
        next();
      },
      (err: unknown) => next(err),
    );
  };
}
