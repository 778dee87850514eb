import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ScreenName, type ScreenSeen } from '../../../shared/schemas/display.js';
import { replaceFile } from '../../files/durable-file.js';
import { parseJson } from '../../../shared/parse-json.js';
import type { ScreenRows, ScreenTable } from '../screen-table.js';

const NamesFile = z.object({ added: z.record(ScreenName, z.number().int()) });

/**
 * Embedded: the added names in `DATA_DIR/screens.json` (rewritten whole; it is small), what was
 * seen in memory (one hub holds every screen, and finds out again as they reconnect).
 */
export class FileScreenTable implements ScreenTable {
  #file: string;
  #added = new Map<string, number>();
  #seen = new Map<string, ScreenSeen>();

  constructor(dataDir: string, warn: (message: string) => void) {
    this.#file = path.join(dataDir, 'screens.json');
    if (!existsSync(this.#file)) return;
    let text = '';
    try {
      text = readFileSync(this.#file, 'utf8');
    } catch {
      // unreadable: the same as damaged, below
    }
    const names = parseJson(NamesFile, text);
    // A damaged file costs staff adding their screens again, never the hub its start.
    if (!names) {
      warn(`${this.#file} is unreadable; starting with no screens added`);
      return;
    }
    for (const [name, at] of Object.entries(names.added)) this.#added.set(name, at);
  }

  add(name: string, at: number): Promise<boolean> {
    if (this.#added.has(name)) return Promise.resolve(false);
    this.#added.set(name, at);
    this.#save();
    return Promise.resolve(true);
  }

  remove(name: string): Promise<boolean> {
    this.#seen.delete(name);
    if (!this.#added.delete(name)) return Promise.resolve(false);
    this.#save();
    return Promise.resolve(true);
  }

  added(): Promise<Map<string, number>> {
    return Promise.resolve(new Map(this.#added));
  }

  putSeen(row: ScreenSeen): Promise<void> {
    if (this.#added.has(row.name)) this.#seen.set(row.name, row);
    return Promise.resolve();
  }

  rows(): Promise<ScreenRows> {
    return Promise.resolve({ added: new Map(this.#added), seen: [...this.#seen.values()] });
  }

  #save(): void {
    replaceFile(this.#file, JSON.stringify({ added: Object.fromEntries(this.#added) }), { private: true });
  }
}
