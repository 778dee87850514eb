import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../shared/schemas/board.js';
import { INBOX_STREAM } from '../shared/protocol.js';
import { machine, order } from './helpers/fixtures.js';
import { post, spawnHub, tempDir, type SpawnedHub } from './helpers/hub.js';
import { exited } from './helpers/process.js';
import { TestRedis } from './helpers/redis-server.js';
import { closeScreens, connectScreens, eventually } from './helpers/screens.js';

async function board(url: string): Promise<Snapshot> {
  return (await (await fetch(`${url}/api/board`)).json()) as Snapshot;
}

describe('a hub that dies and comes back', () => {
  let redis: TestRedis;
  const hubs: SpawnedHub[] = [];

  beforeAll(async () => {
    redis = await TestRedis.start();
  });
  afterEach(async () => {
    await Promise.all(hubs.splice(0).map((h) => h.kill('SIGKILL')));
  });
  afterAll(async () => {
    await redis.destroy();
  });

  it('applies, once, what was added to the inbox while no hub ran', async () => {
    const producer = redis.client();
    const early = order();
    const later = { ...early, status: 'in_production' as const, updatedAt: early.updatedAt + 1 };
    await producer.xadd(INBOX_STREAM, '*', 'order', JSON.stringify(early));
    await producer.xadd(INBOX_STREAM, '*', 'order', JSON.stringify(later));
    await producer.xadd(INBOX_STREAM, '*', 'machine', JSON.stringify(machine({ id: 'oven-inbox' })));

    const hub = await spawnHub({ REDIS_URL: redis.url, HUB_ID: 'hub-a' });
    hubs.push(hub);
    const [screen] = await connectScreens(hub.url, 1);
    await eventually(() => expect(screen!.feed.mirror.orders.get(early.id)).toEqual(later));
    await eventually(() => expect(screen!.feed.mirror.machines.has('oven-inbox')).toBe(true));

    // Restarted, the hub must not apply the acknowledged entries again.
    const seqBefore = (await board(hub.url)).seq;
    await hub.kill('SIGTERM');
    const again = await spawnHub({ REDIS_URL: redis.url, HUB_ID: 'hub-a' });
    hubs.push(again);
    expect((await board(again.url)).seq).toBe(seqBefore);
    closeScreens([screen!]);
    producer.disconnect();
  });

  it('serves the same board after kill -9 and a restart (Redis)', async () => {
    const hub = await spawnHub({ REDIS_URL: redis.url });
    hubs.push(hub);
    const orders = [order(), order({ status: 'ready' }), order({ status: 'in_production' })];
    let lastSeq = 0;
    for (const o of orders) {
      const res = await post(`${hub.url}/api/orders`, o);
      expect(res.status).toBe(200);
      lastSeq = (res.json as { data: { seq: number } }).data.seq;
    }
    // The hub's own view follows the store's feed, a moment after the write's answer.
    await eventually(async () => expect((await board(hub.url)).seq).toBe(lastSeq));
    const before = await board(hub.url);
    await hub.kill('SIGKILL');

    const restarted = await spawnHub({ REDIS_URL: redis.url }, hub.port);
    hubs.push(restarted);
    const [screen] = await connectScreens(restarted.url, 1);
    expect(screen!.feed.mirror.snapshot()).toEqual(before);
    expect(await board(restarted.url)).toEqual(before);
    closeScreens([screen!]);
  });

  it('comes up without Redis, says so on /readyz, and loads the board once Redis appears', async () => {
    const late = await TestRedis.start();
    await late.stop();
    const hub = await spawnHub({ REDIS_URL: late.url }, undefined, 'listening');
    hubs.push(hub);
    expect((await fetch(`${hub.url}/readyz`)).status).toBe(503);
    await late.up();
    await eventually(async () => expect((await fetch(`${hub.url}/readyz`)).status).toBe(200), 15_000);
    await hub.kill('SIGKILL');
    await late.destroy();
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const hub = await spawnHub({ DATA_DIR: tempDir() });
    hub.child.kill('SIGTERM');
    expect(await exited(hub.child)).toBe(0);
    expect(hub.output()).toContain('shutting down');
  });

  it('serves the same board after kill -9 and a restart (embedded, DATA_DIR)', async () => {
    const dataDir = tempDir();
    const hub = await spawnHub({ DATA_DIR: dataDir });
    hubs.push(hub);
    for (const o of [order(), order({ status: 'ready' })]) expect((await post(`${hub.url}/api/orders`, o)).status).toBe(200);
    expect((await post(`${hub.url}/api/machines`, machine())).status).toBe(200);
    const before = await board(hub.url);
    expect(before.orders).toHaveLength(2);
    await hub.kill('SIGKILL');

    const restarted = await spawnHub({ DATA_DIR: dataDir });
    hubs.push(restarted);
    const [screen] = await connectScreens(restarted.url, 1);
    expect(screen!.feed.mirror.snapshot()).toEqual(before);
    closeScreens([screen!]);
  });
});
