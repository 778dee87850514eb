import type { Redis } from 'ioredis';
import { parseJson } from '../../../shared/parse-json.js';
import { Session, type SessionTable } from '../session-table.js';

const PREFIX = 'batchboard:staff:session:';

/** On Redis: one key per session with its expiry, so every hub knows it. */
export class RedisSessionTable implements SessionTable {
  constructor(private readonly redis: Redis) {}
  async put(id: string, session: Session, ttlMs: number): Promise<void> {
    await this.redis.set(PREFIX + id, JSON.stringify(session), 'PX', ttlMs);
  }
  async get(id: string): Promise<Session | undefined> {
    const raw = await this.redis.get(PREFIX + id);
    // A value that is not a session (torn, foreign) is no session: the person logs in again.
    return raw === null ? undefined : parseJson(Session, raw);
  }
  async delete(id: string): Promise<void> {
    await this.redis.del(PREFIX + id);
  }
  async endAll(): Promise<number> {
    let ended = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) ended += await this.redis.del(...keys);
    } while (cursor !== '0');
    return ended;
  }
}
