import { appendFileSync, createReadStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { LoggedEvent } from '../../../shared/schemas/event-log.js';
import type { Logger } from '../../log.js';
import { ONCE_WINDOW_MS, onceKey, parseLoggedLine, type EventLog, type OnceType } from '../event-log.js';

const DAY_MS = 86_400_000;
/** Idempotency keys one hub remembers: past it, the oldest are forgotten first. */
export const MAX_ONCE_KEYS = 200_000;

function fileDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/**
 * A file's lines, 64 KB's at a time: a day of a busy store is a hundred thousand lines, and readline's per-line
 * events cost more than splitting a chunk (`npm run bench -- report`). Not bigger: a chunk's lines live until the
 * last is read, long enough to be moved to the old heap; 1 MB chunks raised a 90-day report's peak RSS by 25 MB.
 * The last line may be torn (a crash).
 */
async function* lineChunks(file: string): AsyncGenerator<string[]> {
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    const lines = (rest + (chunk as string)).split('\n');
    rest = lines.pop()!;
    yield lines;
  }
  if (rest) yield [rest];
}

/**
 * The embedded hub's event log: one NDJSON file per UTC day under
 * DATA_DIR/events, appended synchronously; files older than `keepDays` are
 * deleted. Export reads the files line by line.
 */
export class FileEventLog implements EventLog {
  #dir: string;
  #log: Logger;
  #keepDays: number;
  #now: () => number;
  #pruned = '';
  /** Idempotency keys of the last ONCE_WINDOW_MS, with when each was logged; read back from the files at first use. */
  #once: Promise<Map<string, number>> | undefined;

  constructor(dataDir: string, log: Logger, keepDays: number, now: () => number = Date.now) {
    this.#dir = path.join(dataDir, 'events');
    this.#log = log;
    this.#keepDays = keepDays;
    this.#now = now;
    mkdirSync(this.#dir, { recursive: true });
  }

  append(event: LoggedEvent): Promise<void> {
    const day = fileDay(event.at);
    appendFileSync(path.join(this.#dir, `${day}.ndjson`), JSON.stringify(event) + '\n');
    if (this.#pruned !== day) this.#prune(day);
    return Promise.resolve();
  }

  async appendOnce(event: LoggedEvent & { type: OnceType }): Promise<boolean> {
    const key = onceKey(event)!;
    // A read that failed is tried again at the next count, not remembered as failed.
    const seen = await (this.#once ??= this.#recentKeys().catch((err: unknown) => {
      this.#once = undefined;
      throw err;
    }));
    // The key is taken before anything awaits: one process, so two deliveries at once cannot both find it free.
    const now = this.#now();
    const when = seen.get(key);
    if (when !== undefined && when > now - ONCE_WINDOW_MS) return false;
    seen.delete(key);
    seen.set(key, event.at);
    if (seen.size > MAX_ONCE_KEYS) for (const old of [...seen.keys()].slice(0, MAX_ONCE_KEYS / 10)) seen.delete(old);
    try {
      await this.append(event);
    } catch (err) {
      seen.delete(key); // not logged: the retry must be
      throw err;
    }
    return true;
  }

  /** A restart must not forget what it logged: the keys of the window's entries, from the files. */
  async #recentKeys(): Promise<Map<string, number>> {
    const seen = new Map<string, number>();
    for await (const page of this.pages(this.#now() - ONCE_WINDOW_MS, Number.MAX_SAFE_INTEGER)) {
      for (const e of page) {
        const key = onceKey(e);
        if (key !== undefined) seen.set(key, e.at);
      }
    }
    return seen;
  }

  async *pages(from: number, to: number): AsyncGenerator<LoggedEvent[]> {
    const first = fileDay(from);
    const last = fileDay(Math.min(to, 8_640_000_000_000));
    const days = this.#days().filter((d) => d >= first && d <= last);
    // A chunk's events are a page (a few hundred): handed over before the next read, they die young, where a page
    // filled across reads lived long enough to be moved to the old heap (a 90-day report's RSS grew by it).
    for (const day of days) {
      for await (const lines of lineChunks(path.join(this.#dir, `${day}.ndjson`))) {
        const page: LoggedEvent[] = [];
        for (const line of lines) {
          if (!line) continue;
          const event = parseLoggedLine(line);
          if (!event) continue; // a torn last line after a crash
          if (event.at >= from && event.at <= to) page.push(event);
        }
        if (page.length > 0) yield page;
      }
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  #days(): string[] {
    return readdirSync(this.#dir)
      .filter((f) => /^\d{4}-\d{2}-\d{2}\.ndjson$/.test(f))
      .map((f) => f.slice(0, 10))
      .sort();
  }

  #prune(today: string): void {
    this.#pruned = today;
    const oldest = fileDay(this.#now() - this.#keepDays * DAY_MS);
    for (const day of this.#days()) {
      if (day >= oldest) break;
      rmSync(path.join(this.#dir, `${day}.ndjson`), { force: true });
      this.#log.info({ day }, 'event log day past keepDays removed');
    }
  }
}
