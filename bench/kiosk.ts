import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { EmbeddedStockStore } from '../server/state/embedded/stock-store.js';
import type { Placement } from '../server/state/stock-store.js';
import { storeDay } from '../shared/tracking.js';
import { tempDir } from '../test/helpers/hub.js';

export interface KioskBench {
  orders: number;
  /** Per-order time and bytes for the first and the last `sample` orders of the day. */
  sample: number;
  first: { medianMs: number; p99Ms: number; bytesPerOrder: number };
  last: { medianMs: number; p99Ms: number; bytesPerOrder: number };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Bytes this thread has handed to write(2) (Linux task I/O accounting). */
function bytesWritten(): number {
  return Number(/^wchar: (\d+)$/m.exec(readFileSync('/proc/thread-self/io', 'utf8'))?.[1]);
}

/**
 * The embedded kiosk store through a busy day (issue 13, item 16): each order is one synced append,
 * so the 6,000th costs what the first did. The review measured 22 → 151 ms per order after 6,000
 * with the whole day rewritten and fsynced on each.
 */
export async function benchKiosk(log: (line: string) => void): Promise<KioskBench> {
  const orders = Number(process.env.BENCH_KIOSK_ORDERS ?? 6_000);
  const sample = 200;
  const store = new EmbeddedStockStore(tempDir('bb-bench-kiosk-'), pino({ level: 'silent' }));
  await store.start(() => undefined);
  const day = storeDay(Date.now());
  const slot = `N${'0'.repeat(32)}`;
  const allowance = { itemsPerMinute: 1e9, share: 1e9, shareWindowMs: 60_000 };
  const template = JSON.stringify({
    id: `kiosk-${day}-${slot}`,
    number: `K${slot}`,
    name: 'Sam',
    items: [{ sku: 'bun', variant: 'classic', qty: 2 }],
    status: 'queued',
    updatedAt: Date.now(),
  });
  const times: number[] = [];
  const bytes: number[] = [];
  for (let i = 0; i < orders; i++) {
    const p: Placement = {
      day,
      key: `bench-${String(i).padStart(10, '0')}`,
      sku: 'bun',
      qty: 2,
      limit: 1e9,
      template,
      slot,
      taken: [],
      refuseNew: false,
      client: `192.0.2.${i % 200}`,
      at: Date.now(),
      allowance,
    };
    const w = bytesWritten();
    const t = performance.now();
    await store.place(p);
    times.push(performance.now() - t);
    bytes.push(bytesWritten() - w);
    if ((i + 1) % 1000 === 0) log(`${i + 1} orders`);
  }
  await store.close();
  const summary = (from: number) => {
    const ms = times.slice(from, from + sample).sort((a, b) => a - b);
    const b = bytes.slice(from, from + sample);
    return { medianMs: percentile(ms, 50), p99Ms: percentile(ms, 99), bytesPerOrder: b.reduce((s, x) => s + x, 0) / b.length };
  };
  return { orders, sample, first: summary(0), last: summary(orders - sample) };
}
