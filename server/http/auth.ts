import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Whether an Authorization header carries the token, compared in constant time (hashing first evens out the lengths). */
export function bearerMatches(token: string): (header: string | undefined) => boolean {
  const expected = digest(token);
  return (header) => {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    return Boolean(match?.[1] && timingSafeEqual(digest(match[1]), expected));
  };
}

/** `Authorization: Bearer <API_TOKEN>`. */
export function requireApiToken(token: string): RequestHandler {
  const matches = bearerMatches(token);
  return (req, res, next) => {
    if (matches(req.get('authorization'))) {
      next();
      return;
    }
    res
      .status(401)
      .set('WWW-Authenticate', 'Bearer realm="batchboard"')
      .json({ ok: false, error: { code: 'unauthorized', message: 'send Authorization: Bearer <API_TOKEN>' } });
  };
}
