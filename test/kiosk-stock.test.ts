import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FileConfig } from '../server/config.js';
import { shareOfRun } from '../server/state/client-allowance.js';
import { EmbeddedStockStore } from '../server/state/embedded/stock-store.js';
import type { Placement } from '../server/state/stock-store.js';
import { storeDay } from '../shared/tracking.js';
import { tempDir } from './helpers/hub.js';

const log = pino({ level: 'silent' });
const DAY = storeDay(Date.now());
const SLOT = `N${'0'.repeat(32)}`;

/** The allowance of a hub with no limits to speak of: these tests are about the disk. */
const UNLIMITED = { itemsPerMinute: 1e9, share: 1e9, shareWindowMs: 60_000 };

function placement(key: string, sku = 'bun', qty = 1, more: Partial<Placement> = {}): Placement {
  const template = JSON.stringify({ id: `kiosk-${DAY}-${SLOT}`, number: `K${SLOT}`, items: [{ sku, qty }], status: 'queued', updatedAt: Date.now() });
  return {
    day: DAY,
    key: key.padStart(16, '-'),
    sku,
    qty,
    limit: 100_000,
    template,
    slot: SLOT,
    taken: [],
    refuseNew: false,
    client: '192.0.2.1',
    at: Date.now(),
    allowance: UNLIMITED,
    ...more,
  };
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

describe('what one client may take, embedded', () => {
  const T0 = Date.parse('2026-06-12T12:00:00');
  const bun = { runSize: 12, runQuantity: 120 };

  it('counts items, not orders: ten orders of 12 from one address take 60 a minute, and room comes back as the minute slides', async () => {
    const store = await startStore(tempDir());
    const allowance = { itemsPerMinute: 60, share: 1e9, shareWindowMs: 60_000 };
    const outcomes = [];
    for (let i = 0; i < 10; i++) outcomes.push(await store.place(placement(`burst${i}`, 'bun', 12, { at: T0 + i * 200, allowance })));
    expect(outcomes.map((o) => o.kind)).toEqual([...Array<string>(5).fill('placed'), ...Array<string>(5).fill('limited')]);
    // Room for 12 more once the first order (at T0) has left the minute: 60 s after it, not before.
    expect(outcomes[5]).toEqual({ kind: 'limited', limit: 'items', allowed: 60, retryAfterMs: 60_000 - 1_000 });
    expect((await store.place(placement('early', 'bun', 12, { at: T0 + 59_999, allowance }))).kind).toBe('limited');
    expect((await store.place(placement('late', 'bun', 12, { at: T0 + 60_000, allowance }))).kind).toBe('placed');
    // Another address is counted on its own.
    expect((await store.place(placement('other', 'bun', 12, { at: T0 + 60_000, allowance, client: '2001:db8::/64' }))).kind).toBe('placed');
    expect(await store.sold(DAY)).toEqual({ bun: 84 });
  });

  it('stops one client at its share of a run within the window, never below one batch', async () => {
    const store = await startStore(tempDir());
    const allowance = { itemsPerMinute: 1e9, share: shareOfRun(bun, 0.25), shareWindowMs: 10 * 60_000 };
    expect(allowance.share).toBe(30);
    expect(shareOfRun({ runSize: 4, runQuantity: 10 }, 0.25)).toBe(4);
    const at = (min: number) => T0 + min * 60_000;
    expect((await store.place(placement('s1', 'bun', 12, { at: at(0), allowance }))).kind).toBe('placed');
    expect((await store.place(placement('s2', 'bun', 12, { at: at(1), allowance }))).kind).toBe('placed');
    expect(await store.place(placement('s3', 'bun', 12, { at: at(2), allowance }))).toEqual({
      kind: 'limited',
      limit: 'share',
      allowed: 30,
      retryAfterMs: 8 * 60_000,
    });
    expect((await store.place(placement('s4', 'bun', 6, { at: at(2), allowance }))).kind).toBe('placed');
    // Other SKUs and other clients are not held back by it; this SKU comes back as the window slides.
    expect((await store.place(placement('s5', 'knot', 12, { at: at(3), allowance }))).kind).toBe('placed');
    expect((await store.place(placement('s6', 'bun', 12, { at: at(3), allowance, client: '192.0.2.2' }))).kind).toBe('placed');
    expect((await store.place(placement('s7', 'bun', 12, { at: at(10), allowance }))).kind).toBe('placed');
  });

  it('lets a store tablet serving a queue sell the whole run at the default limits', async () => {
    const store = await startStore(tempDir());
    const { kiosk } = FileConfig.parse({});
    const allowance = { itemsPerMinute: kiosk.itemsPerMinute, share: shareOfRun(bun, kiosk.maxShareOfRun), shareWindowMs: kiosk.shareWindowMinutes * 60_000 };
    // A customer every 30 s, ordering 1 to 4 buns (5 a minute): the sample menu's 120 are gone in 24 minutes.
    const kinds = new Set<string>();
    for (let i = 0, sold = 0; sold < bun.runQuantity; i++) {
      const qty = Math.min((i % 4) + 1, bun.runQuantity - sold);
      const outcome = await store.place(placement(`queue${i}`, 'bun', qty, { at: T0 + i * 30_000, allowance, limit: bun.runQuantity }));
      kinds.add(outcome.kind);
      sold += qty;
    }
    expect([...kinds]).toEqual(['placed']);
    expect(await store.sold(DAY)).toEqual({ bun: 120 });
  });
});
