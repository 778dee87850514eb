import { createHash } from 'node:crypto';
import { LoggedEvent } from '../../shared/schemas/event-log.js';
import { footfallKey } from '../../shared/schemas/footfall.js';
import { parseJson } from '../../shared/parse-json.js';
import { structureOf } from '../../shared/structure-of.js';

/** How long a record's idempotency key is remembered: a redelivery comes within minutes, a hub's restart within hours. */
export const ONCE_WINDOW_MS = 24 * 3600_000;

/**
 * The append-only log of what happened: board changes (written by the store
 * itself, in the same step as the change, so each is logged once whichever
 * hub made it), staff actions (appended by the hub that took them), and
 * records that are not board state (footfall, social reach, sales).
 */
export interface EventLog {
  append(event: LoggedEvent): Promise<void>;
  /**
   * Appends `event` unless an entry with the same idempotency key (`onceKey`) was appended within ONCE_WINDOW_MS,
   * as one atomic step shared by every hub on the store: true when it was appended. For records an at-least-once
   * door may deliver twice (the inbox, MQTT QoS 1, every hub taking a pub/sub message, a POS's retry).
   */
  appendOnce(event: LoggedEvent & { type: OnceType }): Promise<boolean>;
  /** Events with `from <= at <= to`, oldest first, a page at a time, so a week of them never sits in memory. */
  pages(from: number, to: number): AsyncGenerator<LoggedEvent[]>;
  close(): Promise<void>;
}

export type OnceType = 'footfall' | 'sale';

/**
 * A record's idempotency key: a footfall's sensor and its id or time; a sale's source, id and the digest of
 * the whole sale, its `updatedAt` included (the same version delivered again is one entry; a changed basket, or the
 * same basket at another time, is a new one: the report keeps the latest by `updatedAt`).
 * Made from the logged entry alone, so the embedded log rebuilds its memory of keys from its files.
 */
export function onceKey(event: LoggedEvent): string | undefined {
  if (event.type === 'footfall') return footfallKey(event.footfall);
  if (event.type !== 'sale') return undefined;
  const digest = createHash('sha256').update(JSON.stringify(event.sale)).digest('hex');
  return `sale\n${event.sale.source}\n${event.sale.id}\n${digest}`;
}

/** What a reader checks of a stored line: its structure only; every line passed the whole schema when it was logged. */
const LoggedLine = structureOf(LoggedEvent);

/** One stored line back into an event; undefined for anything unreadable (a torn write, a foreign entry, an older shape). */
export function parseLoggedLine(raw: string): LoggedEvent | undefined {
  return parseJson(LoggedLine, raw);
}
