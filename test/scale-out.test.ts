import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../shared/protocol.js';
import { order } from './helpers/fixtures.js';
import { spawnHub, type SpawnedHub } from './helpers/hub.js';
import { TestRedis } from './helpers/redis-server.js';
import { closeScreens, connectScreens, eventually, type Screen } from './helpers/screens.js';

describe('two hub processes on one Redis', () => {
  let redis: TestRedis;
  let hubs: SpawnedHub[];
  let screens: Screen[][];

  beforeAll(async () => {
    redis = await TestRedis.start();
    hubs = await Promise.all([spawnHub({ REDIS_URL: redis.url, HUB_ID: 'hub-1' }), spawnHub({ REDIS_URL: redis.url, HUB_ID: 'hub-2' })]);
    screens = await Promise.all(hubs.map((h) => connectScreens(h.url, 10)));
  });
  afterAll(async () => {
    for (const s of screens ?? []) closeScreens(s);
    await Promise.all((hubs ?? []).map((h) => h.kill('SIGTERM')));
    await redis.destroy();
  });

  it('delivers an order published once to the screens of both, exactly once each, with one seq', async () => {
    const producer = redis.client();
    const o = order();
    await producer.publish(CHANNELS.orders, JSON.stringify(o));
    producer.disconnect();
    const all = screens.flat();
    await eventually(() => expect(all.every((s) => s.feed.mirror.orders.has(o.id))).toBe(true));

    const deliveries = all.map((s) => s.events.filter((e) => e.name === 'order' && e.id === o.id));
    expect(deliveries.every((d) => d.length === 1)).toBe(true);
    const seqs = new Set(deliveries.map((d) => d[0]!.seq));
    expect(seqs.size).toBe(1);
    expect(all.every((s) => s.feed.resyncs === 0)).toBe(true);
  });

  it('keeps every screen on both hubs in step through a burst from both doors', async () => {
    const producer = redis.client();
    const burst = Array.from({ length: 100 }, () => order());
    await Promise.all(burst.map((o, i) => (i % 2 ? producer.publish(CHANNELS.orders, JSON.stringify(o)) : producer.xadd('batchboard:inbox', '*', 'order', JSON.stringify(o)))));
    producer.disconnect();
    const all = screens.flat();
    await eventually(() => expect(all.every((s) => burst.every((o) => s.feed.mirror.orders.has(o.id)))).toBe(true));
    for (const s of all) {
      const orderSeqs = s.events.filter((e) => e.name === 'order').map((e) => e.seq);
      expect(new Set(orderSeqs).size).toBe(orderSeqs.length);
    }
    const boards = await Promise.all(hubs.map(async (h) => (await (await fetch(`${h.url}/api/board`)).json()) as unknown));
    expect(boards[0]).toEqual(boards[1]);
  });
});
