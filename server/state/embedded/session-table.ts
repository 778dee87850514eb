import path from 'node:path';
import { z } from 'zod';
import { Session, type SessionTable } from '../session-table.js';
import { FileRows } from './file-rows.js';

/** Sessions one embedded hub keeps; past this, the ones closest to expiry make room. */
const MAX_FILE_SESSIONS = 1_000;
const SessionFile = z.record(z.string().regex(/^[0-9a-f]{64}$/), Session);

/**
 * Embedded: the table in a file in DATA_DIR, rewritten whole (it is small) at each login and logout,
 * so a tablet stays logged in when the hub is restarted, as it does on Redis.
 */
export class FileSessionTable implements SessionTable {
  #table: FileRows<Session>;
  constructor(dataDir: string, now: () => number) {
    this.#table = new FileRows(path.join(dataDir, 'staff-sessions.json'), SessionFile, { endOf: (s) => s.expiresAt, max: MAX_FILE_SESSIONS, now });
  }
  put(id: string, session: Session): Promise<void> {
    this.#table.rows.set(id, session);
    this.#table.save();
    return Promise.resolve();
  }
  get(id: string): Promise<Session | undefined> {
    return Promise.resolve(this.#table.rows.get(id));
  }
  delete(id: string): Promise<void> {
    if (this.#table.rows.delete(id)) this.#table.save();
    return Promise.resolve();
  }
  /** Also from another process (the credentials command, while the hub is stopped): the file is the truth. */
  endAll(): Promise<number> {
    const kept = this.#table.read();
    this.#table.clear();
    return Promise.resolve(kept ? Object.keys(kept).length : 0);
  }
}
