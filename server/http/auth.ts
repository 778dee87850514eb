import type { RequestHandler, Response } from 'express';
import type { Credentials } from '../credentials/credentials.js';

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
  res
    .status(503)
    .set('Retry-After', '1')
    .json({ ok: false, error: { code: 'store_unavailable', message: 'the hub cannot read its credentials yet; retry shortly' } });
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
    res
      .status(401)
      .set('WWW-Authenticate', 'Bearer realm="batchboard"')
      .json({ ok: false, error: { code: 'unauthorized', message: 'send Authorization: Bearer <API_TOKEN>' } });
  };
}
