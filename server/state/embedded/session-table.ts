import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseJson } from '../../../shared/parse-json.js';
import { replaceFile } from '../../files/durable-file.js';
import { Session, type SessionTable } from '../session-table.js';

/** Sessions one embedded hub keeps; past this, the ones closest to expiry make room. */
const MAX_FILE_SESSIONS = 1_000;
const SessionFile = z.record(z.string().regex(/^[0-9a-f]{64}$/), Session);

/**
 * Embedded: the table in a file in DATA_DIR, rewritten whole (it is small) at each login and logout,
 * so a tablet stays logged in when the hub is restarted, as it does on Redis.
 */
export class FileSessionTable implements SessionTable {
  #rows = new Map<string, Session>();
  #file: string;
  #now: () => number;
  constructor(dataDir: string, now: () => number) {
    this.#file = path.join(dataDir, 'staff-sessions.json');
    this.#now = now;
    // A damaged file costs the staff a login, never the hub its start.
    for (const [id, s] of Object.entries(this.#read() ?? {})) this.#rows.set(id, s);
  }
  put(id: string, session: Session): Promise<void> {
    this.#rows.set(id, session);
    this.#save();
    return Promise.resolve();
  }
  get(id: string): Promise<Session | undefined> {
    return Promise.resolve(this.#rows.get(id));
  }
  delete(id: string): Promise<void> {
    if (this.#rows.delete(id)) this.#save();
    return Promise.resolve();
  }
  /** Also from another process (the credentials command, while the hub is stopped): the file is the truth. */
  endAll(): Promise<number> {
    const kept = this.#read();
    this.#rows.clear();
    rmSync(this.#file, { force: true });
    return Promise.resolve(kept ? Object.keys(kept).length : 0);
  }
  #read(): Record<string, Session> | undefined {
    if (!existsSync(this.#file)) return undefined;
    try {
      return parseJson(SessionFile, readFileSync(this.#file, 'utf8'));
    } catch {
      return undefined;
    }
  }
  #save(): void {
    const now = this.#now();
    for (const [id, s] of this.#rows) if (s.expiresAt <= now) this.#rows.delete(id);
    if (this.#rows.size > MAX_FILE_SESSIONS) {
      const oldest = [...this.#rows].sort((a, b) => a[1].expiresAt - b[1].expiresAt).slice(0, this.#rows.size - MAX_FILE_SESSIONS);
      for (const [id] of oldest) this.#rows.delete(id);
    }
    replaceFile(this.#file, JSON.stringify(Object.fromEntries(this.#rows)), { private: true });
  }
}
