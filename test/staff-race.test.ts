import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../server/state/embedded/board-store.js';
import { RedisState } from '../server/state/redis/redis-state.js';
import { STATE_OPTIONS } from './helpers/states.js';
import type { BoardStore } from '../server/state/board-store.js';
import type { Hub } from '../server/hub.js';
import type { OrderStatus } from '../shared/schemas/order.js';
import { order } from './helpers/fixtures.js';
import { TEST_TOKEN, post, startTestHub, tempDir } from './helpers/hub.js';
import { TestRedis } from './helpers/redis-server.js';

const log = pino({ level: 'silent' });

interface Answer {
  status: number;
  json: { ok: boolean; data?: { order: { status: OrderStatus } }; error?: { code: string; status?: OrderStatus | null } };
}

async function act(hub: Hub, id: string, action: string, body: unknown): Promise<Answer> {
  const res = await fetch(`${hub.url}/api/staff/orders/${id}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Answer['json'] };
}

/** Two staff taps on one order at once, each to the hub given; the answers sorted 200 first. */
async function race(hubs: [Hub, Hub], from: OrderStatus, action = 'advance'): Promise<{ id: string; answers: Answer[] }> {
  const o = order({ status: from, updatedAt: Date.now() - 1_000 });
  expect((await post(`${hubs[0].url}/api/orders`, o)).status).toBe(200);
  // The order must be on both hubs' boards before the taps, as it is on two consoles.
  for (const h of hubs) await expect.poll(() => h.board.snapshot().orders.some((x) => x.id === o.id), { timeout: 5_000 }).toBe(true);
  const answers = await Promise.all(hubs.map((h) => act(h, o.id, action, { from })));
  return { id: o.id, answers: answers.sort((a, b) => a.status - b.status) };
}

const NEXT: Partial<Record<OrderStatus, OrderStatus>> = { queued: 'in_production', in_production: 'ready', ready: 'picked_up' };

function expectOneStep(hubs: Hub[], r: { id: string; answers: Answer[] }, from: OrderStatus, to: OrderStatus) {
  expect(r.answers.map((a) => a.status)).toEqual([200, 409]);
  expect(r.answers[0]!.json.data?.order.status).toBe(to);
  expect(r.answers[1]!.json).toMatchObject({ ok: false, error: { code: 'stale', params: { status: to } } });
  void from;
  return Promise.all(hubs.map((h) => h.board.order(r.id))).then((held) => expect(held.map((o) => o?.status)).toEqual(hubs.map(() => to)));
}

describe('two staff taps on one order at once', () => {
  let redis: TestRedis;
  const hubs: Record<string, [Hub, Hub]> = {};
  beforeAll(async () => {
    redis = await TestRedis.start();
    const embedded = await startTestHub();
    const onRedis = await startTestHub({ REDIS_URL: redis.url });
    const second = await startTestHub({ REDIS_URL: redis.url });
    hubs['one embedded hub'] = [embedded, embedded];
    hubs['one hub on Redis'] = [onRedis, onRedis];
    hubs['two hubs on one Redis'] = [onRedis, second];
  }, 60_000);
  afterAll(async () => {
    const all = new Set(Object.values(hubs).flat());
    for (const h of all) await h.close();
    await redis?.destroy();
  });

  it.each(['one embedded hub', 'one hub on Redis', 'two hubs on one Redis'])('on %s: one 200, one 409 stale, the order moved one step', async (where) => {
    const pair = hubs[where]!;
    // Every step, several times: the two requests interleave differently each time.
    for (const from of ['queued', 'in_production', 'ready'] as const) {
      for (let i = 0; i < 3; i++) await expectOneStep(pair, await race(pair, from), from, NEXT[from]!);
    }
    // A cancel raced with an advance from the same status: one of them, never both.
    const o = order({ status: 'queued', updatedAt: Date.now() - 1_000 });
    await post(`${pair[0].url}/api/orders`, o);
    for (const h of pair) await expect.poll(() => h.board.snapshot().orders.some((x) => x.id === o.id), { timeout: 5_000 }).toBe(true);
    const [a, b] = await Promise.all([act(pair[0], o.id, 'advance', { from: 'queued' }), act(pair[1], o.id, 'cancel', { from: 'queued' })]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const held = (await pair[0].board.order(o.id))!.status;
    expect(held).toBe(a.status === 200 ? 'in_production' : 'cancelled');
    expect((a.status === 409 ? a : b).json.error).toMatchObject({ code: 'stale', params: { status: held } });
  });

  it('answers 409 stale with the current status when `from` is not what the order is in, and changes nothing', async () => {
    const [hub] = hubs['one embedded hub']!;
    const o = order({ status: 'in_production', updatedAt: Date.now() - 1_000 });
    await post(`${hub.url}/api/orders`, o);
    expect(await act(hub, o.id, 'advance', { from: 'queued' })).toMatchObject({
      status: 409,
      json: { error: { code: 'stale', params: { status: 'in_production' } } },
    });
    expect(await act(hub, o.id, 'cancel', { from: 'ready' })).toMatchObject({
      status: 409,
      json: { error: { code: 'stale', params: { status: 'in_production' } } },
    });
    expect((await hub.board.order(o.id))!.status).toBe('in_production');
    // `from` is optional (scripts): without it the step is taken from whatever the order is in.
    expect(await act(hub, o.id, 'advance', {})).toMatchObject({ status: 200, json: { data: { order: { status: 'ready' } } } });
    expect((await act(hub, o.id, 'advance', { from: 'nowhere' })).status).toBe(400);
    expect((await act(hub, o.id, 'advance', { from: 'ready', extra: 1 })).status).toBe(400);
    const bare = await fetch(`${hub.url}/api/staff/orders/${o.id}/advance`, { method: 'POST', headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(bare.status).toBe(200);
  });
});

describe.each([
  ['embedded', () => Promise.resolve<[BoardStore, () => Promise<void>]>([new EmbeddedStore(tempDir(), log), () => Promise.resolve()])],
  [
    'redis',
    async (): Promise<[BoardStore, () => Promise<void>]> => {
      const redis = await TestRedis.start();
      const state = new RedisState(redis.url, log, { ...STATE_OPTIONS, dataDir: tempDir() });
      return [
        state.board,
        async () => {
          await state.close();
          await redis.destroy();
        },
      ];
    },
  ],
] as const)('the %s store, writing an order only while it is in an expected status', (_kind, make) => {
  it('applies the write atomically or answers with the status the order is in', async () => {
    const [store, destroy] = await make();
    await store.start({ change: () => undefined, reset: () => undefined });
    try {
      const o = order({ status: 'queued', updatedAt: 1_000 });
      await store.upsertOrder(o);
      const making = { ...o, status: 'in_production' as const, updatedAt: 2_000 };
      const cancelled = { ...o, status: 'cancelled' as const, updatedAt: 2_001 };
      // Both were made from the same read (queued): only the first may land, though the second is newer.
      const [first, second] = await Promise.all([store.upsertOrder(making, 'queued'), store.upsertOrder(cancelled, 'queued')]);
      expect(first.applied).toBe(true);
      expect(second).toEqual({ applied: false, reason: 'moved', status: 'in_production' });
      expect((await store.order(o.id))?.status).toBe('in_production');
      // An order the store does not hold has no status to match.
      expect(await store.upsertOrder(order({ id: 'never-seen' }), 'queued')).toEqual({ applied: false, reason: 'moved', status: null });
      // Without an expected status, last write wins as before.
      expect((await store.upsertOrder(cancelled)).applied).toBe(true);
    } finally {
      await store.close();
      await destroy();
    }
  });
});
