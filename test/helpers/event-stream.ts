import type { Redis } from 'ioredis';
import { EVENT_LOG_STREAM } from '../../server/state/redis/event-log.js';

/**
 * The millisecond just after the last entry of the Redis event log (a hub's own first events), once Redis's
 * clock has reached it: entries added from now take their ids from that clock, so an export range from it
 * holds exactly the test's own entries.
 */
export async function afterLoggedEntries(producer: Redis): Promise<number> {
  const now = () => redisMs(producer);
  const [last] = await producer.xrevrange(EVENT_LOG_STREAM, '+', '-', 'COUNT', 1);
  const from = last ? Number(last[0].split('-')[0]) + 1 : await now();
  while ((await now()) < from) await new Promise((r) => setTimeout(r, 1));
  return from;
}

/** Redis's own clock in ms: what the stream's entry ids are made of. */
export async function redisMs(producer: Redis): Promise<number> {
  const [seconds, micros] = (await producer.time()).map(Number);
  return seconds! * 1000 + Math.floor(micros! / 1000);
}
