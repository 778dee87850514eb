import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Intake } from '../ingest/intake.js';

export const MAX_BODY_BYTES = 16 * 1024;

const NOT_JSON = 'content-type.not.json';
const parseJson = express.json({ limit: MAX_BODY_BYTES, strict: false, type: () => true });

/**
 * Every JSON body on the API: declared as JSON, small, size checked before parsing. A body sent as
 * anything else is refused (415): a page on another site can POST `text/plain` without asking, and
 * must not reach the PIN login or the order routes that way.
 */
export const jsonBody: RequestHandler = (req, res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';
  if (hasBody && !req.is(['application/json', '+json'])) {
    next(Object.assign(new Error('the body is not declared as JSON'), { type: NOT_JSON }));
    return;
  }
  parseJson(req, res, next);
};

/** Turns body-parser failures from any /api route into the API's error shape, counted by reason. */
export function bodyErrors(intake: Intake): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    const type = (err as { type?: string } | null)?.type;
    if (type === 'entity.too.large') {
      res.status(413).json(intake.reject('rest', 'too_large', { code: 'invalid_input', message: `body is over ${MAX_BODY_BYTES} bytes` }));
    } else if (type === 'entity.parse.failed' || err instanceof SyntaxError) {
      res.status(400).json(intake.reject('rest', 'invalid_json', { code: 'invalid_json', message: `body is not valid JSON: ${(err as Error).message}` }));
    } else if (type === NOT_JSON) {
      res.status(415).json(intake.reject('rest', 'not_json', { code: 'invalid_input', message: 'send the body with Content-Type: application/json' }));
    } else if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      res.status(415).json(intake.reject('rest', 'bad_encoding', { code: 'invalid_input', message: 'send UTF-8 JSON' }));
    } else {
      next(err);
    }
  };
}
