import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { Board } from '../server/board/board.js';
import { EmbeddedStore } from '../server/state/embedded/board-store.js';
import { FileEventLog } from '../server/state/embedded/event-log.js';
import { Intake } from '../server/ingest/intake.js';
import { Metrics } from '../server/metrics.js';
import { StaffCommands } from '../server/staff/commands.js';
import { FileUndoTable } from '../server/state/embedded/undo-table.js';
import { order } from './helpers/fixtures.js';
import { tempDir } from './helpers/hub.js';

const UNDO_MS = 10_000;

// The undo window is a span of wall-clock time: a test that does real work inside it races the
// machine's load. Here the commands read a clock the test moves, so the window's edges are exact.
describe('staff undo window, on a controlled clock', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function setup() {
    let now = Date.now();
    const log = pino({ level: 'silent' });
    const dir = tempDir();
    const board = new Board(new EmbeddedStore(dir, log), log, new Metrics(), { readyTimeoutMs: 3_600_000, sweepIntervalMs: 3_600_000 });
    await board.start();
    const events = new FileEventLog(dir, log, 1, () => now);
    closers.push(
      () => board.close(),
      () => events.close(),
    );
    const intake = new Intake(board, new Metrics(), log, () => now);
    const returned: number[] = [];
    const commands = new StaffCommands(
      board,
      intake,
      log,
      events,
      (_o, direction) => Promise.resolve(void returned.push(direction)),
      { table: new FileUndoTable(dir, () => now), ms: UNDO_MS },
      () => now,
    );
    const o = order({ status: 'ready', updatedAt: now });
    expect(await intake.submit('rest', 'order', o)).toMatchObject({ ok: true });
    return { board, commands, o, returned, advance: (ms: number) => (now += ms) };
  }

  it('takes an action back up to the last millisecond of the window', async () => {
    const { board, commands, o, advance } = await setup();
    const done = await commands.act(o.id, 'advance', 'Ana');
    expect(done).toMatchObject({ ok: true, data: { order: { status: 'picked_up' } } });
    if (!done.ok) return;
    expect(done.data.undoUntil - (await board.order(o.id))!.updatedAt).toBeLessThanOrEqual(UNDO_MS);
    advance(UNDO_MS);
    expect(await commands.undo(done.data.undo, 'Ana')).toMatchObject({ ok: true, data: { order: { status: 'ready' } } });
    expect((await board.order(o.id))?.status).toBe('ready');
  });

  it('refuses an undo one millisecond after the window, and leaves the order as the action left it', async () => {
    const { board, commands, o, returned, advance } = await setup();
    const done = await commands.act(o.id, 'cancel', 'Ana');
    expect(done.ok).toBe(true);
    if (!done.ok) return;
    expect(returned).toEqual([1]);
    advance(UNDO_MS + 1);
    expect(await commands.undo(done.data.undo, 'Ana')).toMatchObject({ ok: false, error: { code: 'undo_expired' } });
    expect((await board.order(o.id))?.status).toBe('cancelled');
    expect(returned).toEqual([1]); // the stock given back stays given back
  });

  it('refuses a second undo of the same action inside the window', async () => {
    const { commands, o, advance } = await setup();
    const done = await commands.act(o.id, 'advance', 'Ana');
    if (!done.ok) throw new Error('advance refused');
    expect((await commands.undo(done.data.undo, 'Ana')).ok).toBe(true);
    advance(1);
    expect(await commands.undo(done.data.undo, 'Ana')).toMatchObject({ ok: false, error: { code: 'undo_expired' } });
  });
});
