import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import { order } from './helpers/fixtures.js';
import { post, startTestHub, tempDir } from './helpers/hub.js';
import { TestRedis } from './helpers/redis-server.js';
import { closeScreens, connectScreens, eventually, type Screen } from './helpers/screens.js';

function config(extra: Record<string, unknown>): string {
  const file = path.join(tempDir(), 'store.json');
  writeFileSync(file, JSON.stringify(extra));
  return file;
}

async function metric(hub: Hub, line: string): Promise<number | undefined> {
  const text = await (await fetch(`${hub.url}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function redis(): Promise<TestRedis> {
  const r = await TestRedis.start();
  cleanups.push(() => r.destroy());
  return r;
}

async function hubOn(env: Record<string, string>): Promise<Hub> {
  const hub = await startTestHub(env);
  cleanups.push(() => hub.close());
  return hub;
}

describe.each([
  ['embedded', () => Promise.resolve({})],
  ['redis', async () => ({ REDIS_URL: (await redis()).url })],
])('a bounded board (%s)', (_kind, store) => {
  it('refuses a new order past board.maxActiveOrders with a clear error and a metric, and takes updates and new orders once there is room', async () => {
    const hub = await hubOn({ ...(await store()), CONFIG: config({ board: { maxActiveOrders: 10 } }) });
    const held = Array.from({ length: 10 }, () => order());
    for (const o of held) expect((await post(`${hub.url}/api/orders`, o)).status).toBe(200);

    const extra = order();
    const refused = await post(`${hub.url}/api/orders`, extra);
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ ok: false, error: { code: 'board_full', params: { max: 10 } } });
    expect(JSON.stringify(refused.json)).toContain('board.maxActiveOrders');
    expect(await metric(hub, 'batchboard_rejected_total{door="rest",reason="board_full"}')).toBe(1);
    expect(await metric(hub, 'batchboard_active_orders')).toBe(10);

    // An order already on the board still moves.
    const first = held[0]!;
    const moved = await post(`${hub.url}/api/orders`, { ...first, status: 'ready', updatedAt: first.updatedAt + 1 });
    expect(moved).toMatchObject({ status: 200, json: { ok: true, data: { applied: true } } });
    // One collected makes room for the one refused.
    expect((await post(`${hub.url}/api/orders`, { ...first, status: 'picked_up', updatedAt: first.updatedAt + 2 })).status).toBe(200);
    expect(await post(`${hub.url}/api/orders`, extra)).toMatchObject({ status: 200, json: { ok: true, data: { applied: true } } });
    await eventually(() => expect(hub.board.activeOrders).toBe(10));
    expect(hub.board.snapshot().orders.map((o) => o.id)).toContain(extra.id);
  });

  it('takes queued and in-production orders off the board after board.staleOrderHours without a change, and leaves fresher ones', async () => {
    // A 0.6 s ready time-out makes the board sweep every 150 ms.
    const hub = await hubOn({ ...(await store()), CONFIG: config({ readyTimeoutMinutes: 0.01, board: { staleOrderHours: { queued: 1, in_production: 3 } } }) });
    const twoHoursAgo = Date.now() - 2 * 3600_000;
    const cooking = order({ status: 'in_production', updatedAt: twoHoursAgo });
    const forgotten = order({ status: 'queued', updatedAt: twoHoursAgo });
    const fresh = order({ status: 'queued', updatedAt: Date.now() });
    const removed: string[] = [];
    hub.board.on('change', (c) => {
      if (c.type === 'order' && c.removed) removed.push(c.order.id);
    });
    // Filed in this order, so one sweep looks at the in-production one before the queued one leaves.
    for (const o of [cooking, fresh, forgotten]) expect((await post(`${hub.url}/api/orders`, o)).status).toBe(200);

    await eventually(() => expect(removed).toContain(forgotten.id), 5_000);
    expect(removed).toEqual([forgotten.id]);
    expect(
      hub.board
        .snapshot()
        .orders.map((o) => o.id)
        .sort(),
    ).toEqual([cooking.id, fresh.id].sort());
    expect(await metric(hub, 'batchboard_stale_orders_total{status="queued"}')).toBe(1);
  });
});

describe('a store that loses its data (Redis)', () => {
  it('makes every hub and screen reload to what Redis holds within 5 s, after a FLUSHALL and after a restart from empty', async () => {
    const r = await redis();
    const hubs = [await hubOn({ REDIS_URL: r.url }), await hubOn({ REDIS_URL: r.url })];
    const screens: Screen[] = [];
    for (const hub of hubs) screens.push(...(await connectScreens(hub.url, 2)));
    cleanups.push(() => closeScreens(screens));
    const everyone = () => [...hubs.map((h) => h.board.snapshot()), ...screens.map((s) => s.feed.mirror.snapshot())];
    const holdExactly = (ids: string[]) =>
      eventually(() => {
        for (const board of everyone()) expect(board.orders.map((o) => o.id).sort()).toEqual([...ids].sort());
      }, 5_000);

    const before = Array.from({ length: 15 }, () => order());
    for (const o of before) await post(`${hubs[0]!.url}/api/orders`, o);
    await holdExactly(before.map((o) => o.id));

    // Emptied with nothing written after: noticed by the hubs looking at the store's epoch.
    const producer = r.client();
    cleanups.push(() => producer.disconnect());
    await producer.flushall();
    await holdExactly([]);

    // Written again: its seqs start from 1, below what every hub has seen, and must not be taken as seen.
    const after = Array.from({ length: 3 }, () => order());
    for (const o of after) await post(`${hubs[1]!.url}/api/orders`, o);
    await holdExactly(after.map((o) => o.id));
    for (const hub of hubs) expect(hub.board.seq).toBeLessThan(15);

    // A FLUSHALL and a write straight after, before any hub looked: the write's new epoch makes them reload.
    await producer.flushall();
    const next = order();
    await producer.publish('batchboard:orders', JSON.stringify(next));
    await holdExactly([next.id]);

    // Restarted with nothing on disk: a lower seq on the same port.
    await r.kill();
    rmSync(r.dir, { recursive: true, force: true });
    mkdirSync(r.dir);
    await r.up();
    const last = order();
    await eventually(async () => expect((await post(`${hubs[0]!.url}/api/orders`, last)).status).toBe(200), 5_000);
    await holdExactly([last.id]);
    // Every door back before the hubs are stopped: a stop in the middle of reconnecting is tested on its own.
    for (const hub of hubs) await eventually(async () => expect((await fetch(`${hub.url}/readyz`)).status).toBe(200), 10_000);
  });
});

describe('/readyz', () => {
  it('says ready only while the board is loaded and every door takes input', async () => {
    const r = await redis();
    const producer = r.client();
    cleanups.push(() => producer.disconnect());
    // A clobbered inbox key: the board loads, but the inbox door cannot read.
    await producer.set('batchboard:inbox', 'not a stream');
    const hub = await hubOn({ REDIS_URL: r.url });
    const ready = async () => {
      const res = await fetch(`${hub.url}/readyz`);
      return { status: res.status, body: (await res.json()) as { ok: boolean; board: string; doors: Record<string, string> } };
    };
    const down = await ready();
    expect(down).toMatchObject({ status: 503, body: { ok: false, board: 'loaded', doors: { redis_pubsub: 'up', redis_stream: 'down' } } });

    await producer.del('batchboard:inbox');
    await eventually(
      async () => expect(await ready()).toMatchObject({ status: 200, body: { ok: true, doors: { redis_pubsub: 'up', redis_stream: 'up' } } }),
      5_000,
    );
  });
});

describe('a hub stopped while its Redis clients reconnect', () => {
  it('leaves no unhandled rejection behind (the socket.io adapter unsubscribes on close without waiting)', async () => {
    const unhandled: unknown[] = [];
    const spy = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', spy);
    try {
      const r = await redis();
      const hub = await startTestHub({ REDIS_URL: r.url });
      // Killed and back: the hub's clients are reconnecting, each on its own timer, when it is told to stop.
      await r.kill();
      await r.up();
      await hub.close();
      // Rejections surface within a few turns of the event loop after the clients are cut.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(unhandled.map((e) => (e instanceof Error ? e.message : String(e)))).toEqual([]);
    } finally {
      process.off('unhandledRejection', spy);
    }
  });
});
