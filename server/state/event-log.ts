import { LoggedEvent } from '../../shared/schemas/event-log.js';
import { parseJson } from '../../shared/parse-json.js';

/**
 * The append-only log of what happened: board changes (written by the store
 * itself, in the same step as the change, so each is logged once whichever
 * hub made it) and staff actions (appended by the hub that took them).
 */
export interface EventLog {
  append(event: LoggedEvent): Promise<void>;
  /** Events with `from <= at <= to`, oldest first, a page at a time, so a week of them never sits in memory. */
  pages(from: number, to: number): AsyncGenerator<LoggedEvent[]>;
  close(): Promise<void>;
}

/** One stored line back into an event; undefined for anything unreadable (a torn write, a foreign entry). */
export function parseLoggedLine(raw: string): LoggedEvent | undefined {
  return parseJson(LoggedEvent, raw);
}
