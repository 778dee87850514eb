import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';

export const SESSION_COOKIE = 'bb_staff';

const Session = z.object({ who: z.string(), expiresAt: z.number() });
export type Session = z.infer<typeof Session>;

interface SessionTable {
  put(id: string, session: Session, ttlMs: number): Promise<void>;
  get(id: string): Promise<Session | undefined>;
  delete(id: string): Promise<void>;
}

class MemoryTable implements SessionTable {
  #rows = new Map<string, Session>();
  put(id: string, session: Session): Promise<void> {
    this.#rows.set(id, session);
    return Promise.resolve();
  }
  get(id: string): Promise<Session | undefined> {
    return Promise.resolve(this.#rows.get(id));
  }
  delete(id: string): Promise<void> {
    this.#rows.delete(id);
    return Promise.resolve();
  }
}

class RedisTable implements SessionTable {
  constructor(private readonly redis: Redis) {}
  async put(id: string, session: Session, ttlMs: number): Promise<void> {
    await this.redis.set(`batchboard:staff:session:${id}`, JSON.stringify(session), 'PX', ttlMs);
  }
  async get(id: string): Promise<Session | undefined> {
    const raw = await this.redis.get(`batchboard:staff:session:${id}`);
    if (raw === null) return undefined;
    const parsed = Session.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }
  async delete(id: string): Promise<void> {
    await this.redis.del(`batchboard:staff:session:${id}`);
  }
}

/**
 * Staff sessions: a random token in an httpOnly cookie; only its hash is
 * stored (in Redis, so every hub knows it, or in memory when embedded), so a
 * leaked store does not hand out sessions. A login always makes a new token.
 */
export class StaffSessions {
  #table: SessionTable;
  #ttlMs: number;
  #now: () => number;

  constructor(redis: Redis | undefined, ttlMs: number, now: () => number = Date.now) {
    this.#table = redis ? new RedisTable(redis) : new MemoryTable();
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
    const session = await this.#table.get(hash(token)).catch(() => undefined);
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
