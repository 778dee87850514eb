import { appendFileSync, createReadStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { LoggedEvent } from '../../../shared/schemas/event-log.js';
import type { Logger } from '../../log.js';
import { parseLoggedLine, type EventLog } from '../event-log.js';

const PAGE = 1_000;
const DAY_MS = 86_400_000;

function fileDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
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

  async *pages(from: number, to: number): AsyncGenerator<LoggedEvent[]> {
    const first = fileDay(from);
    const last = fileDay(Math.min(to, 8_640_000_000_000));
    const days = this.#days().filter((d) => d >= first && d <= last);
    let page: LoggedEvent[] = [];
    for (const day of days) {
      const lines = createInterface({ input: createReadStream(path.join(this.#dir, `${day}.ndjson`)), crlfDelay: Infinity });
      for await (const line of lines) {
        if (!line) continue;
        const event = parseLoggedLine(line);
        if (!event) continue; // a torn last line after a crash
        if (event.at < from || event.at > to) continue;
        page.push(event);
        if (page.length >= PAGE) {
          yield page;
          page = [];
        }
      }
    }
    if (page.length > 0) yield page;
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
