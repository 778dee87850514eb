import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../server/config.js';
import type { Hub } from '../server/hub.js';
import type { KioskServerToClientEvents } from '../shared/events.js';
import { KIOSK_NAMESPACE } from '../shared/protocol.js';
import type { StockChange } from '../shared/schemas/kiosk.js';
import { storeDay } from '../shared/tracking.js';
import { TEST_PIN, TEST_TOKEN, post, startTestHub, tempDir } from './helpers/hub.js';
import { TestRedis } from './helpers/redis-server.js';
import { closeScreens, connectScreens, eventually } from './helpers/screens.js';

/** The last ten of today's run, one per customer. */
function storeConfig(extra: Record<string, unknown> = {}): string {
  const file = path.join(tempDir(), 'store.json');
  writeFileSync(
    file,
    JSON.stringify({
      catalogue: [
        {
          sku: 'bun',
          name: 'Cardamom bun',
          variants: [
            { id: 'classic', name: 'Classic' },
            { id: 'vegan', name: 'Vegan' },
          ],
          runSize: 6,
          runQuantity: 60,
        },
        { sku: 'last-ten', name: 'Launch tote', runSize: 1, runQuantity: 10 },
        { sku: 'knot', name: 'Cinnamon knot', runSize: 6, runQuantity: 60 },
      ],
      // The rushes come from one address: what one client may take is tested on its own, below.
      kiosk: { ordersPerMinute: 600, itemsPerMinute: 600, maxShareOfRun: 1 },
      ...extra,
    }),
  );
  return file;
}

const order = (url: string, body: Record<string, unknown>) => post(`${url}/api/kiosk/orders`, { key: randomUUID(), ...body }, null);

