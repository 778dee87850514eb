import { z } from 'zod';
import { EpochMs, Id } from './common.js';

/** People one count may report each way: a door counter reports every few minutes, never a stadium's crowd. */
export const MAX_FOOTFALL_PER_EVENT = 10_000;

const People = z.number().int().min(0).max(MAX_FOOTFALL_PER_EVENT);

/**
 * A people counter's count at the store's door (docs/protocol.md, "Footfall"): people who came in and went
 * out since its last count, at `at` (the counter's time). Not board state: it goes to the event log only.
 * Its idempotency key is `sensor` and `id` when it has one, else `sensor` and `at`: a count delivered
 * again (the inbox, MQTT QoS 1, every hub taking a pub/sub message) is logged once. The hub takes a count only
 * within 22 h behind and 1 h ahead of its clock, so none comes again after its key lapsed (server/ingest/intake.ts).
 */
export const Footfall = z.object({
  sensor: Id,
  in: People,
  out: People,
  at: EpochMs,
  /** The counter's own id for this count, for a counter that may send two counts in one millisecond. */
  id: Id.optional(),
});
export type Footfall = z.infer<typeof Footfall>;

/** The key a count is logged once by (within the dedupe window, docs/protocol.md). */
export function footfallKey(f: Footfall): string {
  return f.id !== undefined ? `footfall\n${f.sensor}\nid:${f.id}` : `footfall\n${f.sensor}\nat:${f.at}`;
}
