import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { replaceFile } from '../files/durable-file.js';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { parseJson } from '../../shared/parse-json.js';

export const SESSION_COOKIE = 'bb_staff';

const Session = z.object({ who: z.string(), expiresAt: z.number() });
export type Session = z.infer<typeof Session>;

interface SessionTable {
  put(id: string, session: Session, ttlMs: number): Promise<void>;
  get(id: string): Promise<Session | undefined>;
  delete(id: string): Promise<void>;
}

/** Sessions one embedded hub keeps; past this, the ones closest to expiry make room. */
const MAX_FILE_SESSIONS = 1_000;
const SessionFile = z.record(z.string().regex(/^[0-9a-f]{64}$/), Session);

/**
 * Embedded: the table in a file in DATA_DIR, rewritten whole (it is small) at each login and logout,
 * so a tablet stays logged in when the hub is restarted, as it does on Redis.
 */
class FileTable implements SessionTable {
  #rows = new Map<string, Session>();
  #file: string;
  #now: () => number;
  constructor(dataDir: string, now: () => number) {
    this.#file = path.join(dataDir, 'staff-sessions.json');
    this.#now = now;
    if (!existsSync(this.#file)) return;
    // A damaged file costs the staff a login, never the hub its start.
    const parsed = SessionFile.safeParse(
      (() => {
        try {
          return JSON.parse(readFileSync(this.#file, 'utf8')) as unknown;
        } catch {
          return null;
        }
      })(),
    );
    if (parsed.success) for (const [id, s] of Object.entries(parsed.data)) this.#rows.set(id, s);
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

class RedisTable implements SessionTable {
  constructor(private readonly redis: Redis) {}
  async put(id: string, session: Session, ttlMs: number): Promise<void> {
    await this.redis.set(`batchboard:staff:session:${id}`, JSON.stringify(session), 'PX', ttlMs);
  }
  async get(id: string): Promise<Session | undefined> {
    const raw = await this.redis.get(`batchboard:staff:session:${id}`);
    // A value that is not a session (torn, foreign) is no session: the person logs in again.
    return raw === null ? undefined : parseJson(Session, raw);
  }
  async delete(id: string): Promise<void> {
    await this.redis.del(`batchboard:staff:session:${id}`);
  }
}

/**
 * Staff sessions: a random token in an httpOnly cookie; only its hash is
 * stored (in Redis, so every hub knows it, or in DATA_DIR when embedded), so a
 * leaked store does not hand out sessions. A login always makes a new token.
 */
export class StaffSessions {
  #table: SessionTable;
  #ttlMs: number;
  #now: () => number;

  constructor(keep: { redis: Redis } | { dataDir: string }, ttlMs: number, now: () => number = Date.now) {
    this.#table = 'redis' in keep ? new RedisTable(keep.redis) : new FileTable(keep.dataDir, now);
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  get ttlMs(): number {
    return this.#ttlMs;
  }

  async create(who: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.#table.put(hash(token), { who, expiresAt: this.#now() + this.#ttlMs }, this.#ttlMs);
    return token;
  }

  /** The session a cookie header carries, if it is valid and not expired. */
  async fromCookie(cookieHeader: string | undefined): Promise<Session | undefined> {
    const token = readCookie(cookieHeader, SESSION_COOKIE);
    if (!token || token.length > 100) return undefined;
    // A store that cannot answer is an outage (503), not a logout: the error goes to the caller.
    const session = await this.#table.get(hash(token));
    return session && session.expiresAt > this.#now() ? session : undefined;
  }

  async destroy(cookieHeader: string | undefined): Promise<void> {
    const token = readCookie(cookieHeader, SESSION_COOKIE);
    if (token) await this.#table.delete(hash(token));
  }
}

/** Ends every staff session (a PIN rotation: whoever knew the old PIN must not stay in). Answers how many. */
export async function endAllSessions(keep: { redis: Redis } | { dataDir: string }): Promise<number> {
  if ('dataDir' in keep) {
    const file = path.join(keep.dataDir, 'staff-sessions.json');
    if (!existsSync(file)) return 0;
    const sessions = parseJson(SessionFile, readFileSync(file, 'utf8'));
    rmSync(file, { force: true });
    return sessions ? Object.keys(sessions).length : 0;
  }
  let ended = 0;
  let cursor = '0';
  do {
    const [next, keys] = await keep.redis.scan(cursor, 'MATCH', 'batchboard:staff:session:*', 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) ended += await keep.redis.del(...keys);
  } while (cursor !== '0');
  return ended;
}

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
