import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { EmbeddedStore } from '../server/board/store-embedded.js';
import { RedisStore } from '../server/board/store-redis.js';
import type { BoardStore, StoredChange } from '../server/board/store.js';
import { machine, order } from './helpers/fixtures.js';
import { tempDir } from './helpers/hub.js';
import { TestRedis } from './helpers/redis-server.js';
import { eventually } from './helpers/screens.js';

const log = pino({ level: 'silent' });
let redis: TestRedis;

beforeAll(async () => {
  redis = await TestRedis.start();
});
afterAll(async () => {
  await redis.destroy();
});

const kinds: [string, () => Promise<BoardStore>][] = [
  ['embedded', () => Promise.resolve(new EmbeddedStore(tempDir(), log))],
  [
    'redis',
    async () => {
      const c = redis.client();
      await c.flushall();
      c.disconnect();
      return new RedisStore(redis.url, log);
    },
  ],
];

describe.each(kinds)('the %s store', (_kind, make) => {
  let store: BoardStore;
  let feed: StoredChange[];

  beforeEach(async () => {
    store = await make();
    feed = [];
    await store.start({ change: (c) => feed.push(c), reset: () => undefined });
    return () => store.close();
  });

  it('gives every change the next seq and announces it on the feed in order', async () => {
    const a = order();
    const r1 = await store.upsertOrder(a);
    const r2 = await store.upsertMachine(machine());
    const r3 = await store.setScene({ program: 'Board', obs: 'connected' });
    expect([r1, r2, r3].map((r) => r.applied && r.change.seq)).toEqual([1, 2, 3]);
    await eventually(() => expect(feed.map((c) => c.seq)).toEqual([1, 2, 3]));
    expect(feed[0]).toMatchObject({ type: 'order', order: a });
  });

  it('ignores an update older than what it holds, and a duplicate', async () => {
    const a = order({ updatedAt: 2_000 });
    await store.upsertOrder(a);
    expect(await store.upsertOrder({ ...a, status: 'ready', updatedAt: 1_000 })).toEqual({ applied: false, reason: 'stale' });
    expect(await store.upsertOrder(a)).toEqual({ applied: false, reason: 'duplicate' });
    const snap = await store.load();
    expect(snap.orders).toEqual([a]);
    expect(snap.seq).toBe(1);
  });

  it('settles a tie on updatedAt the same way whichever arrives first', async () => {
    const a = order({ updatedAt: 5_000, status: 'in_production' });
    const b = { ...a, status: 'ready' as const };
    await store.upsertOrder(a);
    await store.upsertOrder(b);
    const first = (await store.load()).orders[0];
    const other = await make();
    await other.start({ change: () => undefined, reset: () => undefined });
    await other.upsertOrder(b);
    await other.upsertOrder(a);
    const second = (await other.load()).orders[0];
    await other.close();
    expect(first).toEqual(second);
  });

  it('takes a finished order off the board and never lets an older update bring it back', async () => {
    const a = order({ updatedAt: 1_000 });
    await store.upsertOrder(a);
    const done = await store.upsertOrder({ ...a, status: 'picked_up', updatedAt: 3_000 });
    expect(done.applied && done.change).toMatchObject({ seq: 2, type: 'order', order: { status: 'picked_up' } });
    expect(await store.upsertOrder({ ...a, status: 'ready', updatedAt: 2_000 })).toEqual({ applied: false, reason: 'stale' });
    expect((await store.load()).orders).toEqual([]);
    // A newer update (staff recall it to Ready) does bring it back.
    expect((await store.upsertOrder({ ...a, status: 'ready', updatedAt: 4_000 })).applied).toBe(true);
    expect((await store.load()).orders).toHaveLength(1);
  });

  it('does not spend a seq on an order that arrives already finished', async () => {
    expect(await store.upsertOrder(order({ status: 'cancelled' }))).toEqual({ applied: false, reason: 'not_on_board' });
    expect((await store.load()).seq).toBe(0);
  });

  it('expires a ready order only if it is still exactly what the sweeper saw', async () => {
    const r = order({ status: 'ready' });
    await store.upsertOrder(r);
    expect(await store.expireOrder({ ...r, updatedAt: r.updatedAt - 1 })).toEqual({ applied: false, reason: 'stale' });
    const expired = await store.expireOrder(r);
    expect(expired.applied && expired.change).toMatchObject({ seq: 2, removed: true, order: r });
    expect(await store.expireOrder(r)).toEqual({ applied: false, reason: 'stale' });
    expect((await store.load()).orders).toEqual([]);
  });

  it('keeps machines by last-write-wins too', async () => {
    const m = machine({ updatedAt: 10 });
    await store.upsertMachine(m);
    await store.upsertMachine({ ...m, state: 'fault', updatedAt: 5 });
    await store.upsertMachine({ ...m, state: 'unloading', updatedAt: 20 });
    expect((await store.load()).machines).toEqual([{ ...m, state: 'unloading', updatedAt: 20 }]);
  });
});

describe('the embedded store on disk', () => {
  it('serves the same board after a restart, including what was only in the journal', async () => {
    const dir = tempDir();
    const first = new EmbeddedStore(dir, log);
    await first.start({ change: () => undefined, reset: () => undefined });
    const a = order();
    await first.upsertOrder(a);
    await first.upsertMachine(machine());
    const before = await first.load();
    // No close(): the process "dies" with the change only in the journal.
    const second = new EmbeddedStore(dir, log);
    await second.start({ change: () => undefined, reset: () => undefined });
    expect(await second.load()).toEqual(before);
    expect(await second.upsertOrder({ ...a, updatedAt: a.updatedAt - 1 })).toEqual({ applied: false, reason: 'stale' });
    await second.close();
  });
});
