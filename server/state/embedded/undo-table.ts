import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseJson } from '../../../shared/parse-json.js';
import { replaceFile } from '../../files/durable-file.js';
import { UndoEntry, type UndoTable } from '../undo-table.js';

/** Undo ids one embedded hub keeps at once; past this, the ones closest to their end make room. */
const MAX_UNDO = 500;
const UndoFile = z.record(z.string().max(64), UndoEntry);

/**
 * Embedded: the table in a file in DATA_DIR, rewritten whole (a few actions of the last seconds) at each action
 * and undo, so an Undo tapped after a restart still takes the action back, as it does on Redis.
 */
export class FileUndoTable implements UndoTable {
  #rows = new Map<string, UndoEntry>();
  #file: string;
  #now: () => number;
  constructor(dataDir: string, now: () => number = Date.now) {
    this.#file = path.join(dataDir, 'staff-undo.json');
    this.#now = now;
    // A damaged file costs the last seconds' undos, never the hub its start.
    for (const [id, entry] of Object.entries(this.#read() ?? {})) this.#rows.set(id, entry);
  }
  put(id: string, entry: UndoEntry): Promise<void> {
    this.#rows.set(id, entry);
    this.#save();
    return Promise.resolve();
  }
  /** Its window is the caller's to check (by the clock it keeps); the file only forgets what is long over. */
  get(id: string): Promise<UndoEntry | undefined> {
    return Promise.resolve(this.#rows.get(id));
  }
  delete(id: string): Promise<void> {
    if (this.#rows.delete(id)) this.#save();
    return Promise.resolve();
  }
  #read(): Record<string, UndoEntry> | undefined {
    if (!existsSync(this.#file)) return undefined;
    try {
      return parseJson(UndoFile, readFileSync(this.#file, 'utf8'));
    } catch {
      return undefined;
    }
  }
  #save(): void {
    const now = this.#now();
    for (const [id, entry] of this.#rows) if (entry.until <= now) this.#rows.delete(id);
    if (this.#rows.size > MAX_UNDO) {
      const oldest = [...this.#rows].sort((a, b) => a[1].until - b[1].until).slice(0, this.#rows.size - MAX_UNDO);
      for (const [id] of oldest) this.#rows.delete(id);
    }
    replaceFile(this.#file, JSON.stringify(Object.fromEntries(this.#rows)), { private: true });
  }
}
