import type { Redis } from 'ioredis';
import type { DeliveryTable } from '../delivery-table.js';

const PREFIX = 'batchboard:hooks:delivery:';

/** On Redis: one key per delivery, set with NX and its expiry, so every hub on the Redis sees a delivery another took. */
export class RedisDeliveryTable implements DeliveryTable {
  constructor(private readonly redis: Redis) {}
  async claim(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(PREFIX + key, '1', 'PX', Math.max(1, Math.round(ttlMs)), 'NX')) === 'OK';
  }
  async confirm(key: string, ttlMs: number): Promise<void> {
    await this.redis.set(PREFIX + key, '1', 'PX', Math.max(1, Math.round(ttlMs)));
  }
  async release(key: string): Promise<void> {
    await this.redis.del(PREFIX + key);
  }
}
