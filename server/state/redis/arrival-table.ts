import type { Redis } from 'ioredis';
import { ARRIVAL_KEPT_MS, type ArrivalClaim, type ArrivalTable } from '../arrival-table.js';

const PREFIX = 'batchboard:orders:arrived:';

/**
 * On Redis: one key per order, set only if absent (SET NX), so the first hub to see an order fixes its time for
 * all of them. Each key ends by itself after ARRIVAL_KEPT_MS: one whose order left while no hub was listening
 * does not stay for ever.
 */
export class RedisArrivalTable implements ArrivalTable {
  constructor(private readonly redis: Redis) {}

  async claim(first: ReadonlyMap<string, ArrivalClaim>): Promise<Map<string, number>> {
    if (first.size === 0) return new Map();
    const ids = [...first.keys()];
    const batch = this.redis.pipeline();
    for (const [id, { at }] of first) batch.set(PREFIX + id, String(at), 'PX', ARRIVAL_KEPT_MS, 'NX');
    batch.mget(ids.map((id) => PREFIX + id));
    const replies = (await batch.exec()) ?? [];
    // A refused SET (out of memory, a replica after a failover) is a failed claim, tried again: not one kept.
    const failed = replies.find(([err]) => err) ?? (replies.length === first.size + 1 ? undefined : [new Error('no reply from Redis')]);
    if (failed) throw failed[0]!;
    const kept = replies.at(-1)![1];
    const held = new Map<string, number>();
    const replaced = new Map<string, number>();
    (kept as (string | null)[]).forEach((raw, i) => {
      const id = ids[i]!;
      const { at, newerThan } = first.get(id)!;
      const was = raw === null ? NaN : Number(raw);
      // A key gone between the two steps, or not a number, or an earlier order's under the same id: the caller's time.
      const stale = Number.isFinite(was) && newerThan !== undefined && was < newerThan;
      if (stale) replaced.set(id, at);
      held.set(id, Number.isFinite(was) && !stale ? was : at);
    });
    if (replaced.size > 0) {
      const again = this.redis.pipeline();
      for (const [id, at] of replaced) again.set(PREFIX + id, String(at), 'PX', ARRIVAL_KEPT_MS);
      const failed = ((await again.exec()) ?? []).find(([err]) => err);
      if (failed) throw failed[0]!;
    }
    return held;
  }

  async forget(ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.redis.del(...ids.map((id) => PREFIX + id));
  }
}
