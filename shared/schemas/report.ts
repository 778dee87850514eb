import { z } from 'zod';

/** The longest range one report reads: a pilot and its baseline with room to spare, and a bound on the work. */
export const MAX_REPORT_DAYS = 400;

/** An instant: milliseconds since the epoch, or an ISO date (that whole store day) or date-time, as the export takes them. */
const Instant = z.union([z.coerce.number().int().min(0), z.iso.date().or(z.iso.datetime({ offset: true }))]);

/** `GET /api/report` (docs/protocol.md, "The pilot report"). */
export const ReportQuery = z
  .object({
    format: z.enum(['json', 'csv']).default('json'),
    from: Instant.optional(),
    to: Instant.optional(),
    /** `baseline`: the range is the pilot and its baseline, and the report adds the one against the other. */
    compare: z.enum(['baseline']).optional(),
  })
  .strict();
export type ReportQuery = z.infer<typeof ReportQuery>;
