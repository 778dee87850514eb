import type { Redis } from 'ioredis';
import type { Leases } from '../leases.js';

/** On Redis: the key `batchboard:<name>` with the holder's name, taken with NX and renewed by its holder before it expires. */
export class RedisLeases implements Leases {
  constructor(private readonly redis: Redis) {}
  async hold(name: string, holder: string, ms: number): Promise<boolean> {
    const key = `batchboard:${name}`;
    if ((await this.redis.set(key, holder, 'PX', ms, 'NX')) === 'OK') return true;
    if ((await this.redis.get(key)) !== holder) return false;
    await this.redis.pexpire(key, ms);
    return true;
  }
}
