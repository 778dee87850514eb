import { appendFileSync, createReadStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { DirectorLogEntry } from '../../shared/schemas/director.js';
import { csvCell } from '../events/csv.js';

const CSV_COLUMNS = ['at', 'time', 'scene', 'cause', 'rule', 'machine', 'state', 'by'] as const;

/**
 * The director log: every program switch with time, cause and scene, appended
 * to an NDJSON file (one line per switch) and exported by streaming that file,
 * so a long season exports without being loaded into memory.
 */
export class DirectorJournal {
  #file: string;
  #recent: DirectorLogEntry[] = [];

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.#file = path.join(dataDir, 'director-log.ndjson');
  }

  append(entry: DirectorLogEntry): void {
    appendFileSync(this.#file, JSON.stringify(entry) + '\n');
    this.#recent.push(entry);
    if (this.#recent.length > 200) this.#recent.splice(0, this.#recent.length - 200);
  }

  /** The latest entries, newest last (for the console). */
  recent(limit = 50): DirectorLogEntry[] {
    return this.#recent.slice(-limit);
  }

  /** Entries with from <= at < to, as NDJSON or CSV text, streamed. */
  export(format: 'ndjson' | 'csv', from: number, to: number): Readable {
    const file = this.#file;
    async function* lines(): AsyncGenerator<string> {
      if (format === 'csv') yield CSV_COLUMNS.join(',') + '\n';
      if (!existsSync(file)) return;
      const reader = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
      for await (const line of reader) {
        let entry: DirectorLogEntry;
        try {
          const parsed = DirectorLogEntry.safeParse(JSON.parse(line));
          if (!parsed.success) continue;
          entry = parsed.data;
        } catch {
          continue; // a torn last line after a crash
        }
        if (entry.at < from || entry.at >= to) continue;
        if (format === 'ndjson') yield JSON.stringify(entry) + '\n';
        else yield [entry.at, new Date(entry.at).toISOString(), entry.scene, entry.cause, entry.rule, entry.machine, entry.state, entry.by].map(csvCell).join(',') + '\n';
      }
    }
    return Readable.from(lines());
  }
}
