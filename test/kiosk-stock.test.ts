import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedStockStore } from '../server/kiosk/stock-embedded.js';
import type { Placement } from '../server/kiosk/stock-store.js';
import { storeDay } from '../shared/tracking.js';
import { tempDir } from './helpers/hub.js';

const log = pino({ level: 'silent' });
const DAY = storeDay(Date.now());
const SLOT = `N${'0'.repeat(32)}`;

function placement(key: string, sku = 'bun', qty = 1): Placement {
  const template = JSON.stringify({ id: `kiosk-${DAY}-${SLOT}`, number: `K${SLOT}`, items: [{ sku, qty }], status: 'queued', updatedAt: Date.now() });
  return { day: DAY, key: key.padStart(16, '-'), sku, qty, limit: 100_000, template, slot: SLOT, taken: [] };
}

/** Bytes this thread has handed to write(2) so far (Linux task I/O accounting). */
function bytesWritten(): number {
  const io = readFileSync('/proc/thread-self/io', 'utf8');
  return Number(/^wchar: (\d+)$/m.exec(io)?.[1]);
}

const open: EmbeddedStockStore[] = [];
async function startStore(dir: string): Promise<EmbeddedStockStore> {
  const store = new EmbeddedStockStore(dir, log);
  await store.start(() => undefined);
  open.push(store);
  return store;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

describe('the embedded kiosk store on disk', () => {
  it('writes the same few hundred bytes for an order late in a busy day as for the first (it appends, not rewrites)', async () => {
    const store = await startStore(tempDir());
    // place() does its disk work before it returns: a synchronous batch measures only the store's writes.
    const batch = (from: number): number => {
      const before = bytesWritten();
      for (let i = from; i < from + 50; i++) void store.place(placement(`k${i}`));
      return (bytesWritten() - before) / 50;
    };
    const early = batch(0);
    for (let i = 50; i < 600; i += 50) batch(i);
    const late = batch(600);
    expect(early).toBeGreaterThan(0);
    expect(late).toBeLessThan(1024);
    expect(late).toBeLessThan(early * 1.1);
    expect(await store.sold(DAY)).toEqual({ bun: 650 });
  });

  it('ignores a torn last line after a crash, keeps every sale and answer before it, and numbers on', async () => {
    const dir = tempDir();
    const first = await startStore(dir);
    const placed = [];
    for (let i = 0; i < 3; i++) placed.push(await first.place(placement(`torn${i}`, 'bun', 2)));
    await first.close();
    // What a crash mid-append leaves: half a line, no newline.
    appendFileSync(path.join(dir, 'kiosk.journal'), '{"t":"place","day":"' + DAY + '","sku":"bun","sold":8,"ne');

    const second = await startStore(dir);
    expect(await second.sold(DAY)).toEqual({ bun: 6 });
    expect(await second.place(placement('torn1', 'bun', 2))).toEqual({ kind: 'repeat', order: (placed[1] as { order: unknown }).order });
    const next = await second.place(placement('after', 'bun', 1));
    expect(next).toMatchObject({ kind: 'placed', order: { number: 'K104' } });
    await second.close();

    // The line after the torn one was written whole: a third start reads it.
    const third = await startStore(dir);
    expect(await third.sold(DAY)).toEqual({ bun: 7 });
  });

  it('takes over the whole-day file of earlier versions once', async () => {
    const dir = tempDir();
    const order = { id: `kiosk-${DAY}-140`, number: 'K140', items: [{ sku: 'bun', qty: 1 }], status: 'queued', updatedAt: Date.now() };
    writeFileSync(
      path.join(dir, 'kiosk.json'),
      JSON.stringify({ day: DAY, sold: { bun: 40 }, next: 141, attempts: [{ key: 'legacy'.padStart(16, '-'), at: Date.now(), order }] }),
    );
    const store = await startStore(dir);
    expect(await store.sold(DAY)).toEqual({ bun: 40 });
    expect(await store.place(placement('legacy'))).toEqual({ kind: 'repeat', order });
    expect(await store.place(placement('new-one'))).toMatchObject({ kind: 'placed', order: { number: 'K141' } });
    expect(existsSync(path.join(dir, 'kiosk.json'))).toBe(false);
  });
});
