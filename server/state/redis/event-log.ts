import type { Redis } from 'ioredis';
import type { LoggedEvent } from '../../../shared/schemas/event-log.js';
import type { Logger } from '../../log.js';
import { createHash } from 'node:crypto';
import { ONCE_WINDOW_MS, onceKey, parseLoggedLine, type EventLog, type OnceType } from '../event-log.js';

/** The stream the store's scripts append board changes to; entry ids are Redis server times, so a time range is an id range. */
export const EVENT_LOG_STREAM = 'batchboard:events';
const PAGE = 1_000;
/** One key per record's idempotency key (a digest: a producer cannot make one long), expiring after the window. */
const ONCE_PREFIX = 'batchboard:once:';
/**
 * KEYS: the once key, the log. ARGV: window ms, cap, entry. The key checked, the entry added and the key taken in one
 * step, for every hub. The key is taken after the entry is added: a script that fails midway keeps what it wrote
 * before the error, so a key taken first would outlive an XADD that failed and drop the retry as a duplicate.
 */
const APPEND_ONCE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'e', ARGV[3])
redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
return 1`;

type Entry = [id: string, fields: string[]];

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

  async appendOnce(event: LoggedEvent & { type: OnceType }): Promise<boolean> {
    const key = ONCE_PREFIX + createHash('sha256').update(onceKey(event)!).digest('hex');
    const added = await this.#redis.eval(APPEND_ONCE, 2, key, EVENT_LOG_STREAM, ONCE_WINDOW_MS, this.#cap, JSON.stringify(event));
    return added === 1;
  }

  /**
   * The next page is asked for before this one is handed over: Redis reads it while the caller works on this one
   * (a report over a million entries spent a third of its time waiting on Redis; `npm run bench -- report`).
   */
  async *pages(from: number, to: number): AsyncGenerator<LoggedEvent[]> {
    const read = (start: string) => {
      const page = this.#redis.xrange(EVENT_LOG_STREAM, start, String(to), 'COUNT', PAGE);
      // Heard at once: a read ahead may fail while the caller is busy elsewhere (an export waiting on its client),
      // which would otherwise surface as an unhandled rejection; awaiting it still throws.
      page.catch(() => undefined);
      return page;
    };
    // A caller that stops early leaves a read in flight: its answer is dropped, and its failure was heard above.
    let next: Promise<Entry[]> | undefined = read(String(from));
    while (next) {
      const entries: Entry[] = await next;
      next = entries.length === PAGE ? read(`(${entries.at(-1)![0]}`) : undefined;
      if (entries.length > 0) yield this.#parse(entries);
    }
  }

  #parse(entries: Entry[]): LoggedEvent[] {
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
    return page;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