/** An order from one client behind the (trusted, loopback) proxy, with the answer's Retry-After. */
async function orderAs(client: string, url: string, body: Record<string, unknown>): Promise<{ status: number; json: unknown; retryAfter: string | null }> {
  const res = await fetch(`${url}/api/kiosk/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
    body: JSON.stringify({ key: randomUUID(), ...body }),
  });
  return { status: res.status, json: await res.json(), retryAfter: res.headers.get('retry-after') };
}
const numberOf = (res: { json: unknown }) => (res.json as { data: { order: { number: string } } }).data.order.number;
const TODAY = storeDay(Date.now());
const YESTERDAY = storeDay(Date.now() - 86_400_000);

/** An order already on the board (an unfinished kiosk order of some day, or a POS's), written through the API. */
async function onBoard(url: string, number: string, id: string, name: string): Promise<void> {
  const res = await post(`${url}/api/orders`, { id, number, name, items: [{ sku: 'bun', qty: 1 }], status: 'queued', updatedAt: Date.now() });
  expect(res.status).toBeLessThan(300);
}

/** 50 customers tap Order on the last ten at once, spread over the given hubs. */
async function rush(hubs: Hub[]): Promise<{ placed: number; soldOut: number; other: number; numbers: string[] }> {
  const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => order(hubs[i % hubs.length]!.url, { sku: 'last-ten', qty: 1 })));
  const numbers = answers.flatMap((a) => (a.status === 201 ? [(a.json as { data: { order: { number: string } } }).data.order.number] : []));
  return {
    placed: answers.filter((a) => a.status === 201).length,
    soldOut: answers.filter((a) => a.status === 409 && (a.json as { error: { code: string } }).error.code === 'sold_out').length,
    other: answers.filter((a) => a.status !== 201 && a.status !== 409).length,
    numbers,
  };
}

describe('kiosk ordering, embedded', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub({ CONFIG: storeConfig() });
  });
  afterAll(() => hub?.close());

  it('sells exactly the last 10 to 50 customers ordering at once', async () => {
    const result = await rush([hub]);
    expect(result).toMatchObject({ placed: 10, soldOut: 40, other: 0 });
    expect(new Set(result.numbers).size).toBe(10);
    const onBoard = hub.board.snapshot().orders.filter((o) => o.items[0]?.sku === 'last-ten');
    expect(onBoard).toHaveLength(10);
    const left = (await (await fetch(`${hub.url}/api/kiosk`)).json()) as { data: { products: { sku: string; left: number }[] } };
    expect(left.data.products.find((p) => p.sku === 'last-ten')?.left).toBe(0);
  });

  it('makes one order of a double tap and of a retry after a lost answer (same key)', async () => {
    const key = randomUUID();
    const body = { key, sku: 'bun', variant: 'vegan', qty: 2, name: 'Ari' };
    const [a, b] = await Promise.all([post(`${hub.url}/api/kiosk/orders`, body, null), post(`${hub.url}/api/kiosk/orders`, body, null)]);
    const again = await post(`${hub.url}/api/kiosk/orders`, body, null);
    const numbers = [a, b, again].map((r) => (r.json as { data: { order: { number: string } } }).data.order.number);
    expect(new Set(numbers).size).toBe(1);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(again).toMatchObject({ status: 200, json: { data: { repeated: true } } });
    expect(hub.board.snapshot().orders.filter((o) => o.name === 'Ari')).toHaveLength(1);
  });

  it('refuses what the menu does not allow, naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ sku: 'nope', qty: 1 }, 'sku'],
      [{ sku: 'bun', qty: 1 }, 'variant'],
      [{ sku: 'bun', variant: 'spicy', qty: 1 }, 'variant'],
      [{ sku: 'bun', variant: 'classic', qty: 7 }, 'qty'],
      [{ sku: 'bun', variant: 'classic', qty: 0 }, 'qty'],
      [{ sku: 'bun', variant: 'classic', qty: 1, name: 'x'.repeat(25) }, 'name'],
    ];
    for (const [body, field] of cases) {
      const res = await order(hub.url, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((res.json as { error: { params: { issues: { field: string }[] } } }).error.params.issues[0]?.field).toBe(field);
    }
    expect((await post(`${hub.url}/api/kiosk/orders`, { sku: 'bun', qty: 1 }, null)).json).toMatchObject({
      error: { params: { issues: [{ field: 'key', problem: 'required' }] } },
    });
  });

  it('puts a kiosk order on every screen, tells every kiosk what is left, and gives stock back on a cancel', async () => {
    const screens = await connectScreens(hub.url, 2);
    const kiosk = io(`${hub.url}${KIOSK_NAMESPACE}`, { transports: ['websocket'] });
    const stock: StockChange[] = [];
    kiosk.on('stock', ((c) => stock.push(c)) satisfies KioskServerToClientEvents['stock']);
    const first = await new Promise<Parameters<KioskServerToClientEvents['kiosk']>[0]>((resolve) => kiosk.once('kiosk', resolve));
    const before = first.products.find((p) => p.sku === 'bun')!.left;
    try {
      const res = await order(hub.url, { sku: 'bun', variant: 'classic', qty: 3 });
      const placed = (res.json as { data: { order: { id: string; number: string }; track: string } }).data;
      expect(placed.track).toBe(`/track/${placed.order.number}`);
      await eventually(() => expect(screens.every((s) => s.feed.mirror.orders.get(placed.order.id)?.status === 'queued')).toBe(true));
      await eventually(() => expect(stock.at(-1)).toEqual({ sku: 'bun', left: before - 3, nextBatchAt: null }));
      expect((await (await fetch(`${hub.url}/api/track/${placed.order.number}`)).json()) as unknown).toMatchObject({
        ok: true,
        data: { number: placed.order.number, status: 'queued' },
      });

      const cancelled = await post(`${hub.url}/api/staff/orders/${placed.order.id}/cancel`, {}, TEST_TOKEN);
      expect(cancelled.status).toBe(200);
      await eventually(() => expect(stock.at(-1)).toEqual({ sku: 'bun', left: before, nextBatchAt: null }));
      await eventually(() => expect(screens.every((s) => !s.feed.mirror.orders.has(placed.order.id))).toBe(true));
      expect((await fetch(`${hub.url}/api/track/${placed.order.number}`)).status).toBe(404);
    } finally {
      kiosk.close();
      closeScreens(screens);
    }
  });

  it("never gives a new order a number an order still on the board holds, and tracks today's order first", async () => {
    const fresh = await startTestHub({ CONFIG: storeConfig() });
    try {
      // Yesterday's K101 was never finished; a POS put its own K102 up.
      await onBoard(fresh.url, 'K101', `kiosk-${YESTERDAY}-101`, 'Yesterday Yara');
      await onBoard(fresh.url, 'K102', 'pos-7731', 'Pos Pia');
      const numbers = [];
      for (let i = 0; i < 2; i++) numbers.push(numberOf(await order(fresh.url, { sku: 'bun', variant: 'classic', qty: 1 })));
      expect(numbers).toEqual(['K103', 'K104']);
      expect(fresh.board.snapshot().orders.filter((o) => o.number === 'K101')).toHaveLength(1);

      // Only yesterday's K101 is there: its progress, never its name.
      const yesterdays = (await (await fetch(`${fresh.url}/api/track/K101`)).json()) as { data: Record<string, unknown> };
      expect(yesterdays.data).toMatchObject({ id: `kiosk-${YESTERDAY}-101`, status: 'queued' });
      expect(yesterdays.data).not.toHaveProperty('name');
      // Two K101s on the board (as a hub before this fix could leave them): today's is the one tracked.
      await onBoard(fresh.url, 'K101', `kiosk-${TODAY}-101`, 'Today Tove');
      expect((await (await fetch(`${fresh.url}/api/track/K101`)).json()) as unknown).toMatchObject({
        ok: true,
        data: { id: `kiosk-${TODAY}-101`, name: 'Today Tove' },
      });
    } finally {
      await fresh.close();
    }
  });

  it('keeps what was sold and the numbers given across a restart', async () => {
    const dataDir = tempDir();
    const config = storeConfig();
    const one = await startTestHub({ CONFIG: config, DATA_DIR: dataDir });
    const first = await order(one.url, { sku: 'last-ten', qty: 1 });
    await one.close();
    const two = await startTestHub({ CONFIG: config, DATA_DIR: dataDir });
    try {
      const second = await order(two.url, { sku: 'last-ten', qty: 1 });
      const n = (r: typeof first) => Number((r.json as { data: { order: { number: string } } }).data.order.number.slice(1));
      expect(n(second)).toBe(n(first) + 1);
      const state = (await (await fetch(`${two.url}/api/kiosk`)).json()) as { data: { products: { sku: string; left: number }[] } };
      expect(state.data.products.find((p) => p.sku === 'last-ten')?.left).toBe(8);
    } finally {
      await two.close();
    }
  });
});

describe('kiosk ordering on Redis, two hubs', () => {
  let redis: TestRedis;
  let hubs: Hub[];
  beforeAll(async () => {
    redis = await TestRedis.start();
    const config = storeConfig();
    hubs = [await startTestHub({ REDIS_URL: redis.url, CONFIG: config }), await startTestHub({ REDIS_URL: redis.url, CONFIG: config })];
  }, 60_000);
  afterAll(async () => {
    await Promise.all((hubs ?? []).map((h) => h.close()));
    await redis?.destroy();
  });

  it('sells exactly the last 10 to 50 customers ordering at once through both hubs', async () => {
    const result = await rush(hubs);
    expect(result).toMatchObject({ placed: 10, soldOut: 40, other: 0 });
    expect(new Set(result.numbers).size).toBe(10);
    for (const hub of hubs) await eventually(() => expect(hub.board.snapshot().orders.filter((o) => o.items[0]?.sku === 'last-ten')).toHaveLength(10));
  });

  it('skips numbers orders still on the board hold, on every hub', async () => {
    const [a, b] = hubs as [Hub, Hub];
    const last = Number(numberOf(await order(a.url, { sku: 'bun', variant: 'classic', qty: 1 })).slice(1));
    await onBoard(a.url, `K${last + 1}`, `kiosk-${YESTERDAY}-${last + 1}`, 'Yesterday Yara');
    await onBoard(a.url, `K${last + 2}`, 'pos-7732', 'Pos Pia');
    await eventually(() => expect(b.board.snapshot().orders.filter((o) => o.name === 'Yesterday Yara' || o.name === 'Pos Pia')).toHaveLength(2));
    expect(numberOf(await order(b.url, { sku: 'bun', variant: 'classic', qty: 1 }))).toBe(`K${last + 3}`);
    expect(numberOf(await order(a.url, { sku: 'bun', variant: 'classic', qty: 1 }))).toBe(`K${last + 4}`);
  });

  it('counts what one client takes across both hubs, in items and as a share of the run', async () => {
    const config = storeConfig({ kiosk: { itemsPerMinute: 18, maxShareOfRun: 0.25 } });
    const pair = [await startTestHub({ REDIS_URL: redis.url, CONFIG: config }), await startTestHub({ REDIS_URL: redis.url, CONFIG: config })];
    try {
      const [a, b] = pair.map((h) => h.url) as [string, string];
      const bun = { sku: 'bun', variant: 'classic' };
      // A quarter of the bun's 60 is 15 per 10 minutes; 18 items a minute over every SKU.
      expect((await orderAs('203.0.113.40', a, { ...bun, qty: 6 })).status).toBe(201);
      expect((await orderAs('203.0.113.40', b, { ...bun, qty: 6 })).status).toBe(201);
      const share = await orderAs('203.0.113.40', a, { ...bun, qty: 6 });
      expect(share).toMatchObject({ status: 429, json: { ok: false, error: { code: 'share_limited', params: { sku: 'bun', limit: 15, windowMinutes: 10 } } } });
      expect(Number(share.retryAfter)).toBeGreaterThan(500);
      expect((await orderAs('203.0.113.40', b, { sku: 'knot', qty: 6 })).status).toBe(201);
      const items = await orderAs('203.0.113.40', a, { sku: 'knot', qty: 1 });
      expect(items).toMatchObject({ status: 429, json: { ok: false, error: { code: 'items_limited', params: { limit: 18 } } } });
      expect(Number(items.retryAfter)).toBeGreaterThan(0);
      expect(Number(items.retryAfter)).toBeLessThanOrEqual(60);
      // Another customer's device is not held back by it.
      expect((await orderAs('203.0.113.41', b, { ...bun, qty: 6 })).status).toBe(201);
    } finally {
      await Promise.all(pair.map((h) => h.close()));
    }
  });

  it('makes one order when the same attempt reaches both hubs', async () => {
    const body = { key: randomUUID(), sku: 'bun', variant: 'classic', qty: 1, name: 'Both' };
    const answers = await Promise.all(hubs.map((h) => post(`${h.url}/api/kiosk/orders`, body, null)));
    expect(new Set(answers.map((a) => (a.json as { data: { order: { id: string } } }).data.order.id)).size).toBe(1);
    await eventually(() => expect(hubs[1]!.board.snapshot().orders.filter((o) => o.name === 'Both')).toHaveLength(1));
  });

  it('says the store is unavailable while Redis is down, and the retry with the same key then places it once', async () => {
    const body = { key: randomUUID(), sku: 'bun', variant: 'classic', qty: 1, name: 'Retry' };
    await redis.kill();
    const down = await post(`${hubs[0]!.url}/api/kiosk/orders`, body, null);
    expect(down).toMatchObject({ status: 503, json: { error: { code: 'store_unavailable' } } });
    await redis.up();
    await eventually(async () => expect((await post(`${hubs[0]!.url}/api/kiosk/orders`, body, null)).status).toBeLessThan(300), 15_000);
    await eventually(() => expect(hubs[0]!.board.snapshot().orders.filter((o) => o.name === 'Retry')).toHaveLength(1));
  });
});

/** Orders (one key, so retried attempts make one order) until the hub places it: Redis may still be coming back. */
async function eventuallyPlaced(hub: Hub, body: Record<string, unknown>): Promise<{ status: number; json: unknown }> {
  const key = randomUUID();
  let placed: { status: number; json: unknown } | undefined;
  await eventually(async () => {
    placed = await post(`${hub.url}/api/kiosk/orders`, { key, ...body }, null);
    expect(placed.status).toBeLessThan(300);
  }, 10_000);
  return placed!;
}

describe('kiosk stock when Redis loses its data', () => {
  it('seeds the day again from what the hubs knew: no item sold twice, no number given twice, the same left on every kiosk', async () => {
    const redis = await TestRedis.start();
    const config = storeConfig();
    const hubs = [await startTestHub({ REDIS_URL: redis.url, CONFIG: config }), await startTestHub({ REDIS_URL: redis.url, CONFIG: config })];
    const producer = redis.client();
    try {
      const left = async (hub: Hub) =>
        ((await (await fetch(`${hub.url}/api/kiosk`)).json()) as { data: { products: { sku: string; left: number }[] } }).data.products.find(
          (p) => p.sku === 'last-ten',
        )!.left;
      const numbers: string[] = [];
      for (let i = 0; i < 4; i++) numbers.push(numberOf(await order(hubs[i % 2]!.url, { sku: 'last-ten', qty: 1 })));
      for (const hub of hubs) await eventually(async () => expect(await left(hub)).toBe(6));

      // Emptied mid-day with nothing written after it: every hub notices, seeds the day again, and keeps its count.
      await producer.flushall();
      await eventually(async () => expect(await producer.hget(`batchboard:kiosk:${TODAY}:sold`, 'last-ten')).toBe('4'), 5_000);
      for (const hub of hubs) expect(await left(hub)).toBe(6);

      // Restarted with nothing on disk, and the customers keep coming: still only 10 in all.
      await redis.kill();
      rmSync(redis.dir, { recursive: true, force: true });
      mkdirSync(redis.dir);
      await redis.up();
      // One order through each hub, once each has its kiosk connection back: the day is seeded again by the first.
      for (const hub of hubs) numbers.push(numberOf(await eventuallyPlaced(hub, { sku: 'last-ten', qty: 1 })));
      const result = await rush(hubs);
      expect(result).toMatchObject({ placed: 4, other: 0 });
      numbers.push(...result.numbers);
      for (const hub of hubs) await eventually(async () => expect(await left(hub)).toBe(0));
      // Four before the flush, two right after the restart, four in the rush: none repeats a number a customer holds.
      expect(numbers).toHaveLength(10);
      expect(new Set(numbers).size).toBe(10);
    } finally {
      producer.disconnect();
      await Promise.all(hubs.map((h) => h.close()));
      await redis.destroy();
    }
  });

  it('does not give a number twice when the store is emptied before a freshly started hub has placed anything', async () => {
    const redis = await TestRedis.start();
    const config = storeConfig();
    const producer = redis.client();
    try {
      const first = await startTestHub({ REDIS_URL: redis.url, CONFIG: config });
      const given: string[] = [];
      for (let i = 0; i < 3; i++) given.push(numberOf(await order(first.url, { sku: 'knot', qty: 1 })));
      await first.close();
      const later = await startTestHub({ REDIS_URL: redis.url, CONFIG: config });
      try {
        await producer.flushall();
        // The board is gone too, so the numbers on it no longer keep the old ones from being given again.
        await eventually(() => expect(later.board.snapshot().orders).toEqual([]), 5_000);
        given.push(numberOf(await eventuallyPlaced(later, { sku: 'knot', qty: 1 })));
        expect(new Set(given).size).toBe(4);
      } finally {
        await later.close();
      }
    } finally {
      producer.disconnect();
      await redis.destroy();
    }
  });

  it('refuses a kiosk order while the board is full, before taking any stock', async () => {
    const hub = await startTestHub({ CONFIG: storeConfig({ board: { maxActiveOrders: 10 } }) });
    try {
      for (let i = 0; i < 9; i++) expect((await order(hub.url, { sku: 'knot', qty: 1 })).status).toBe(201);
      const last = { key: randomUUID(), sku: 'knot', qty: 1 };
      expect((await post(`${hub.url}/api/kiosk/orders`, last, null)).status).toBe(201);
      // Its answer was lost and the kiosk asks again: the order is on the board, and the answer is the same.
      expect(await post(`${hub.url}/api/kiosk/orders`, last, null)).toMatchObject({ status: 200, json: { ok: true, data: { repeated: true } } });
      const refused = await order(hub.url, { sku: 'knot', qty: 1 });
      expect(refused).toMatchObject({ status: 409, json: { ok: false, error: { code: 'board_full', params: { max: 10 } } } });
      const counted = (await hub.metrics.rejected.get()).values.find((v) => v.labels.door === 'kiosk' && v.labels.reason === 'board_full');
      expect(counted?.value).toBe(1);
      const knot = ((await (await fetch(`${hub.url}/api/kiosk`)).json()) as { data: { products: { sku: string; left: number }[] } }).data.products.find(
        (p) => p.sku === 'knot',
      )!;
      expect(knot.left).toBe(50);
    } finally {
      await hub.close();
    }
  });
});

describe('kiosk abuse', () => {
  it('limits the orders one client may place a minute, and says when to come back', async () => {
    const hub = await startTestHub({ CONFIG: storeConfig({ kiosk: { ordersPerMinute: 3 } }) });
    try {
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await order(hub.url, { sku: 'bun', variant: 'classic', qty: 1 }));
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 429, 429]);
      expect(answers[3]!.json).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
      expect(hub.board.snapshot().orders).toHaveLength(3);
    } finally {
      await hub.close();
    }
  });
});

describe('what one client may take', () => {
  /** The review's day: 120 cardamom buns, a dozen to a batch, and the default limits. */
  const reviewDay = () =>
    storeConfig({
      catalogue: [{ sku: 'bun', name: 'Cardamom bun', variants: [{ id: 'classic', name: 'Classic' }], runSize: 12, runQuantity: 120 }],
      kiosk: {},
    });

  it('counts items, not orders: ten orders of a dozen at once from one address take a minute of items, not the run', async () => {
    const hub = await startTestHub({ CONFIG: reviewDay() });
    try {
      const answers = await Promise.all(Array.from({ length: 10 }, () => orderAs('203.0.113.7', hub.url, { sku: 'bun', variant: 'classic', qty: 12 })));
      expect(answers.filter((a) => a.status === 201)).toHaveLength(5);
      const refused = answers.filter((a) => a.status === 429);
      expect(refused).toHaveLength(5);
      for (const r of refused) {
        expect(r.json).toMatchObject({ ok: false, error: { code: 'items_limited', params: { limit: 60 } } });
        expect(Number(r.retryAfter)).toBeGreaterThan(0);
        expect(Number(r.retryAfter)).toBeLessThanOrEqual(60);
      }
      const state = (await (await fetch(`${hub.url}/api/kiosk`)).json()) as { data: { products: { sku: string; left: number }[] } };
      expect(state.data.products.find((p) => p.sku === 'bun')?.left).toBe(60);
      // A customer at another device still gets theirs.
      expect((await orderAs('203.0.113.8', hub.url, { sku: 'bun', variant: 'classic', qty: 12 })).status).toBe(201);
    } finally {
      await hub.close();
    }
  });

  it('stops one address at its share of a run (kiosk.maxShareOfRun), and the kiosk gets words to show', async () => {
    const config = storeConfig({
      catalogue: [{ sku: 'bun', name: 'Cardamom bun', variants: [{ id: 'classic', name: 'Classic' }], runSize: 12, runQuantity: 120 }],
      kiosk: { itemsPerMinute: 600, maxShareOfRun: 0.25 },
    });
    const hub = await startTestHub({ CONFIG: config });
    try {
      const bun = { sku: 'bun', variant: 'classic', qty: 12 };
      expect((await orderAs('203.0.113.7', hub.url, bun)).status).toBe(201);
      expect((await orderAs('203.0.113.7', hub.url, bun)).status).toBe(201);
      const refused = await orderAs('203.0.113.7', hub.url, bun);
      expect(refused).toMatchObject({
        status: 429,
        json: { ok: false, error: { code: 'share_limited', params: { sku: 'bun', limit: 30, windowMinutes: 10 } } },
      });
      expect(Number(refused.retryAfter)).toBeGreaterThan(500);
      expect((await orderAs('203.0.113.7', hub.url, { ...bun, qty: 6 })).status).toBe(201);
      expect((await orderAs('203.0.113.8', hub.url, bun)).status).toBe(201);
    } finally {
      await hub.close();
    }
  });

  it('refuses at start an item limit below a batch, naming the key', () => {
    const file = storeConfig({ kiosk: { itemsPerMinute: 5 } });
    expect(() => loadConfig({ CONFIG: file })).toThrow(/kiosk\.itemsPerMinute.*'bun'.*6/);
    expect(() => loadConfig({ CONFIG: storeConfig({ kiosk: { maxShareOfRun: 0 } }) })).toThrow(/maxShareOfRun/);
  });
});

describe('client addresses behind a load balancer (TRUST_PROXY)', () => {
  const fromClient = (url: string, client: string) =>
    fetch(`${url}/api/kiosk/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
      body: JSON.stringify({ key: randomUUID(), sku: 'bun', variant: 'classic', qty: 1 }),
    }).then((r) => r.status);

  it('keys the order limit by the forwarded client address when the proxy is trusted, and ignores the header when not', async () => {
    const limit = storeConfig({ kiosk: { ordersPerMinute: 1 } });
    // The default trusts loopback, where the test's requests come from: two clients, two buckets.
    const trusting = await startTestHub({ CONFIG: limit });
    // A balancer elsewhere: requests from loopback are not from it, so their header is not believed.
    const elsewhere = await startTestHub({ CONFIG: limit, TRUST_PROXY: '10.0.0.1' });
    try {
      expect([
        await fromClient(trusting.url, '203.0.113.1'),
        await fromClient(trusting.url, '203.0.113.2'),
        await fromClient(trusting.url, '203.0.113.1'),
      ]).toEqual([201, 201, 429]);
      expect([await fromClient(elsewhere.url, '203.0.113.1'), await fromClient(elsewhere.url, '203.0.113.2')]).toEqual([201, 429]);
    } finally {
      await Promise.all([trusting.close(), elsewhere.close()]);
    }
  });
});

describe('the catalogue in the config file', () => {
  it('refuses a fourth variant at start, naming the SKU', () => {
    const file = path.join(tempDir(), 'store.json');
    const variants = ['a', 'b', 'c', 'd'].map((id) => ({ id, name: id.toUpperCase() }));
    writeFileSync(file, JSON.stringify({ catalogue: [{ sku: 'quad-bun', name: 'Quad', variants, runSize: 6, runQuantity: 10 }] }));
    expect(() => loadConfig({ CONFIG: file, STAFF_PIN: TEST_PIN })).toThrow(ConfigError);
    expect(() => loadConfig({ CONFIG: file })).toThrow(/quad-bun.*4 variants/);
  });
});
