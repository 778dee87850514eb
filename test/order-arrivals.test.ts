import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Board } from '../server/board/board.js';
import { ARRIVAL_GRACE_MS, OrderArrivals } from '../server/board/order-arrivals.js';
import { Metrics } from '../server/metrics.js';
import type { ArrivalTable } from '../server/state/arrival-table.js';
import { FileArrivalTable } from '../server/state/embedded/arrival-table.js';
import { EmbeddedStore } from '../server/state/embedded/board-store.js';
import { order } from './helpers/fixtures.js';
import { tempDir } from './helpers/hub.js';

const log = pino({ level: 'silent' });

/** Lets the arrivals' batches run: each is sent on a timer of its own once the one before has answered. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(1);
}

// The grace after an order leaves the board and the retry after a failed batch are spans of time: here the
// arrivals' own timers are fake and their clock is one the test moves. The board and the table are real.
describe('order arrivals, on a controlled clock', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const close of closers.splice(0).reverse()) await close();
  });

  /** `before`: what the board and the table hold before the arrivals start (a hub's earlier life). */
  async function setup(
    table: (real: ArrivalTable) => ArrivalTable = (real) => real,
    before: (board: Board, file: FileArrivalTable, clock: { now: number }) => Promise<void> = () => Promise.resolve(),
  ) {
    const clock = { now: Date.now() };
    const dir = tempDir();
    const board = new Board(new EmbeddedStore(dir, log), log, new Metrics(), { readyTimeoutMs: 3_600_000, sweepIntervalMs: 3_600_000 });
    await board.start();
    const file = new FileArrivalTable(
      dir,
      100,
      () => undefined,
      () => clock.now,
    );
    await before(board, file, clock);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    const arrivals = new OrderArrivals(board, table(file), log, () => clock.now);
    arrivals.start();
    closers.push(
      () => board.close(),
      () => arrivals.close(),
    );
    return { board, arrivals, clock, file };
  }

  it('keeps an arrival through a cancel taken back, and forgets it once the order has been off the board for its grace', async () => {
    const forgot: string[] = [];
    const { board, arrivals, clock } = await setup((real) => ({
      claim: (first) => real.claim(first),
      forget: (ids) => (forgot.push(...ids), real.forget(ids)),
    }));
    const o = order({ status: 'queued', updatedAt: clock.now });
    await board.upsertOrder(o);
    const arrived = arrivals.arrivedAt(o.id);
    clock.now += 60_000;
    await board.upsertOrder({ ...o, status: 'cancelled', updatedAt: o.updatedAt + 1 });
    clock.now += 60_000;
    await vi.advanceTimersByTimeAsync(60_000);
    await settle();
    expect(forgot).toEqual([]);
    // Undo: the same order back on the board, as it arrived.
    await board.upsertOrder({ ...o, status: 'queued', updatedAt: o.updatedAt + 2 });
    expect(arrivals.arrivedAt(o.id)).toBe(arrived);
    await board.upsertOrder({ ...o, status: 'picked_up', updatedAt: o.updatedAt + 3 });
    clock.now += ARRIVAL_GRACE_MS - 1_000;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(forgot).toEqual([]);
    clock.now += 2_000;
    await vi.advanceTimersByTimeAsync(60_000);
    await settle();
    expect(forgot).toEqual([o.id]);
  });

  it('takes a held time for an order on the board at start, but not for a new order that reuses an old id', async () => {
    const yesterday = Date.now() - 86_400_000;
    const {
      board,
      arrivals,
      clock,
      file: table,
    } = await setup(undefined, async (board, file, clock) => {
      // Rows left by a hub that stopped before it could forget them, and an order still on the board since yesterday.
      await file.claim(
        new Map([
          ['ticket-101', { at: yesterday }],
          ['still-here', { at: yesterday }],
        ]),
      );
      await board.upsertOrder(order({ id: 'still-here', status: 'in_production', updatedAt: clock.now }));
    });
    await board.upsertOrder(order({ id: 'ticket-101', status: 'queued', updatedAt: clock.now }));
    await settle();
    expect(arrivals.arrivedAt('still-here')).toBe(yesterday);
    // Today's ticket 101 is a new order: late from its first second, were yesterday's time taken.
    expect(arrivals.arrivedAt('ticket-101')).toBe(clock.now);
    expect((await table.claim(new Map([['ticket-101', { at: clock.now + 1 }]]))).get('ticket-101')).toBe(clock.now);
  });

  it('tries a batch the table refused again, and takes the time the table holds', async () => {
    let refuse = true;
    const asked: string[][] = [];
    const { board, arrivals, clock } = await setup((real) => ({
      claim: (first) => {
        asked.push([...first.keys()]);
        return refuse ? Promise.reject(new Error('store away')) : real.claim(first);
      },
      forget: (ids) => real.forget(ids),
    }));
    const o = order({ status: 'queued', updatedAt: clock.now });
    await board.upsertOrder(o);
    await vi.advanceTimersByTimeAsync(0);
    expect(asked).toEqual([[o.id]]);
    refuse = false;
    await vi.advanceTimersByTimeAsync(4_000);
    expect(asked).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(asked).toEqual([[o.id], [o.id]]);
    expect(arrivals.arrivedAt(o.id)).toBe(clock.now);
  });

  it('tells its listeners of an earlier time the table holds, and sends a full board in batches', async () => {
    const sizes: number[] = [];
    const kept = new Map<string, number>();
    const { board, arrivals, clock } = await setup(() => ({
      claim: (first) => {
        sizes.push(first.size);
        return Promise.resolve(new Map([...first].map(([id, { at }]) => [id, kept.get(id) ?? at])));
      },
      forget: () => Promise.resolve(),
    }));
    const moved: string[] = [];
    arrivals.onMoved((ids) => moved.push(...ids));
    const orders = Array.from({ length: 2_500 }, (_, i) => order({ id: `many-${i}`, status: 'queued', updatedAt: clock.now }));
    kept.set('many-7', clock.now - 30 * 60_000);
    for (const o of orders) await board.upsertOrder(o);
    await settle();
    expect(sizes).toEqual([1_000, 1_000, 500]);
    expect(moved).toEqual(['many-7']);
    expect(arrivals.arrivedAt('many-7')).toBe(clock.now - 30 * 60_000);
  });
});
