import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { z } from 'zod';
import { parseJson } from '../../../shared/parse-json.js';
import { replaceFile } from '../../files/durable-file.js';

/**
 * A small table of rows that end, kept whole in one private JSON file in DATA_DIR and rewritten at each change: rows
 * past their end are dropped, and past `max` rows the ones nearest their end make room. A damaged or missing file
 * reads as no rows, so it costs its rows, never the hub its start.
 */
export class FileRows<T> {
  readonly rows = new Map<string, T>();
  #file: string;
  #schema: z.ZodType<Record<string, T>>;
  #endOf: (row: T) => number;
  #max: number;
  #now: () => number;

  constructor(file: string, schema: z.ZodType<Record<string, T>>, opts: { endOf: (row: T) => number; max: number; now: () => number }) {
    this.#file = file;
    this.#schema = schema;
    this.#endOf = opts.endOf;
    this.#max = opts.max;
    this.#now = opts.now;
    for (const [id, row] of Object.entries(this.read() ?? {})) this.rows.set(id, row);
  }

  /** The file as it is now (another process may have written it). */
  read(): Record<string, T> | undefined {
    if (!existsSync(this.#file)) return undefined;
    try {
      return parseJson(this.#schema, readFileSync(this.#file, 'utf8'));
    } catch {
      return undefined;
    }
  }

  save(): void {
    const now = this.#now();
    for (const [id, row] of this.rows) if (this.#endOf(row) <= now) this.rows.delete(id);
    if (this.rows.size > this.#max) {
      const nearest = [...this.rows].sort((a, b) => this.#endOf(a[1]) - this.#endOf(b[1])).slice(0, this.rows.size - this.#max);
      for (const [id] of nearest) this.rows.delete(id);
    }
    replaceFile(this.#file, JSON.stringify(Object.fromEntries(this.rows)), { private: true });
  }

  /** Every row gone, the file too. */
  clear(): void {
    this.rows.clear();
    rmSync(this.#file, { force: true });
  }
}
