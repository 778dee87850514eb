import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Claim, DeliveryTable } from '../delivery-table.js';

const PREFIX = 'batchboard:hooks:delivery:';
/** The value of a confirmed delivery; a claim's value is `claim:<token>` (anything else, like an older hub's `1`, is done). */
const DONE = 'done';

/** SET NX the claim; else say whether the key holds a claim (pending) or a confirmed delivery (done). */
const CLAIM = `
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 'claimed' end
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, 6) == 'claim:' then return 'pending' end
return 'done'`;
/** Done, while the key still holds this claim (or nothing: the claim lapsed and no one took it since). */
const CONFIRM = `
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] or not v then redis.call('SET', KEYS[1], '${DONE}', 'PX', ARGV[2]) return 1 end
return 0`;
/** Deleted only while it holds this claim: a slow hub never lets go of another hub's newer claim. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** On Redis: one key per delivery, with its expiry, so every hub on the Redis sees a delivery another took. */
export class RedisDeliveryTable implements DeliveryTable {
  constructor(private readonly redis: Redis) {}
  async claim(key: string, ttlMs: number): Promise<Claim> {
    const token = `claim:${randomUUID()}`;
    const state = await this.redis.eval(CLAIM, 1, PREFIX + key, token, String(ms(ttlMs)));
    if (state === 'claimed') return { state, token };
    return state === 'pending' ? { state } : { state: 'done' };
  }
  async confirm(key: string, token: string, ttlMs: number): Promise<void> {
    await this.redis.eval(CONFIRM, 1, PREFIX + key, token, String(ms(ttlMs)));
  }
  async release(key: string, token: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, PREFIX + key, token);
  }
}

function ms(ttlMs: number): number {
  return Math.max(1, Math.round(ttlMs));
}
