import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { DirectorLogEntry } from '../../shared/schemas/director.js';
import { parseJson } from '../../shared/parse-json.js';
import { csvCell } from '../events/csv.js';
import type { EventLog } from '../state/event-log.js';
import type { Logger } from '../log.js';

const CSV_COLUMNS = ['at', 'time', 'scene', 'cause', 'rule', 'machine', 'state', 'by'] as const;
/** Where the director kept its own log before it wrote to the event log: read for exports, never written. */
export const LEGACY_FILE = 'director-log.ndjson';

/**
 * The director log: every program switch with time, cause and scene. Each is a `director` entry of the
 * event log, so it is kept, trimmed and exported like every other event, on Redis or on disk; the director's
 * route is a filtered view of it. The latest entries are also held here, for the console.
 */
export class DirectorJournal {
  #events: EventLog;
  #log: Logger;
  #legacy: string;
  #recent: DirectorLogEntry[] = [];

  constructor(events: EventLog, log: Logger, dataDir: string) {
    this.#events = events;
    this.#log = log;
    this.#legacy = path.join(dataDir, LEGACY_FILE);
  }

  append(entry: DirectorLogEntry): void {
    this.#recent.push(entry);
    if (this.#recent.length > 200) this.#recent.splice(0, this.#recent.length - 200);
    // A switch has happened whether or not the log takes it: a store that is down costs the log line, not the switch.
    this.#events.append({ type: 'director', director: entry, at: entry.at }).catch((err: unknown) => {
      this.#log.error({ err: (err as Error).message, scene: entry.scene }, 'could not log a program switch');
    });
  }

  /** The latest entries, newest last (for the console). */
  recent(limit = 50): DirectorLogEntry[] {
    return this.#recent.slice(-limit);
  }

  /** Entries with from <= at <= to, as NDJSON or CSV text, streamed: an older store's own file first, then the event log's. */
  export(format: 'ndjson' | 'csv', from: number, to: number): Readable {
    const legacy = this.#legacy;
    const events = this.#events;
    async function* entries(): AsyncGenerator<DirectorLogEntry> {
      if (existsSync(legacy)) {
        const reader = createInterface({ input: createReadStream(legacy, 'utf8'), crlfDelay: Infinity });
        for await (const line of reader) {
          const entry = parseJson(DirectorLogEntry, line); // a torn last line after a crash is skipped
          if (entry && entry.at >= from && entry.at <= to) yield entry;
        }
      }
      for await (const page of events.pages(from, to)) for (const e of page) if (e.type === 'director') yield e.director;
    }
    async function* lines(): AsyncGenerator<string> {
      if (format === 'csv') yield CSV_COLUMNS.join(',') + '\n';
      for await (const entry of entries()) {
        if (format === 'ndjson') yield JSON.stringify(entry) + '\n';
        else
          yield (
            [entry.at, new Date(entry.at).toISOString(), entry.scene, entry.cause, entry.rule, entry.machine, entry.state, entry.by].map(csvCell).join(',') +
            '\n'
          );
      }
    }
    return Readable.from(lines());
  }
}
