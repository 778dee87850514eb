import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { apiError } from '../../shared/errors.js';
import type { Intake, IntakeError } from '../ingest/intake.js';
import { sendError } from './error-status.js';

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
    const refuse = (reason: string, error: IntakeError) => {
      intake.reject('rest', reason, error);
      sendError(res, error);
    };
    if (type === 'entity.too.large') {
      refuse('too_large', apiError('too_large', { maxBytes: MAX_BODY_BYTES }, `body is over ${MAX_BODY_BYTES} bytes`));
    } else if (type === 'entity.parse.failed' || err instanceof SyntaxError) {
      refuse('invalid_json', apiError('invalid_json', {}, `body is not valid JSON: ${(err as Error).message}`));
    } else if (type === NOT_JSON) {
      refuse('not_json', apiError('not_json', {}, 'send the body with Content-Type: application/json'));
    } else if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      refuse('bad_encoding', apiError('not_json', {}, 'send UTF-8 JSON (Content-Type: application/json)'));
    } else {
      next(err);
    }
  };
}
