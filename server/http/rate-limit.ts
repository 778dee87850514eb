import type { RequestHandler } from 'express';
import { apiError } from '../../shared/errors.js';
import { sendError } from './error-status.js';

/**
 * A fixed-window limit per client address: `limit` requests per `windowMs`, answered `rate_limited`
 * beyond it (`message`: the developer's hint of what was limited). Enough for a kiosk and a login form;
 * the table is swept as it goes, so a crowd of addresses cannot grow it without bound.
 */
export function rateLimit(opts: { limit: number; windowMs: number; message: string; now?: () => number }): RequestHandler {
  const now = opts.now ?? Date.now;
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = 0;
  return (req, res, next) => {
    const t = now();
    if (t - lastSweep > opts.windowMs) {
      for (const [k, w] of windows) if (t - w.start >= opts.windowMs) windows.delete(k);
      lastSweep = t;
    }
    const key = req.ip ?? 'unknown';
    let w = windows.get(key);
    if (!w || t - w.start >= opts.windowMs) windows.set(key, (w = { start: t, count: 0 }));
    if (++w.count <= opts.limit) {
      next();
      return;
    }
    const retryAfterSeconds = Math.ceil((w.start + opts.windowMs - t) / 1000);
    sendError(res, apiError('rate_limited', { retryAfterSeconds }, `${opts.message}; try again in ${retryAfterSeconds} s`));
  };
}
