import path from 'node:path';
import { z } from 'zod';
import { UndoEntry, type UndoTable } from '../undo-table.js';
import { FileRows } from './file-rows.js';

/** Undo ids one embedded hub keeps at once; past this, the ones closest to their end make room. */
const MAX_UNDO = 500;
const UndoFile = z.record(z.string().max(64), UndoEntry);

/**
 * Embedded: the table in a file in DATA_DIR, rewritten whole (a few actions of the last seconds) at each action
 * and undo, so an Undo tapped after a restart still takes the action back, as it does on Redis.
 */
export class FileUndoTable implements UndoTable {
  #table: FileRows<UndoEntry>;
  constructor(dataDir: string, now: () => number = Date.now) {
    this.#table = new FileRows(path.join(dataDir, 'staff-undo.json'), UndoFile, { endOf: (e) => e.until, max: MAX_UNDO, now });
  }
  put(id: string, entry: UndoEntry): Promise<void> {
    this.#table.rows.set(id, entry);
    this.#table.save();
    return Promise.resolve();
  }
  /** Its window is the caller's to check (by the clock it keeps); the file only forgets what is over. */
  get(id: string): Promise<UndoEntry | undefined> {
    return Promise.resolve(this.#table.rows.get(id));
  }
  delete(id: string): Promise<void> {
    if (this.#table.rows.delete(id)) this.#table.save();
    return Promise.resolve();
  }
}
