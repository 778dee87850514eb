import { z } from 'zod';
import { MachineEvent, OrderEvent, RunEvent, SceneEvent } from './board.js';
import { EpochMs, Id, label } from './common.js';
import { OrderStatus } from './order.js';
import { DirectorLogEntry, Highlight } from './director.js';
import { Footfall } from './footfall.js';
import { Sale } from './sale.js';
import { SocialEntry } from './social.js';

/** What staff did, as the log keeps it. */
export const StaffLogEntry = z.object({
  who: label(32),
  action: z.enum(['advance', 'recall', 'cancel', 'undo']),
  order: Id,
  number: label(8),
  from: OrderStatus,
  to: OrderStatus,
});
export type StaffLogEntry = z.infer<typeof StaffLogEntry>;

const At = { at: EpochMs };

/**
 * One line of the append-only event log: every accepted board change (with its
 * seq, exactly as screens got it, plus when the store applied it), every
 * staff action, and what the pilot report reads that is not board state (footfall, social reach, whole-basket
 * sales: `at` is when the hub logged it, the record's own time is inside). `GET /api/export` streams these as NDJSON or CSV.
 */
export const LoggedEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('order'), ...OrderEvent.shape, ...At }),
  z.object({ type: z.literal('machine'), ...MachineEvent.shape, ...At }),
  z.object({ type: z.literal('scene'), ...SceneEvent.shape, ...At }),
  z.object({ type: z.literal('run'), ...RunEvent.shape, ...At }),
  z.object({ type: z.literal('staff'), staff: StaffLogEntry, ...At }),
  // A program switch with its cause: the director's log is these entries (GET /api/director/log is a filtered view).
  z.object({ type: z.literal('director'), director: DirectorLogEntry, ...At }),
  // A highlight clip saved from OBS's replay buffer: the day's highlights are read back from these at start.
  // `path`: where OBS saved the clip, so a restarted hub can still serve today's clips (never shown to a page).
  z.object({ type: z.literal('highlight'), highlight: Highlight, path: z.string().max(4096).optional(), ...At }),
  // A people counter's count (any door): logged once per idempotency key (shared/schemas/footfall.ts).
  z.object({ type: z.literal('footfall'), footfall: Footfall, ...At }),
  // A social post's reach (POST /api/social): the latest per post counts.
  z.object({ type: z.literal('social'), social: SocialEntry, ...At }),
  // A POS sale's whole basket (the webhook door): the latest per source and id counts.
  z.object({ type: z.literal('sale'), sale: Sale, ...At }),
  // The stream went live or stopped (OBS's stream output, as the director sees it): the pilot report's windows.
  z.object({ type: z.literal('stream'), stream: z.object({ live: z.boolean() }), ...At }),
]);
export type LoggedEvent = z.infer<typeof LoggedEvent>;

export const ExportQuery = z.object({
  format: z.enum(['ndjson', 'csv']).default('ndjson'),
  /** Milliseconds since the epoch, or an ISO date such as 2026-11-24 or 2026-11-24T10:00:00Z. */
  from: z.union([z.coerce.number().int().min(0), z.iso.date().or(z.iso.datetime({ offset: true }))]).default(0),
  to: z.union([z.coerce.number().int().min(0), z.iso.date().or(z.iso.datetime({ offset: true }))]).optional(),
});

/** `GET /api/export`'s query: the log's range as above, in any of the log's formats (Parquet for a warehouse). */
export const EventExportQuery = ExportQuery.extend({ format: z.enum(['ndjson', 'csv', 'parquet']).default('ndjson') });
export type EventExportFormat = z.infer<typeof EventExportQuery>['format'];
