import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { EmbeddedStore } from '../server/state/embedded/board-store.js';
import { StoreRefusedError, type BoardStore, type StoredChange } from '../server/state/board-store.js';
import type { HubState } from '../server/state/state.js';
import { EVENT_LOG_STREAM } from '../server/state/redis/event-log.js';
import type { ReadingsUpdate } from '../shared/schemas/board.js';
import type { Run } from '../shared/schemas/run.js';
import { machine, order } from './helpers/fixtures.js';
import { tempDir } from './helpers/hub.js';
import { TestRedis } from './helpers/redis-server.js';
import { bothStates } from './helpers/states.js';
import { eventually } from './helpers/screens.js';

const log = pino({ level: 'silent' });
let redis: TestRedis;

beforeAll(async () => {
  redis = await TestRedis.start();
});
afterAll(async () => {
  await redis.destroy();
});

// The board table of the state contract (test/state-contract.test.ts holds the others).
describe.each(bothStates(() => redis, log))('the %s store', (kind, make) => {
  let state: HubState;
  let store: BoardStore;
  let feed: StoredChange[];
  let telemetry: ReadingsUpdate[];

  beforeEach(async () => {
    state = await make();
    store = state.board;
    feed = [];
    telemetry = [];
    await store.start({ change: (c) => feed.push(c), readings: (u) => telemetry.push(u), reset: () => undefined });
    return async () => {
      await store.close();
      await state.close();
    };
  });

  it('gives every change the next seq and announces it on the feed in order', async () => {
    const a = order();
    const r1 = await store.upsertOrder(a);
    const r2 = await store.upsertMachine(machine());
    const r3 = await store.setScene({ program: 'Board', obs: 'connected' });
    expect([r1, r2, r3].map((r) => 'change' in r && r.change.seq)).toEqual([1, 2, 3]);
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
    const otherState = await make();
    const other = otherState.board;
    await other.start({ change: () => undefined, reset: () => undefined });
    await other.upsertOrder(b);
    await other.upsertOrder(a);
    const second = (await other.load()).orders[0];
    await other.close();
    await otherState.close();
    expect(first).toEqual(second);
  });

  it('numbers a production run like an order, keeps it while planned, loading or running, and takes it off when done', async () => {
    const planned: Run = {
      id: 'run-1',
      sku: 'bun',
      qty: 12,
      status: 'planned',
      allocations: [{ orderId: 'o1', qty: 2 }],
      plannedStart: 1_000,
      updatedAt: 1_000,
    };
    const a = await store.upsertRun(planned);
    expect(a).toMatchObject({ applied: true, change: { type: 'run', seq: 1, run: planned } });
    const running = { ...planned, status: 'running' as const, machine: 'oven-1', startedAt: 2_000, endsAt: 3_000, updatedAt: 2_000 };
    await store.upsertRun(running);
    expect((await store.load()).runs).toEqual([running]);
    expect(await store.upsertRun({ ...planned, updatedAt: 1_500 })).toEqual({ applied: false, reason: 'stale' });
    expect(await store.upsertRun(running)).toEqual({ applied: false, reason: 'duplicate' });
    const done = { ...running, status: 'done' as const, doneAt: 3_100, produced: 12, wasted: 0, updatedAt: 3_100 };
    expect(await store.upsertRun(done)).toMatchObject({ applied: true, change: { seq: 3, run: done } });
    const board = await store.load();
    expect(board.runs).toEqual([]);
    expect(board.seq).toBe(3);
    // Off the board but remembered: an older update cannot bring it back.
    expect(await store.upsertRun({ ...running, updatedAt: 2_500 })).toEqual({ applied: false, reason: 'stale' });
    expect(await store.run('run-1')).toEqual(done);
    await eventually(() => expect(feed.map((c) => c.type === 'run' && c.run.status)).toEqual(['planned', 'running', 'done']));
  });

  it('writes a run only while it is in an expected status, else answers with the status it is in', async () => {
    const base: Run = { id: 'run-2', sku: 'tote', qty: 4, status: 'planned', allocations: [], plannedStart: 1_000, updatedAt: 1_000 };
    expect(await store.upsertRun(base, ['planned'])).toEqual({ applied: false, reason: 'run_moved', status: null });
    await store.upsertRun(base);
    const loading = { ...base, status: 'loading' as const, machine: 'printer-1', updatedAt: 2_000 };
    const cancelled = { ...base, status: 'cancelled' as const, updatedAt: 2_001 };
    // Both made from the same look (planned): only the first lands, though the second is newer.
    const [first, second] = await Promise.all([store.upsertRun(loading, ['planned']), store.upsertRun(cancelled, ['planned'])]);
    expect(first.applied).toBe(true);
    expect(second).toEqual({ applied: false, reason: 'run_moved', status: 'loading' });
    expect(await store.upsertRun({ ...loading, status: 'running', updatedAt: 3_000 }, ['planned', 'loading'])).toMatchObject({ applied: true });
  });

  it('keeps its runs across a restart of the same data', async () => {
    const run: Run = {
      id: 'run-3',
      sku: 'bun',
      qty: 12,
      status: 'running',
      machine: 'oven-1',
      allocations: [],
      plannedStart: 1_000,
      startedAt: 1_000,
      endsAt: 2_000,
      updatedAt: 1_000,
    };
    await store.upsertRun(run);
    // Now, not 1970: a finished run is remembered for two days, like a finished order.
    await store.upsertRun({ id: 'run-4', sku: 'bun', qty: 12, status: 'cancelled', allocations: [], plannedStart: Date.now(), updatedAt: Date.now() });
    await store.close();
    await store.start({ change: () => undefined, reset: () => undefined });
    expect((await store.load()).runs).toEqual([run]);
    expect((await store.run('run-4'))?.status).toBe('cancelled');
  });

  it('takes a finished order off the board and never lets an older update bring it back', async () => {
    const a = order({ updatedAt: 1_000 });
    await store.upsertOrder(a);
    const done = await store.upsertOrder({ ...a, status: 'picked_up', updatedAt: 3_000 });
    expect('change' in done && done.change).toMatchObject({ seq: 2, type: 'order', order: { status: 'picked_up' } });
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
    expect('change' in expired && expired.change).toMatchObject({ seq: 2, removed: true, order: r });
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

  it('stores a readings-only update latest-wins without a seq, and announces it apart from the changes', async () => {
    const m = machine({ id: 'oven-t', updatedAt: 10, readings: { tempC: 200 } });
    expect(await store.upsertMachine(m)).toMatchObject({ applied: true, change: { seq: 1 } });
    expect(await store.upsertMachine({ ...m, readings: { tempC: 205, humidity: 40 }, updatedAt: 11 })).toEqual({
      applied: true,
      readings: { id: 'oven-t', readings: { tempC: 205, humidity: 40 }, updatedAt: 11 },
    });
    expect(await store.upsertMachine({ ...m, readings: { tempC: 204 }, updatedAt: 9 })).toEqual({ applied: false, reason: 'stale' });
    const board = await store.load();
    expect(board.seq).toBe(1);
    expect(board.machines).toEqual([{ ...m, readings: { tempC: 205, humidity: 40 }, updatedAt: 11 }]);
    await eventually(() => expect(telemetry).toEqual([{ id: 'oven-t', readings: { tempC: 205, humidity: 40 }, updatedAt: 11 }]));
    expect(feed.map((c) => c.seq)).toEqual([1]);
  });

  it('gives a seq to anything else that changes: state, name, kind, or any field of the batch', async () => {
    const batch = { sku: 'bun', qty: 12, startedAt: 1_000, endsAt: 2_000 };
    const m = machine({ id: 'oven-s', updatedAt: 10, batch });
    await store.upsertMachine(m);
    const variants = [
      { state: 'fault' as const },
      { name: 'Oven B' },
      { kind: 'printer' as const },
      { batch: { ...batch, qty: 13 } },
      { batch: { ...batch, endsAt: 2_500 } },
      { batch: { ...batch, label: 'Buns' } },
      { batch: { ...batch, runId: 'run-2' } },
      { batch: undefined },
    ];
    let t = 10;
    for (const over of variants) {
      const r = await store.upsertMachine({ ...m, ...over, updatedAt: ++t });
      expect(r, JSON.stringify(over)).toMatchObject({ applied: true, change: { type: 'machine' } });
      await store.upsertMachine({ ...m, updatedAt: ++t }); // back, also a change
    }
    expect((await store.load()).seq).toBe(1 + variants.length * 2);
    expect(telemetry).toEqual([]);
    // Readings on a tie of updatedAt (settled by the larger serialisation) and readings taken away are changes too.
    expect(await store.upsertMachine({ ...m, readings: { tempC: 999 }, updatedAt: t })).toMatchObject({
      applied: true,
      change: { seq: 2 + variants.length * 2 },
    });
    const { readings: _gone, ...withoutReadings } = m;
    expect(await store.upsertMachine({ ...withoutReadings, updatedAt: ++t })).toMatchObject({ applied: true, change: { seq: 3 + variants.length * 2 } });
    // And readings coming back are telemetry again.
    expect(await store.upsertMachine({ ...m, updatedAt: t + 1 })).toMatchObject({ applied: true, readings: { id: 'oven-s', readings: m.readings } });
    await eventually(() => expect(telemetry).toHaveLength(1));
  });

  it('logs each change in the event log in the same step, and keeps readings-only updates out of it', async () => {
    const m = machine({ id: 'oven-l', updatedAt: 10 });
    await store.upsertMachine(m);
    for (let i = 1; i <= 20; i++) await store.upsertMachine({ ...m, readings: { tempC: 200 + i }, updatedAt: 10 + i });
    await store.upsertMachine({ ...m, state: 'fault', updatedAt: 40 });
    const a = order({ id: 'o-logged' });
    await store.upsertOrder(a);
    const logged = [];
    for await (const page of state.events.pages(0, Date.now() + 60_000)) logged.push(...page);
    expect(logged.map((e) => [e.type, 'seq' in e ? e.seq : undefined])).toEqual([
      ['machine', 1],
      ['machine', 2],
      ['order', 3],
    ]);
    expect(logged[2]).toMatchObject({ type: 'order', order: a });
  });

  if (kind === 'redis') {
    it('refuses a write whole when a key it would write last holds the wrong type: nothing stored, numbered or announced', async () => {
      const c = redis.client();
      try {
        const first = order({ id: 'o-whole-1' });
        await store.upsertOrder(first);
        await eventually(() => expect(feed).toHaveLength(1));
        for (const [key, clobber] of [
          [EVENT_LOG_STREAM, () => c.set(EVENT_LOG_STREAM, 'x')],
          ['batchboard:board:seq', () => c.set('batchboard:board:seq', 'not a number')],
        ] as const) {
          const saved = await c.dumpBuffer(key);
          await c.del(key);
          await clobber();
          await expect(store.upsertOrder(order({ id: 'o-whole-2' }))).rejects.toThrow(StoreRefusedError);
          await expect(store.upsertMachine(machine({ id: 'oven-whole' }))).rejects.toThrow(StoreRefusedError);
          await expect(store.expireOrder(first)).rejects.toThrow(StoreRefusedError);
          await expect(store.setScene({ program: 'Cam', obs: 'connected' })).rejects.toThrow(StoreRefusedError);
          await c.del(key);
          if (saved) await c.restore(key, 0, saved);
        }
        const board = await store.load();
        expect(board.orders.map((o) => o.id)).toEqual(['o-whole-1']);
        expect(board.machines).toEqual([]);
        expect(board.seq).toBe(1);
        expect(feed).toHaveLength(1);
      } finally {
        c.disconnect();
      }
    });
  }
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
