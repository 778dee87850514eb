import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../server/config.js';
import { BOARD_NAMESPACE, CHANNELS, INBOX_STREAM, KIOSK_NAMESPACE } from '../shared/protocol.js';
import { TEST_TOKEN, spawnHub, tempDir, type SpawnedHub } from './helpers/hub.js';
import { TestRedis } from './helpers/redis-server.js';
import { eventually } from './helpers/screens.js';

const SEED = 20261125;

/** Malformed, oversized, deeply nested, prototype-polluting and wrongly-typed text, as a hostile client would send. */
function hostileBodies(count: number): string[] {
  const anything = fc.anything({ maxDepth: 4, withNullPrototype: true, withBigInt: false, withObjectString: true });
  const shaped = fc.record({
    id: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.constant('a'.repeat(500))),
    number: fc.anything({ maxDepth: 1 }),
    items: fc.oneof(fc.constant([]), fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 50 })),
    status: fc.string(),
    updatedAt: fc.oneof(fc.double(), fc.string(), fc.constant(9e99)),
  });
  const generated = fc.sample(fc.oneof(anything, shaped), { numRuns: count, seed: SEED }).map((v) => {
    try {
      return JSON.stringify(v) ?? 'undefined';
    } catch {
      return String(v);
    }
  });
  const nested = '['.repeat(5_000) + ']'.repeat(5_000);
  return [
    ...generated,
    '{"__proto__":{"polluted":true},"id":"x"}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    nested,
    '{"id":"' + 'x'.repeat(40_000) + '"}',
    '{"truncated": ',
    '\u0000\u0001\u0002',
    'null',
    '[]',
    '42',
    '"just a string"',
  ];
}

async function rejectedTotal(url: string, door: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith(`batchboard_rejected_total{door="${door}"`))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('a fuzz run over every door', () => {
  let redis: TestRedis;
  let producer: Redis;
  let hub: SpawnedHub;
  const bodies = hostileBodies(150);

  beforeAll(async () => {
    redis = await TestRedis.start();
    producer = redis.client();
    hub = await spawnHub({ REDIS_URL: redis.url });
  }, 60_000);
  afterAll(async () => {
    await hub?.kill();
    producer?.disconnect();
    await redis?.destroy();
  });

  it('refuses every hostile input with a 4xx, counts each by reason, and neither crashes nor leaves a rejection unhandled', async () => {
    const token = { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' };
    const routes: [string, Record<string, string>][] = [
      ['/api/orders', token],
      ['/api/machines', token],
      ['/api/kiosk/orders', { 'content-type': 'application/json' }],
      ['/api/staff/login', { 'content-type': 'application/json' }],
      ['/api/scene', token],
      ['/api/director/mode', token],
      ['/api/staff/undo', token],
    ];
    const statuses = new Set<number>();
    for (const body of bodies) {
      for (const [route, headers] of routes) {
        const res = await fetch(`${hub.url}${route}`, { method: 'POST', headers, body });
        statuses.add(res.status);
        expect(res.status, `${route} ${body.slice(0, 80)}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${route} ${body.slice(0, 80)}`).toBeLessThan(500);
        await res.body?.cancel();
      }
    }
    // The REST door counts every refused order and machine body, with its reason.
    await eventually(async () => expect(await rejectedTotal(hub.url, 'rest')).toBeGreaterThanOrEqual(bodies.length * 2));

    for (const body of bodies) {
      await producer.publish(CHANNELS.orders, body);
      await producer.publish(CHANNELS.machines, body);
      await producer.xadd(INBOX_STREAM, '*', 'order', body);
      await producer.xadd(INBOX_STREAM, '*', fc.sample(fc.string({ minLength: 1 }), { numRuns: 1, seed: body.length })[0]!, body);
    }
    await eventually(async () => expect(await rejectedTotal(hub.url, 'redis_pubsub')).toBe(bodies.length * 2), 20_000);
    await eventually(async () => expect(await rejectedTotal(hub.url, 'redis_stream')).toBe(bodies.length * 2), 20_000);

    for (const nsp of [BOARD_NAMESPACE, KIOSK_NAMESPACE]) {
      const socket = connect(`${hub.url}${nsp}`, { transports: ['websocket'], reconnection: false });
      await new Promise<void>((r) => socket.on('connect', () => r()));
      for (const [i, body] of bodies.slice(0, 15).entries()) socket.emit(i % 2 ? 'sync' : `evil-${i}`, body, { __proto__: { polluted: true } });
      socket.close();
    }

    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toMatch(/batchboard_rejected_total\{door="rest",reason="invalid_json"\} \d+/);
    expect(metrics).toMatch(/batchboard_rejected_total\{door="rest",reason="too_large"\} \d+/);
    expect(metrics).toMatch(/batchboard_rejected_total\{door="redis_stream",reason="unknown_kind"\} \d+/);
    expect(metrics).toMatch(/batchboard_rejected_total\{door="redis_pubsub",reason="invalid_order:[\w()]+"\} \d+/);
    expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
    expect(hub.child.exitCode).toBeNull();
    expect(hub.output()).not.toMatch(/unhandled|uncaught|TypeError|RangeError/i);
    expect(((await (await fetch(`${hub.url}/api/board`)).json()) as { orders: unknown[] }).orders).toEqual([]);

    // A valid order carrying __proto__ is taken, and the key goes nowhere.
    const at = Date.now();
    const sneaky = `{"id":"o-1","number":"1","items":[{"sku":"bun","qty":1}],"status":"queued","updatedAt":${at},"__proto__":{"isAdmin":true}}`;
    expect((await fetch(`${hub.url}/api/orders`, { method: 'POST', headers: token, body: sneaky })).status).toBe(200);
    const board = (await (await fetch(`${hub.url}/api/board`)).json()) as { orders: Record<string, unknown>[] };
    expect(board.orders).toEqual([{ id: 'o-1', number: '1', items: [{ sku: 'bun', qty: 1 }], status: 'queued', updatedAt: at }]);
  }, 120_000);
});

describe('a fuzz run over the config file', () => {
  it('either loads or refuses with a ConfigError naming the key, and never pollutes a prototype', () => {
    const dir = tempDir('bb-cfg-');
    const file = path.join(dir, 'store.json');
    const docs = [
      ...fc.sample(fc.anything({ maxDepth: 4 }), { numRuns: 200, seed: SEED }).map((v) => JSON.stringify(v) ?? 'null'),
      '{"__proto__":{"polluted":true}}',
      '{"display":{"__proto__":{"polluted":true}}}',
      '{"catalogue":[{"sku":"x","name":"X","runSize":1,"runQuantity":1,"constructor":{"prototype":{"polluted":true}}}]}',
      '{"storeName":' + '['.repeat(3_000) + ']'.repeat(3_000) + '}',
      '{broken',
    ];
    for (const doc of docs) {
      writeFileSync(file, doc);
      try {
        loadConfig({ CONFIG: file });
      } catch (err) {
        expect(err, doc.slice(0, 100)).toBeInstanceOf(ConfigError);
        expect((err as Error).message).toContain('config file');
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });
});
