import { Router, type RequestHandler } from 'express';
import { EventExportQuery, ExportQuery } from '../../shared/schemas/event-log.js';
import type { z } from 'zod';
import { apiError, type ApiError } from '../../shared/errors.js';
import { invalidInput } from '../../shared/validation.js';
import { sendError } from './error-status.js';
import type { EventLog } from '../state/event-log.js';
import { streamExport } from '../events/export.js';
import { withHeapGrowthCapped } from '../heap-growth.js';
import { dayEndOf, dayStartOf, type TimeZone } from '../../shared/store-time.js';

/** A date alone means that whole day in the store's zone (`timeZone`); a number is milliseconds since the epoch. */
export function toMs(value: number | string, end: boolean, timeZone: TimeZone): number {
  if (typeof value === 'number') return value;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return end ? dayEndOf(value, timeZone) : dayStartOf(value, timeZone);
  return Date.parse(value);
}

type RangeQuery<F extends string> = z.ZodType<{ format: F; from: number | string; to?: number | string | undefined }>;

/** An export's format and range from its query (`ExportQuery`, or `schema` for one with more formats), or the error to answer: one reading for every log export. */
export function exportRange<F extends string = 'ndjson' | 'csv'>(
  query: unknown,
  timeZone: TimeZone,
  schema: RangeQuery<F> = ExportQuery as unknown as RangeQuery<F>,
): { format: F; from: number; to: number } | { error: ApiError } {
  const parsed = schema.safeParse(query);
  if (!parsed.success) return { error: invalidInput(parsed.error, query) };
  const from = toMs(parsed.data.from, false, timeZone);
  const to = parsed.data.to === undefined ? Date.now() : toMs(parsed.data.to, true, timeZone);
  if (to < from) return { error: apiError('invalid_input', { issues: [{ field: 'to', problem: 'before_from' }] }, 'to: must not be before from') };
  return { format: parsed.data.format, from, to };
}

/** `GET /api/export?from=&to=&format=ndjson|csv|parquet`: the event log for a range, streamed (API token or staff session). */
export function exportRouter(events: EventLog, auth: RequestHandler, timeZone?: TimeZone): Router {
  const router = Router();
  router.get('/export', auth, async (req, res, next) => {
    const range = exportRange(req.query, timeZone, EventExportQuery);
    if ('error' in range) return sendError(res, range.error);
    try {
      await withHeapGrowthCapped(() => streamExport(events, res, range.format, range.from, range.to));
    } catch (err) {
      // Headers are out once streaming began: end the body so the client sees a truncated file, not a hang.
      if (res.headersSent) res.destroy(err as Error);
      else next(err);
    }
  });
  return router;
}
