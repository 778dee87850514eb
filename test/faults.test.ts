import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../shared/schemas/board.js';
import type { Order } from '../shared/schemas/order.js';
import { INBOX_STREAM } from '../shared/protocol.js';
import { spawnHub, startTestHub, tempDir, type SpawnedHub } from './helpers/hub.js';
import { TestRedis } from './helpers/redis-server.js';
import { closeScreens, connectScreens, eventually, type Screen } from './helpers/screens.js';
import { TcpProxy } from './helpers/tcp-proxy.js';

const ORDERS = 200;
const STEPS = 10;
const T0 = Date.now() - 3_600_000;
const STATUSES = ['queued', 'in_production', 'ready'] as const;

/** Update `step` of order `i`: 2,000 in all, every order ending active, so the final board holds all 200. */
function update(i: number, step: number): Order {
  return { id: `burst-${i}`, number: String(i), name: `Guest ${step}`, items: [{ sku: 'bun', qty: 1 + step }], status: STATUSES[step % 3]!, updatedAt: T0 + step * 1_000 + i };
}
const finalBoard = () => Array.from({ length: ORDERS }, (_, i) => update(i, STEPS - 1));

/** Sends the burst through the durable door in order; `during(n)` runs after the n-th update is accepted by Redis. */
async function burst(producer: Redis, during: (n: number) => Promise<void> | void): Promise<void> {
  let n = 0;
  for (let step = 0; step < STEPS; step++) {
    for (let i = 0; i < ORDERS; i++) {
      // ioredis queues and resends across a Redis restart; a reply lost to the kill may resend an
      // entry Redis already has: the board takes the repeat as a duplicate.
      for (let attempt = 0; ; attempt++) {
        try {
          await producer.xadd(INBOX_STREAM, '*', 'order', JSON.stringify(update(i, step)));
          break;
        } catch (err) {
          // A producer keeps sending until Redis takes it, as a POS with a retry queue would.
          if (attempt >= 100) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      await during(++n);
    }
  }
}

async function board(url: string): Promise<Snapshot> {
  return (await (await fetch(`${url}/api/board`)).json()) as Snapshot;
}

/** Between two snapshots a screen's events go up by exactly one; no order version is applied twice. */
function expectCleanStream(screen: Screen): void {
  let last = -1;
  const seen = new Set<string>();
  for (const e of screen.events) {
    if (e.name === 'snapshot') {
      last = e.seq;
      continue;
    }
    if (e.seq <= last) continue; // already in the snapshot: the mirror ignores it
    expect(e.seq, 'a hole in the seq').toBe(last + 1);
    last = e.seq;
    if (e.name === 'order') {
      const key = `${e.id}@${e.seq}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
  }
}

function expectBoard(screens: Screen[], expected: Order[]): void {
  for (const s of screens) {
    const orders = [...s.feed.mirror.orders.values()].filter((o) => o.id.startsWith('burst-')).sort((a, b) => a.id.localeCompare(b.id));
    expect(orders).toEqual([...expected].sort((a, b) => a.id.localeCompare(b.id)));
  }
}

describe('faults during a burst through the durable door', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });

  it('survives Redis killed -9 mid-burst and restarted from its append-only file: nothing lost or doubled, seq without holes', async () => {
    const redis = await TestRedis.start();
    cleanup.push(() => redis.destroy());
    const hub = await spawnHub({ REDIS_URL: redis.url });
    cleanup.push(() => hub.kill('SIGKILL'));
    const screens = await connectScreens(hub.url, 5);
    cleanup.push(() => closeScreens(screens));
    const producer = redis.client();
    cleanup.push(() => producer.disconnect());

    let restarted: Promise<void> | undefined;
    await burst(producer, (n) => {
      if (n === 700) restarted = redis.kill().then(() => redis.up());
    });
    await restarted;
    await eventually(() => expectBoard(screens, finalBoard()), 30_000);
    const server = await board(hub.url);
    for (const s of screens) {
      expect(s.feed.mirror.seq).toBe(server.seq);
      expectCleanStream(s);
    }
    expect(server.orders.filter((o) => o.id.startsWith('burst-'))).toHaveLength(ORDERS);
  }, 90_000);

  it('moves the screens of a hub killed -9 mid-burst to the live hub, which ends with the right board', async () => {
    const redis = await TestRedis.start();
    cleanup.push(() => redis.destroy());
    const config = path.join(tempDir(), 'store.json');
    writeFileSync(config, JSON.stringify({ inbox: { claimIdleSeconds: 2 } }));
    const a: SpawnedHub = await spawnHub({ REDIS_URL: redis.url, HUB_ID: 'hub-a', CONFIG: config });
    const b: SpawnedHub = await spawnHub({ REDIS_URL: redis.url, HUB_ID: 'hub-b', CONFIG: config });
    cleanup.push(() => b.kill('SIGKILL'), () => a.kill('SIGKILL'));
    const lb = await TcpProxy.start([a.port, b.port]);
    cleanup.push(() => lb.close());
    const screens = await connectScreens(lb.url, 6);
    cleanup.push(() => closeScreens(screens));
    const producer = redis.client();
    cleanup.push(() => producer.disconnect());

    let killed: Promise<void> | undefined;
    await burst(producer, (n) => {
      if (n === 800) killed = a.kill('SIGKILL');
    });
    await killed;
    await eventually(() => expectBoard(screens, finalBoard()), 40_000);
    const server = await board(b.url);
    for (const s of screens) {
      expect(s.feed.connected).toBe(true);
      expect(s.feed.mirror.seq).toBe(server.seq);
      expectCleanStream(s);
    }
  }, 90_000);

  it('keeps the screens on their board while Redis is frozen for 10 s, says so on /readyz within 5 s, and flows again after', async () => {
    const redis = await TestRedis.start();
    cleanup.push(() => redis.destroy());
    const hub = await startTestHub({ REDIS_URL: redis.url });
    cleanup.push(() => hub.close());
    const screens = await connectScreens(hub.url, 4);
    cleanup.push(() => closeScreens(screens));
    const producer = redis.client();
    cleanup.push(() => producer.disconnect());
    await producer.xadd(INBOX_STREAM, '*', 'order', JSON.stringify(update(0, 0)));
    await eventually(() => expect(screens.every((s) => s.feed.mirror.orders.has('burst-0'))).toBe(true));
    const before = screens.map((s) => s.feed.mirror.snapshot());

    redis.freeze();
    const frozenAt = Date.now();
    let notReadyAfter = -1;
    while (Date.now() - frozenAt < 10_000) {
      const status = await Promise.race([fetch(`${hub.url}/readyz`).then((r) => r.status), new Promise<number>((r) => setTimeout(() => r(0), 2_000))]);
      if (status === 503 && notReadyAfter < 0) notReadyAfter = Date.now() - frozenAt;
      expect(screens.every((s) => s.feed.connected)).toBe(true);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(notReadyAfter).toBeGreaterThanOrEqual(0);
    expect(notReadyAfter).toBeLessThanOrEqual(5_000);
    expect(screens.map((s) => s.feed.mirror.snapshot())).toEqual(before);

    redis.thaw();
    await eventually(async () => expect((await fetch(`${hub.url}/readyz`)).status).toBe(200), 15_000);
    await producer.xadd(INBOX_STREAM, '*', 'order', JSON.stringify(update(1, 0)));
    await eventually(() => expect(screens.every((s) => s.feed.mirror.orders.has('burst-1'))).toBe(true), 15_000);
  }, 60_000);
});
