import { Router, type RequestHandler } from 'express';
import { apiError, type ApiError } from '../../shared/errors.js';
import type { Product } from '../../shared/schemas/catalogue.js';
import type { PilotConfig } from '../../shared/schemas/pilot.js';
import { MAX_REPORT_DAYS, ReportQuery } from '../../shared/schemas/report.js';
import { invalidInput } from '../../shared/validation.js';
import { dayEndOf, dayStartOf } from '../../shared/store-time.js';
import { computeReport } from '../report/report.js';
import { withHeapGrowthCapped } from '../heap-growth.js';
import { reportCsv } from '../report/report-csv.js';
import type { EventLog } from '../state/event-log.js';
import { sendError } from './error-status.js';
import { toMs } from './export.js';

const DAY_MS = 86_400_000;
/** Reports computed at once by one hub: each reads the log and bootstraps; more wait for a retry. */
const MAX_AT_ONCE = 2;

export interface ReportDeps {
  events: EventLog;
  timeZone: string;
  catalogue: readonly Product[];
  pilot: PilotConfig | undefined;
}

type Range = { format: 'json' | 'csv'; from: number; to: number; compare: boolean };

function issue(field: string, message: string, extra: { problem: 'before_from' } | { problem: 'too_large'; max: number } | { problem: 'invalid' }): ApiError {
  return apiError('invalid_input', { issues: [{ field, ...extra }] }, `${field}: ${message}`);
}

/**
 * A report's range from its query: `compare=baseline` reads the pilot and its baseline; else `from` and `to` as the
 * export reads them, by default the pilot's days (no pilot: the 28 days up to now). At most MAX_REPORT_DAYS.
 */
export function reportRange(query: unknown, deps: ReportDeps, now: number): Range | { error: ApiError } {
  const parsed = ReportQuery.safeParse(query);
  if (!parsed.success) return { error: invalidInput(parsed.error, query) };
  const q = parsed.data;
  const { pilot, timeZone } = deps;
  if (q.compare && !pilot) return { error: issue('compare', 'no pilot is configured (pilot in the config file)', { problem: 'invalid' }) };
  let from: number;
  let to: number;
  if (q.compare && pilot) {
    from = dayStartOf(pilot.baseline.from < pilot.from ? pilot.baseline.from : pilot.from, timeZone);
    to = dayEndOf(pilot.baseline.to > pilot.to ? pilot.baseline.to : pilot.to, timeZone);
  } else {
    to = q.to !== undefined ? toMs(q.to, true, timeZone) : pilot ? dayEndOf(pilot.to, timeZone) : now;
    from = q.from !== undefined ? toMs(q.from, false, timeZone) : pilot && q.to === undefined ? dayStartOf(pilot.from, timeZone) : to - 28 * DAY_MS + 1;
  }
  if (to < from) return { error: issue('to', 'must not be before from', { problem: 'before_from' }) };
  // Store days: 400 of them may hold an hour more than 400 × 24 h (more autumn DST changes than spring ones in the span).
  if (to - from > MAX_REPORT_DAYS * DAY_MS + 3_600_000)
    return { error: issue('to', `at most ${MAX_REPORT_DAYS} days after from`, { problem: 'too_large', max: MAX_REPORT_DAYS }) };
  return { format: q.format, from, to, compare: q.compare === 'baseline' };
}

/** `GET /api/report?from&to&format=json|csv&compare=baseline`: the pilot report (API token or staff session). */
export function reportRouter(deps: ReportDeps, auth: RequestHandler): Router {
  const router = Router();
  let running = 0;
  router.get('/report', auth, async (req, res, next) => {
    const range = reportRange(req.query, deps, Date.now());
    if ('error' in range) return sendError(res, range.error);
    if (running >= MAX_AT_ONCE)
      return sendError(res, apiError('rate_limited', { retryAfterSeconds: 1 }, 'reports are being computed; retry shortly'), { retryAfterSeconds: 1 });
    running++;
    try {
      const report = await withHeapGrowthCapped(() => computeReport({ ...deps, ...range }));
      res.set('Cache-Control', 'no-store');
      if (range.format === 'json') return void res.json(report);
      res.type('text/csv').set('Content-Disposition', 'attachment; filename="batchboard-report.csv"').send(reportCsv(report));
    } catch (err) {
      next(err);
    } finally {
      running--;
    }
  });
  return router;
}
