import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { Intake } from '../ingest/intake.js';

export const MAX_BODY_BYTES = 16 * 1024;

/** Every JSON body on the API: small, any content type, size checked before parsing. */
export const jsonBody: RequestHandler = express.json({ limit: MAX_BODY_BYTES, strict: false, type: () => true });

/** Turns body-parser failures from any /api route into the API's error shape, counted by reason. */
export function bodyErrors(intake: Intake): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    const type = (err as { type?: string } | null)?.type;
    if (type === 'entity.too.large') {
      res.status(413).json(intake.reject('rest', 'too_large', { code: 'invalid_input', message: `body is over ${MAX_BODY_BYTES} bytes` }));
    } else if (type === 'entity.parse.failed' || err instanceof SyntaxError) {
      res.status(400).json(intake.reject('rest', 'invalid_json', { code: 'invalid_json', message: `body is not valid JSON: ${(err as Error).message}` }));
    } else if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      res.status(415).json(intake.reject('rest', 'bad_encoding', { code: 'invalid_input', message: 'send UTF-8 JSON' }));
    } else {
      next(err);
    }
  };
}
