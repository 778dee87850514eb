import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { Hub } from '../server/hub.js';
import { CHANNELS, INBOX_STREAM } from '../shared/protocol.js';
import { machine, order } from './helpers/fixtures.js';
import { TEST_PIN, TEST_TOKEN, post } from './helpers/hub.js';
import type { TestRedis } from './helpers/redis-server.js';
import { startRedisHub, stopRedisHub } from './helpers/redis-hub.js';
import { eventually, type Screen } from './helpers/screens.js';

const valid = order();
/** Every kind of bad input we could think of, each with the field its rejection must name. */
const BAD_ORDERS: [what: string, field: string, body: string][] = [
  ['bad JSON', 'JSON', '{"id": "x",'],
  ['an array', '(root)', '[]'],
  ['null', '(root)', 'null'],
  ['a string', '(root)', '"order"'],
  ['a wrong type', 'updatedAt', JSON.stringify({ ...valid, updatedAt: 'yesterday' })],
  ['a missing field', 'items', JSON.stringify({ ...valid, items: undefined })],
  ['an oversized string', 'name', JSON.stringify({ ...valid, name: 'x'.repeat(10_000) })],
  ['an oversized number field', 'number', JSON.stringify({ ...valid, number: '1234567890' })],
  ['an unknown status', 'status', JSON.stringify({ ...valid, status: 'lost' })],
  ['too many items', 'items', JSON.stringify({ ...valid, items: Array.from({ length: 50 }, () => ({ sku: 'a', qty: 1 })) })],
  ['a negative quantity', 'items.0.qty', JSON.stringify({ ...valid, items: [{ sku: 'a', qty: -1 }] })],
  ['a __proto__ key only', 'id', '{"__proto__":{"isAdmin":true}}'],
  ['a nested __proto__ in items', 'items', JSON.stringify({ ...valid, items: 'x' }).replace('"x"', '{"__proto__":{"qty":1}}')],
  ['deep nesting', 'items.0', JSON.stringify({ ...valid, items: JSON.parse('['.repeat(500) + ']'.repeat(500)) as unknown })],
  ['a timestamp far in the future', 'updatedAt', JSON.stringify({ ...valid, updatedAt: Date.now() + 7 * 86_400_000 })],
  // A POS that counts in seconds: taken, it would be swept off the board at once as a day-old leftover.
  ['a timestamp in seconds, not milliseconds', 'updatedAt', JSON.stringify({ ...valid, updatedAt: Math.floor(Date.now() / 1000) })],
  ['a timestamp of 0', 'updatedAt', JSON.stringify({ ...valid, updatedAt: 0 })],
  ['control characters in the name', 'name', JSON.stringify({ ...valid, name: 'Ana\u001b[2J' })],
  ['a lone surrogate in the name', 'name', JSON.stringify({ ...valid, name: 'Bo\udfff' })],
  ['a lone high surrogate in the number', 'number', JSON.stringify({ ...valid, number: '4\ud83d' })],
];

