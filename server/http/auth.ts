import type { RequestHandler, Response } from 'express';
import { apiError } from '../../shared/errors.js';
import type { Credentials } from '../credentials/credentials.js';
import { sendError } from './error-status.js';

/**
 * Whether an Authorization header carries the API token: true, false, or undefined while the hub
 * cannot read its kept token yet (Redis away at start).
 */
export function bearerMatches(credentials: Credentials): (header: string | undefined) => boolean | undefined {
  return (header) => {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    const verdict = match?.[1] ? credentials.tokenMatches(match[1]) : false;
    return verdict;
  };
}

/** 503, not 401: the caller's token may well be right; the hub cannot check it yet. */
export function credentialsUnavailable(res: Response): void {
  sendError(res, apiError('store_unavailable', {}, 'the hub cannot read its credentials yet; retry shortly'), { retryAfterSeconds: 1 });
}

/** `Authorization: Bearer <API_TOKEN>`. */
export function requireApiToken(credentials: Credentials): RequestHandler {
  const matches = bearerMatches(credentials);
  return (req, res, next) => {
    const verdict = matches(req.get('authorization'));
    if (verdict) {
      next();
      return;
    }
    if (verdict === undefined) return credentialsUnavailable(res);
    res.set('WWW-Authenticate', 'Bearer realm="batchboard"');
    sendError(res, apiError('unauthorized', {}, 'send Authorization: Bearer <API_TOKEN>'));
  };
}
