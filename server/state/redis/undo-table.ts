import type { Redis } from 'ioredis';
import { parseJson } from '../../../shared/parse-json.js';
import { UndoEntry, type UndoTable } from '../undo-table.js';

const PREFIX = 'batchboard:staff:undo:';

/** On Redis: one key per undo id, gone by itself when its window ends, so every hub can take the action back. */
export class RedisUndoTable implements UndoTable {
  constructor(private readonly redis: Redis) {}
  async put(id: string, entry: UndoEntry, ttlMs: number): Promise<void> {
    await this.redis.set(PREFIX + id, JSON.stringify(entry), 'PX', Math.max(1, ttlMs));
  }
  async get(id: string): Promise<UndoEntry | undefined> {
    const raw = await this.redis.get(PREFIX + id);
    return raw === null ? undefined : parseJson(UndoEntry, raw);
  }
  async delete(id: string): Promise<void> {
    await this.redis.del(PREFIX + id);
  }
}
