import type { Redis } from 'ioredis';
import type { LoggedEvent } from '../../../shared/schemas/event-log.js';
import type { Logger } from '../../log.js';
import { parseLoggedLine, type EventLog } from '../event-log.js';

/** The stream the store's scripts append board changes to; entry ids are Redis server times, so a time range is an id range. */
export const EVENT_LOG_STREAM = 'batchboard:events';
const PAGE = 1_000;

export class RedisEventLog implements EventLog {
  #redis: Redis;
  #log: Logger;
  #cap: number;

  constructor(redis: Redis, log: Logger, cap: number) {
    this.#redis = redis;
    this.#log = log;
    this.#cap = cap;
  }

  async append(event: LoggedEvent): Promise<void> {
    await this.#redis.xadd(EVENT_LOG_STREAM, 'MAXLEN', '~', this.#cap, '*', 'e', JSON.stringify(event));
  }

  async *pages(from: number, to: number): AsyncGenerator<LoggedEvent[]> {
    let start = String(from);
    for (;;) {
      const entries = await this.#redis.xrange(EVENT_LOG_STREAM, start, String(to), 'COUNT', PAGE);
      if (entries.length === 0) return;
      const page: LoggedEvent[] = [];
      let unreadable: string | undefined;
      let skipped = 0;
      for (const [, fields] of entries) {
        const raw = fields[fields.indexOf('e') + 1];
        const parsed = raw === undefined ? undefined : parseLoggedLine(raw);
        if (parsed) page.push(parsed);
        else {
          skipped++;
          unreadable ??= raw?.slice(0, 200);
        }
      }
      // One line per page, not per entry: a stream full of foreign entries must not flood the log.
      if (skipped > 0) this.#log.warn({ skipped, example: unreadable }, 'unreadable event log entries skipped');
      yield page;
      if (entries.length < PAGE) return;
      start = `(${entries.at(-1)![0]}`;
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
