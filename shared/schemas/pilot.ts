import { z } from 'zod';
import { MAX_REPORT_DAYS } from './report.js';

/** The days a production window may name, Monday first (ISO 8601). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const IsoDate = z.iso.date({ error: 'must be a date, YYYY-MM-DD' });
const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day, HH:MM');

/** Days from `from` to `to`, both included (ISO dates: calendar days, whatever the store's clock does at DST). */
function daysOf(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
}

/** A range of whole days on the store's clock (`timeZone`), both ends included. */
const DayRange = z
  .object({ from: IsoDate, to: IsoDate })
  .strict()
  .refine((r) => r.from <= r.to, { message: 'must not be before from', path: ['to'] });

/** Hours of the store's day when production is live on the floor, on some weekdays (default: every day). */
export const ProductionWindow = z
  .object({
    days: z.array(z.enum(WEEKDAYS)).min(1).max(7).optional(),
    from: TimeOfDay,
    to: TimeOfDay,
  })
  .strict()
  .refine((w) => w.from < w.to, { message: 'must be after from (a window within one day)', path: ['to'] });
export type ProductionWindow = z.infer<typeof ProductionWindow>;

/**
 * The pilot the report answers for (docs/protocol.md, "Pilot"): its days, the baseline days it is compared
 * with (not overlapping it), the shop floor's area, and when production is live. Without `productionWindows`,
 * a window is any time a machine is `running` or the stream is live (the event log's `machine` and `stream` entries).
 */
export const PilotConfig = z
  .object({
    name: z.string().min(1).max(64),
    from: IsoDate,
    to: IsoDate,
    baseline: DayRange,
    /** The shop floor's area in square metres: throughput per m². */
    floorAreaM2: z.number().positive().max(100_000),
    productionWindows: z.array(ProductionWindow).min(1).max(50).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.to < p.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    // ISO dates compare as text; a baseline overlapping the pilot would compare the pilot with itself.
    if (p.baseline.from <= p.to && p.baseline.to >= p.from) {
      ctx.addIssue({ code: 'custom', path: ['baseline'], message: `must not overlap the pilot (${p.from} to ${p.to}): days before it, as a rule` });
    }
    // A report reads at most MAX_REPORT_DAYS: a pilot (or baseline, or both for compare=baseline) longer could never be reported.
    const tooLong = (from: string, to: string) => daysOf(from, to) > MAX_REPORT_DAYS;
    const most = `must span at most ${MAX_REPORT_DAYS} days (a report reads no more)`;
    if (tooLong(p.from, p.to)) ctx.addIssue({ code: 'custom', path: ['to'], message: `${most}: ${p.from} to ${p.to} is ${daysOf(p.from, p.to)}` });
    else if (tooLong(p.baseline.from, p.baseline.to)) {
      ctx.addIssue({
        code: 'custom',
        path: ['baseline', 'to'],
        message: `${most}: ${p.baseline.from} to ${p.baseline.to} is ${daysOf(p.baseline.from, p.baseline.to)}`,
      });
    } else {
      const first = p.baseline.from < p.from ? p.baseline.from : p.from;
      const last = p.baseline.to > p.to ? p.baseline.to : p.to;
      if (tooLong(first, last)) {
        const message = `with the pilot, must span at most ${MAX_REPORT_DAYS} days (compare=baseline reads both as one range): ${first} to ${last} is ${daysOf(first, last)}`;
        ctx.addIssue({ code: 'custom', path: ['baseline'], message });
      }
    }
  });
export type PilotConfig = z.infer<typeof PilotConfig>;
