import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Board } from '../server/board/board.js';
import type { BoardStore, StoreFeedHandlers, StoredSnapshot, WriteResult } from '../server/state/board-store.js';
import { Metrics } from '../server/metrics.js';
import { DISABLED_SCENE, type ReadingsUpdate } from '../shared/schemas/board.js';
import { machine, order } from './helpers/fixtures.js';

// A fake store, for a race a real Redis produces only by timing: telemetry arriving on the feed
// while the hub's reload is in flight, newer than the board that reload brings back.
class SlowLoadStore implements BoardStore {
  readonly kind = 'redis';
  handlers!: StoreFeedHandlers;
  board: StoredSnapshot = { epoch: 'e1', seq: 1, orders: [], machines: [], scene: DISABLED_SCENE, runs: [] };
  release: (() => void) | undefined;
  slow = false;
  start(handlers: StoreFeedHandlers): Promise<void> {
    this.handlers = handlers;
    return Promise.resolve();
  }
  async load(): Promise<StoredSnapshot> {
    const board = this.board; // read before the wait: the reading below lands after it
    if (this.slow) await new Promise<void>((r) => (this.release = r));
    return board;
  }
  private none(): Promise<WriteResult> {
    return Promise.resolve({ applied: false, reason: 'unchanged' });
  }
  upsertOrder = () => this.none();
  upsertMachine = () => this.none();
  upsertRun = () => this.none();
  run = () => Promise.resolve(undefined);
  setScene = () => this.none();
  expireOrder = () => this.none();
  order = () => Promise.resolve(undefined);
  epoch = () => Promise.resolve(this.board.epoch);
  seq = () => Promise.resolve(this.board.seq);
  healthy = () => Promise.resolve(true);
  close = () => Promise.resolve();
}

describe('the hub board during a reload', () => {
  it('keeps telemetry that arrives while a reload is in flight, newer than the board it loads', async () => {
    const store = new SlowLoadStore();
    const oven = machine({ id: 'oven-r', updatedAt: 1_000, readings: { tempC: 100 } });
    store.board = { ...store.board, machines: [oven] };
    const board = new Board(store, pino({ level: 'silent' }), new Metrics(), { readyTimeoutMs: 60_000, sweepIntervalMs: 60_000 });
    await board.start();
    const sent: ReadingsUpdate[] = [];
    board.on('readings', (u) => sent.push(u));

    store.slow = true;
    store.handlers.reset(); // the feed reconnected: reload
    store.handlers.readings?.({ id: 'oven-r', readings: { tempC: 150 }, updatedAt: 1_500 });
    store.handlers.readings?.({ id: 'oven-r', readings: { tempC: 120 }, updatedAt: 1_200 });
    store.release?.();
    await new Promise((r) => setImmediate(r));

    expect(board.snapshot().machines[0]).toMatchObject({ readings: { tempC: 150 }, updatedAt: 1_500 });
    expect(sent).toEqual([{ id: 'oven-r', readings: { tempC: 150 }, updatedAt: 1_500 }]);
    await board.close();
  });
});

describe('the hub board when the store starts a new epoch', () => {
  it('reloads at the first change of another epoch, without waiting for its periodic look, and takes the lower seq', async () => {
    const store = new SlowLoadStore();
    const old = order({ id: 'o-old' });
    store.board = { ...store.board, seq: 40, orders: [old] };
    // A look at the epoch once an hour: only the change itself can make it reload here.
    const board = new Board(store, pino({ level: 'silent' }), new Metrics(), { readyTimeoutMs: 60_000, sweepIntervalMs: 60_000, epochCheckMs: 3_600_000 });
    await board.start();
    const resets: number[] = [];
    board.on('reset', (s) => resets.push(s.seq));

    // The store was emptied and written once: seq 1 of epoch e2. Compared by seq alone it would be taken as seen.
    const fresh = order({ id: 'o-fresh' });
    store.board = { epoch: 'e2', seq: 1, orders: [fresh], machines: [], scene: DISABLED_SCENE, runs: [] };
    store.handlers.change({ type: 'order', seq: 1, order: fresh, at: Date.now(), epoch: 'e2' });
    await new Promise((r) => setImmediate(r));

    expect(resets).toEqual([1]);
    expect(board.snapshot().orders.map((o) => o.id)).toEqual(['o-fresh']);
    await board.close();
  });
});

/** A started board over the fake store that looks at the store every `epochCheckMs`, with the seqs of its reloads. */
async function lookingBoard(epochCheckMs: number): Promise<{ store: SlowLoadStore; board: Board; resets: number[] }> {
  const store = new SlowLoadStore();
  const board = new Board(store, pino({ level: 'silent' }), new Metrics(), { readyTimeoutMs: 60_000, sweepIntervalMs: 60_000, epochCheckMs });
  await board.start();
  const resets: number[] = [];
  board.on('reset', (s) => resets.push(s.seq));
  return { store, board, resets };
}

describe('the hub board when a change of the feed is lost', () => {
  it('sees at its next looks that it stays behind the store, and reloads: the lost order is on the board', async () => {
    const { store, board, resets } = await lookingBoard(20);
    // The store took an order (seq 2) but its change never reached this hub: nothing later on the feed shows it.
    const lost = order({ id: 'o-lost' });
    store.board = { ...store.board, seq: 2, orders: [lost] };
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reload within 5 s')), 5_000);
      board.on('reset', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    expect(board.snapshot()).toMatchObject({ seq: 2, orders: [{ id: 'o-lost' }] });
    expect(resets).toEqual([2]);
    await board.close();
  });

  it('does not reload a board that is behind but moving (a hub slow under load, its feed a look late)', async () => {
    const { store, board, resets } = await lookingBoard(100);
    // The store always a thousand changes ahead of the board, which takes one every few ms (dozens between two looks, so
    // expired timers run in order of their due times even on a starved loop and each look sees it moved).
    for (let seq = 2; seq <= 100; seq++) {
      store.board = { ...store.board, seq: seq + 1_000 };
      await new Promise((r) => setTimeout(r, 4));
      store.handlers.change({ type: 'order', seq, order: order({ id: `o-${seq}` }), at: Date.now(), epoch: 'e1' });
    }
    expect(board.snapshot().seq).toBe(100);
    expect(resets).toEqual([]);
    await board.close();
  });

  it('does not reload for a change still on its way (the store ahead at one look, the board caught up by the next)', async () => {
    const { store, board, resets } = await lookingBoard(20);
    for (let seq = 2; seq <= 6; seq++) {
      const o = order({ id: `o-${seq}` });
      store.board = { ...store.board, seq, orders: [...store.board.orders, o] };
      // The change arrives a few ms after the store took it, well within one look.
      await new Promise((r) => setTimeout(r, 5));
      store.handlers.change({ type: 'order', seq, order: o, at: Date.now(), epoch: 'e1' });
      await new Promise((r) => setTimeout(r, 30));
    }
    expect(board.snapshot().seq).toBe(6);
    expect(resets).toEqual([]);
    await board.close();
  });
});
