import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { CHANNELS } from '../shared/protocol.js';
import type { Order } from '../shared/schemas/order.js';
import { spawnHub, type SpawnedHub } from './helpers/hub.js';
import { TestRedis } from './helpers/redis-server.js';
import { closeScreens, connectScreens, eventually, type Screen } from './helpers/screens.js';
import { StalledScreen } from './helpers/stalled-screen.js';

const STALLED = 60;
const EVENTS = 50_000;
/** The orders the events update, each in turn. */
const ORDERS = 300;
// With a 256 MB heap the hub peaks at 185–230 MB on a quiet 2-core machine and up to 300 MB on a loaded
// one (heap, young generation and buffers); without the backlog cap, 60 stalled screens asking for
// snapshots took an unbounded hub to 830 MB, and stall this one out of memory.
const RSS_BOUND_MB = 400;
/** Published together, then paced by what the hub has applied. */
const BATCH = 500;

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
}

// Near a kilobyte each, as a busy order with its items is: enough that a stalled screen's share
// outgrows what the kernel's socket buffers absorb, so the hub itself would have to hold it.
function busyOrder(i: number, now: number): Order {
  return {
    id: `slow-${i % ORDERS}`,
    number: String(1000 + (i % ORDERS)),
    name: `Customer ${i % ORDERS}`,
    items: Array.from({ length: 12 }, (_, k) => ({ sku: `product-with-a-long-sku-${k}`, variant: 'variant-name', qty: 1 + (k % 3) })),
    status: (['queued', 'in_production', 'ready'] as const)[i % 3]!,
    updatedAt: now + i,
  };
}

describe('screens that stop reading', () => {
  let redis: TestRedis;
  let producer: Redis;
  let hub: SpawnedHub;
  let readers: Screen[] = [];
  const stalled: StalledScreen[] = [];

  beforeAll(async () => {
    redis = await TestRedis.start();
    producer = redis.client();
    // A heap the size of a small signage box's share: garbage is collected rather than left to grow, so
    // the bound below measures what the hub holds, not how lazily V8 returns memory.
    hub = await spawnHub({ REDIS_URL: redis.url, NODE_OPTIONS: '--max-old-space-size=256' });
  }, 60_000);
  afterAll(async () => {
    for (const s of stalled) s.close();
    closeScreens(readers);
    await hub?.kill();
    producer?.disconnect();
    await redis?.destroy();
  });

  it(`keep the hub under ${RSS_BOUND_MB} MB while ${EVENTS.toLocaleString('en')} events flow: they are dropped and counted, and the readers keep up`, async () => {
    readers = await connectScreens(hub.url, 5);
    for (let i = 0; i < STALLED; i++) stalled.push(await StalledScreen.open('127.0.0.1', hub.port));
    await eventually(async () => expect(await metric(hub.url, 'batchboard_screens_connected')).toBe(5 + STALLED));

    // Each stalled screen also asks for a snapshot once a second, under the flood limit: each answer
    // would be another copy of the board (about 300 KB here) held for a screen that never reads it.
    const syncs = setInterval(() => stalled.forEach((s) => s.sync()), 1_000);
    const now = Date.now();
    let peak = 0;
    for (let sent = 0; sent < EVENTS; sent += BATCH) {
      const batch = producer.pipeline();
      for (let i = sent; i < sent + BATCH; i++) batch.publish(CHANNELS.orders, JSON.stringify(busyOrder(i, now)));
      await batch.exec();
      peak = Math.max(peak, rssMb(hub.child.pid!));
      expect(peak, 'hub RSS (MB) while events flow').toBeLessThan(RSS_BOUND_MB);
      // Paced by what the hub has applied: the bound is on the hub, and Redis drops a subscriber that lags far behind.
      await eventually(async () => expect(Number(await producer.get('batchboard:board:seq'))).toBeGreaterThan(sent - 2 * BATCH), 30_000);
    }
    // Every order ends on its last update. Not every one of the 50,000 takes a seq: pub/sub is the best-effort door, and
    // on a machine this loaded a store call can time out; its retry then comes after a newer update of the same order
    // and is rightly stale. The board converging on the newest of each is the contract.
    const lastOf = (k: number) => now + EVENTS - 1 - ((EVENTS - 1 - k) % ORDERS);
    await eventually(async () => {
      const board = (await (await fetch(`${hub.url}/api/board`)).json()) as { orders: Order[] };
      const held = new Map(board.orders.map((o) => [o.id, o.updatedAt]));
      expect(Array.from({ length: ORDERS }, (_, k) => held.get(`slow-${k}`)).filter((at, k) => at !== lastOf(k))).toEqual([]);
    }, 60_000);
    clearInterval(syncs);
    const last = Number(await producer.get('batchboard:board:seq'));
    // Every reader has every change: they kept up.
    await eventually(() => expect(readers.every((r) => r.feed.mirror.seq === last)).toBe(true), 30_000);
    peak = Math.max(peak, rssMb(hub.child.pid!));
    expect(peak).toBeLessThan(RSS_BOUND_MB);
    expect(hub.child.exitCode).toBeNull();

    // Every stalled screen was dropped (a reader starved of CPU on a loaded test machine may be too, and
    // comes back by itself): in the end only the readers are connected.
    await eventually(async () => expect(await metric(hub.url, 'batchboard_screens_dropped_total')).toBeGreaterThanOrEqual(STALLED), 10_000);
    await eventually(async () => expect(await metric(hub.url, 'batchboard_screens_connected')).toBe(5), 20_000);
    await eventually(() => expect(stalled.every((s) => s.closed)).toBe(true));
  }, 240_000);
});
