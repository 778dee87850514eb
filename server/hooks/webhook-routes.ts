import express, { Router, type ErrorRequestHandler } from 'express';
import { apiError } from '../../shared/errors.js';
import { sendError } from '../http/error-status.js';
import type { HookSource } from './webhook-config.js';
import { WebhookDoor, type HookDeps } from './webhook-door.js';

/** A POS's order payload is a few KB; Shopify's largest orders stay well under this. */
export const MAX_HOOK_BODY_BYTES = 1024 * 1024;

/**
 * `POST /api/hooks/<name>`, one route per configured source (none when there are none: an unknown name is the
 * app's 404). The body is read raw, never parsed by express: the signature is over its exact bytes. No API token:
 * the signature is the authentication.
 */
export function hooksRouter(hooks: Readonly<Record<string, HookSource>>, deps: HookDeps): Router | undefined {
  const sources = Object.values(hooks);
  if (sources.length === 0) return undefined;
  const router = Router();
  const raw = express.raw({ limit: MAX_HOOK_BODY_BYTES, type: () => true });
  const doors = new Map<string, WebhookDoor>();
  for (const hook of sources) {
    const door = new WebhookDoor(hook, deps);
    doors.set(hook.name, door);
    router.post(`/${hook.name}`, raw, async (req, res) => {
      const body: unknown = req.body;
      const answer = await door.receive(req.headers, Buffer.isBuffer(body) ? body : Buffer.alloc(0));
      if (answer.ok) res.json(answer);
      else sendError(res, answer.error, answer.error.code === 'store_unavailable' ? { retryAfterSeconds: 1 } : {});
    });
  }
  const tooLarge: ErrorRequestHandler = (err: unknown, req, res, next) => {
    const door = doors.get(req.path.slice(1));
    if ((err as { type?: unknown } | null)?.type !== 'entity.too.large' || !door) return next(err);
    const error = apiError('too_large', { maxBytes: MAX_HOOK_BODY_BYTES }, `the body is over ${MAX_HOOK_BODY_BYTES} bytes`);
    door.refuse('too_large', error);
    sendError(res, error);
  };
  router.use(tooLarge);
  return router;
}