describe('hostile input at every door', () => {
  let redis: TestRedis;
  let producer: Redis;
  let hub: Hub;
  let screens: Screen[];

  beforeAll(async () => {
    ({ redis, producer, hub, screens } = await startRedisHub(3));
  });
  afterAll(() => stopRedisHub({ redis, producer, hub, screens }));

  async function rejectedCount(door: string): Promise<number> {
    const metric = await hub.metrics.rejected.get();
    return metric.values.filter((v) => v.labels.door === door).reduce((n, v) => n + v.value, 0);
  }

  it.each(BAD_ORDERS)('REST refuses %s with 400 and names %s', async (_what, field, body) => {
    const res = await post(`${hub.url}/api/orders`, body);
    expect(res.status).toBe(400);
    const json = res.json as { ok: boolean; error: { code: string; message: string; params: { issues?: { field: string }[] } } };
    expect(json.ok).toBe(false);
    if (field === 'JSON') expect(json.error.code).toBe('invalid_json');
    else expect(json.error.params.issues?.map((i) => i.field)).toContain(field);
    expect(json.error.message).toContain(field);
  });

  it.each(['/api/track/%ff', '/api/track/%E2%82', '/track/%zz', '/api/staff/orders/%ff/advance'])(
    'answers %s, a malformed percent-escape in the address, with 400 invalid_input, not a 500',
    async (path) => {
      const res = await fetch(`${hub.url}${path}`, {
        method: path.endsWith('advance') ? 'POST' : 'GET',
        headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
        ...(path.endsWith('advance') ? { body: '{}' } : {}),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'invalid_input', params: { issues: [{ field: 'path', problem: 'bad_format' }] } } });
    },
  );

  it('takes a machine whose clock counts from its boot: only orders must be dated after 2020, since only they are swept', async () => {
    const res = await post(`${hub.url}/api/machines`, machine({ id: 'boot-clock', updatedAt: 5_000 }));
    expect(res.status).toBe(200);
  });

  it('refuses a body not declared as JSON with 415 (a foreign page can POST text/plain unasked), and it costs no PIN try', async () => {
    for (const type of ['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      for (const route of ['/api/orders', '/api/staff/login', '/api/kiosk/orders']) {
        const res = await fetch(`${hub.url}${route}`, {
          method: 'POST',
          headers: { 'content-type': type, authorization: `Bearer ${TEST_TOKEN}` },
          body: JSON.stringify(valid),
        });
        expect(res.status, `${route} ${type}`).toBe(415);
        expect(((await res.json()) as { error: { message: string } }).error.message).toContain('application/json');
      }
    }
    for (let i = 0; i < 12; i++)
      await fetch(`${hub.url}/api/staff/login`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"pin":"000000"}' });
    const login = await fetch(`${hub.url}/api/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pin: TEST_PIN }),
    });
    expect(login.status).toBe(200);
    expect((await hub.metrics.rejected.get()).values.some((v) => v.labels.reason === 'not_json' && v.value >= 9)).toBe(true);
    // A vendor type that says it is JSON is JSON.
    expect(
      (
        await fetch(`${hub.url}/api/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/vnd.pos+json', authorization: `Bearer ${TEST_TOKEN}` },
          body: JSON.stringify(order({ status: 'picked_up' })),
        })
      ).status,
    ).toBe(200); // (never on the board: later tests count it)
  });

  it('refuses a body over 16 KB before parsing it', async () => {
    const res = await post(`${hub.url}/api/orders`, JSON.stringify({ ...valid, pad: 'x'.repeat(20_000) }));
    expect(res.status).toBe(413);
  });

  it('refuses every bad message on Redis pub/sub and on the inbox stream, counting each by reason, and keeps serving', async () => {
    const before = { pubsub: await rejectedCount('redis_pubsub'), stream: await rejectedCount('redis_stream') };
    for (const [, , body] of BAD_ORDERS) {
      await producer.publish(CHANNELS.orders, body);
      await producer.xadd(INBOX_STREAM, '*', 'order', body);
    }
    await producer.publish(CHANNELS.machines, JSON.stringify({ ...machine(), readings: { tempC: 'hot' } }));
    await producer.xadd(INBOX_STREAM, '*', 'recipe', '{}');
    await producer.publish(CHANNELS.orders, 'x'.repeat(70_000));
    const expected = BAD_ORDERS.length;
    await eventually(async () => {
      expect(await rejectedCount('redis_pubsub')).toBe(before.pubsub + expected + 2);
      expect(await rejectedCount('redis_stream')).toBe(before.stream + expected + 1);
    });
    const reasons = (await hub.metrics.rejected.get()).values.map((v) => v.labels.reason);
    expect(reasons).toEqual(expect.arrayContaining(['invalid_json', 'invalid_order:updatedAt', 'invalid_machine:readings', 'unknown_kind', 'too_large']));

    // Still serving: a good order after all that reaches the screens, and nothing bad got on the board.
    const good = order();
    await producer.publish(CHANNELS.orders, JSON.stringify(good));
    await eventually(() => expect(screens.every((s) => s.feed.mirror.orders.has(good.id))).toBe(true));
    const board = (await (await fetch(`${hub.url}/api/board`)).json()) as { orders: { id: string }[] };
    expect(board.orders.map((o) => o.id)).toEqual([good.id]);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('refuses broken Unicode from the kiosk and in a machine, naming the field, and keeps an emoji', async () => {
    const kiosk = await fetch(`${hub.url}/api/kiosk/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'lone-surrogate-0001', sku: 'cardamom-bun', variant: 'classic', qty: 1, name: 'Bo\udfff' }),
    });
    expect(kiosk.status).toBe(400);
    expect(await kiosk.json()).toMatchObject({ error: { code: 'invalid_input', params: { issues: [{ field: 'name', problem: 'invalid' }] } } });
    const oven = machine({ id: 'oven-surrogate', name: 'Oven\ud800', updatedAt: Date.now() });
    const refused = await post(`${hub.url}/api/machines`, oven);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.json)).toContain('name');
    const label = machine({
      id: 'oven-surrogate',
      updatedAt: Date.now(),
      batch: { sku: 'bun', label: 'Buns \udc00', qty: 1, startedAt: Date.now(), endsAt: Date.now() + 60_000 },
    });
    expect(JSON.stringify((await post(`${hub.url}/api/machines`, label)).json)).toContain('batch.label');
    // A whole pair is one character, and welcome.
    const emoji = order({ name: 'Bo 🥐', updatedAt: Date.now() });
    expect((await post(`${hub.url}/api/orders`, emoji)).status).toBe(200);
    expect((await post(`${hub.url}/api/orders`, { ...emoji, status: 'ready', updatedAt: emoji.updatedAt + 1 })).status).toBe(200);
  });

  it('sets aside an inbox entry or message the store refuses (poison), and applies what follows within a second', async () => {
    // A real Redis fault on one order's keys: its tombstone key holds a hash, so the script's GET fails (WRONGTYPE).
    const poisoned = order({ id: 'o-poisoned', updatedAt: Date.now() });
    await producer.hset(`batchboard:board:done:${poisoned.id}`, 'x', 'y');
    const before = (await hub.metrics.rejected.get()).values.filter((v) => v.labels.reason === 'poison:order').reduce((n, v) => n + v.value, 0);
    await producer.xadd(INBOX_STREAM, '*', 'order', JSON.stringify(poisoned));
    await producer.publish(CHANNELS.orders, JSON.stringify({ ...poisoned, updatedAt: poisoned.updatedAt + 1 }));
    const next = order({ updatedAt: Date.now() });
    const sent = Date.now();
    await producer.xadd(INBOX_STREAM, '*', 'order', JSON.stringify(next));
    // Within a second on a quiet machine; the bound leaves room for a loaded one, and still fails a jam.
    await eventually(() => expect(screens.every((s) => s.feed.mirror.orders.has(next.id))).toBe(true), 3_000);
    expect(Date.now() - sent).toBeLessThan(3_000);

    await eventually(async () => {
      const poison = (await hub.metrics.rejected.get()).values.filter((v) => v.labels.reason === 'poison:order').reduce((n, v) => n + v.value, 0);
      expect(poison).toBe(before + 2);
    });
    const dead = await producer.xrange('batchboard:inbox:dead', '-', '+');
    const letters = dead.map(([, f]) => Object.fromEntries(Array.from({ length: f.length / 2 }, (_, i) => [f[2 * i], f[2 * i + 1]])) as Record<string, string>);
    expect(
      letters
        .filter((l) => l.payload?.includes(poisoned.id))
        .map((l) => l.door)
        .sort(),
    ).toEqual(['redis_pubsub', 'redis_stream']);
    expect(letters.find((l) => l.door === 'redis_stream')?.reason).toContain('WRONGTYPE');
    // Nothing of the inbox is left pending for this hub: the poison was acknowledged, not retried forever.
    await eventually(async () => expect(((await producer.xpending(INBOX_STREAM, 'batchboard-hubs')) as [number])[0]).toBe(0));
    // REST says so too: well-formed, refused by the store, not a retryable outage.
    expect((await post(`${hub.url}/api/orders`, { ...poisoned, updatedAt: poisoned.updatedAt + 2 })).status).toBe(422);
    await producer.del(`batchboard:board:done:${poisoned.id}`);
  });

  it('replaces a stored record it cannot read instead of freezing its order', async () => {
    const frozen = order({ id: 'o-unreadable', updatedAt: Date.now() });
    await producer.hset('batchboard:board:orders', frozen.id, '{"id":"o-unreadable","updatedAt":');
    expect((await post(`${hub.url}/api/orders`, frozen)).status).toBe(200);
    await eventually(() => expect(screens.every((s) => s.feed.mirror.orders.get(frozen.id)?.updatedAt === frozen.updatedAt)).toBe(true));
  });

  it('applies out-of-order and duplicate updates to the right board', async () => {
    const o = order({ updatedAt: Date.now() - 10_000 });
    const versions = [
      { ...o, status: 'queued' as const, updatedAt: o.updatedAt },
      { ...o, status: 'in_production' as const, updatedAt: o.updatedAt + 1 },
      { ...o, status: 'ready' as const, updatedAt: o.updatedAt + 2 },
    ];
    // Newest first, then the older ones, then duplicates of each, through three doors.
    for (const v of [versions[2], versions[0], versions[1], versions[2], versions[0]]) await post(`${hub.url}/api/orders`, v);
    await producer.publish(CHANNELS.orders, JSON.stringify(versions[1]));
    await producer.xadd(INBOX_STREAM, '*', 'order', JSON.stringify(versions[0]));
    const marker = order();
    await producer.xadd(INBOX_STREAM, '*', 'order', JSON.stringify(marker));
    await eventually(() => expect(screens.every((s) => s.feed.mirror.orders.has(marker.id))).toBe(true));
    for (const s of screens) expect(s.feed.mirror.orders.get(o.id)).toEqual(versions[2]);
    expect(screens[0]!.events.filter((e) => e.id === o.id)).toHaveLength(1);
  });

  it('never lets a field that is not public reach /board or /api/board', async () => {
    const secret = {
      ...order(),
      phone: '+49 170 1234567',
      email: 'ana@example.com',
      note: 'allergic to nuts',
      price: 12.5,
      customer: { address: 'Main St 1' },
    };
    const secretItems = { ...secret, id: `${secret.id}-b`, items: [{ sku: 'bun', qty: 1, price: 3, note: 'card 4111' }] };
    await post(`${hub.url}/api/orders`, secret);
    await producer.publish(CHANNELS.orders, JSON.stringify(secretItems));
    await producer.publish(CHANNELS.machines, JSON.stringify({ ...machine({ id: 'oven-secret' }), operator: 'Bob', serial: 'SN-1' }));
    await eventually(() => expect(screens.every((s) => s.feed.mirror.orders.has(secretItems.id) && s.feed.mirror.machines.has('oven-secret'))).toBe(true));
    const texts = [await (await fetch(`${hub.url}/api/board`)).text(), JSON.stringify(screens[0]!.feed.mirror.snapshot())];
    for (const text of texts) {
      for (const leak of ['+49 170', 'ana@example.com', 'allergic', '12.5', 'Main St', 'card 4111', 'Bob', 'SN-1', 'price', 'phone', 'email', 'note']) {
        expect(text).not.toContain(leak);
      }
    }
  });

  it('refuses writes without the API token, and with a wrong one', async () => {
    expect((await post(`${hub.url}/api/orders`, order(), null)).status).toBe(401);
    expect((await post(`${hub.url}/api/machines`, machine(), 'wrong-token-wrong-token')).status).toBe(401);
    expect((await post(`${hub.url}/api/orders`, order(), TEST_TOKEN)).status).toBe(200);
  });
});
