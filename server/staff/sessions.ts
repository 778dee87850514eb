import { createHash, randomBytes } from 'node:crypto';
import type { Session, SessionTable } from '../state/session-table.js';

export type { Session } from '../state/session-table.js';

export const SESSION_COOKIE = 'bb_staff';

/**
 * Staff sessions: a random token in an httpOnly cookie; only its hash is
 * stored (in Redis, so every hub knows it, or in DATA_DIR when embedded), so a
 * leaked store does not hand out sessions. A login always makes a new token.
 */
export class StaffSessions {
  #table: SessionTable;
  #ttlMs: number;
  #now: () => number;

  constructor(table: SessionTable, ttlMs: number, now: () => number = Date.now) {
    this.#table = table;
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
