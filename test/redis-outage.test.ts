import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import { CHANNELS } from '../shared/protocol.js';
import { order } from './helpers/fixtures.js';
import { post, startTestHub } from './helpers/hub.js';
import { TestRedis } from './helpers/redis-server.js';
import { closeScreens, connectScreens, eventually, type Screen } from './helpers/screens.js';

const OUTAGE_MS = 5_000;

async function readyz(url: string): Promise<number> {
  return (await fetch(`${url}/readyz`)).status;
}

describe('Redis stopped for 5 s and started again', () => {
  let redis: TestRedis;
  let hub: Hub;
  let screens: Screen[];

  beforeAll(async () => {
    redis = await TestRedis.start();
    hub = await startTestHub({ REDIS_URL: redis.url });
    screens = await connectScreens(hub.url, 10);
  });
  afterAll(async () => {
    closeScreens(screens);
    await hub.close();
    await redis.destroy();
  });

  it('reports it on /readyz, keeps the screens on their board, and recovers by itself', async () => {
    const before = order();
    await post(`${hub.url}/api/orders`, before);
    await eventually(() => expect(screens.every((s) => s.feed.mirror.orders.has(before.id))).toBe(true));
    expect(await readyz(hub.url)).toBe(200);

    await redis.stop();
    const stoppedAt = Date.now();
    // The health check times out after 1 s; on a busy machine noticing it may take a few more.
    await eventually(async () => expect(await readyz(hub.url)).toBe(503), 10_000);
    // A write meanwhile is refused with a clear status, not left hanging.
    const refused = await post(`${hub.url}/api/orders`, order());
    expect(refused).toMatchObject({ status: 503, json: { ok: false, error: { code: 'store_unavailable' } } });
    // The screens stay connected to the hub and keep the last board throughout.
    do {
      expect(screens.every((s) => s.feed.connected && s.feed.mirror.orders.has(before.id))).toBe(true);
      await new Promise((r) => setTimeout(r, 250));
    } while (Date.now() - stoppedAt < OUTAGE_MS);

    await redis.up();
    await eventually(async () => expect(await readyz(hub.url)).toBe(200), 10_000);
    const after = order();
    const producer = redis.client();
    // The pub/sub door resubscribes on its own: a message published after recovery arrives.
    await eventually(async () => {
      await producer.publish(CHANNELS.orders, JSON.stringify({ ...after, updatedAt: Date.now() }));
      expect(screens.every((s) => s.feed.mirror.orders.has(after.id))).toBe(true);
    }, 10_000);
    producer.disconnect();
    // The board is read again on each look: a message published by an earlier round of the loop above may
    // still be on its way, and takes a seq after a board read once.
    await eventually(async () => {
      const board = (await (await fetch(`${hub.url}/api/board`)).json()) as { seq: number; orders: { id: string }[] };
      expect(board.orders.map((o) => o.id).sort()).toEqual([before.id, after.id].sort());
      expect(screens.map((s) => s.feed.mirror.seq)).toEqual(screens.map(() => board.seq));
    });
  });
});
