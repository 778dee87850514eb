import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { INBOX_STREAM } from '../shared/protocol.js';
import { order } from './helpers/fixtures.js';
import { spawnHub, type SpawnedHub } from './helpers/hub.js';
import { TestRedis } from './helpers/redis-server.js';
import { closeScreens, connectScreens, eventually, type Screen } from './helpers/screens.js';

// As in the review: 30 entries of 45 MB pending at start (1.35 GB in Redis; the hub must never hold them).
const HUGE = 30;
const HUGE_BYTES = 45 * 1024 * 1024;

async function rejected(url: string, reason: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^batchboard_rejected_total\\{door="redis_stream",reason="${reason}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
}

describe('the inbox under oversized entries and a steady stream', () => {
  let redis: TestRedis;
  let producer: Redis;
  let hub: SpawnedHub | undefined;
  let screens: Screen[] = [];

  beforeAll(async () => {
    redis = await TestRedis.start();
    producer = redis.client();
  });
  afterAll(async () => {
    closeScreens(screens);
    await hub?.kill();
    producer?.disconnect();
    await redis?.destroy();
  });

  it(`stays up with ${HUGE} pending entries of 45 MB and a 256 MB heap, refuses them, and applies what follows`, async () => {
    // Added while no hub runs: at start they are all there to read at once.
    const huge = 'x'.repeat(HUGE_BYTES);
    for (let i = 0; i < HUGE; i++) await producer.xadd(INBOX_STREAM, '*', 'order', huge);
    const after = order({ updatedAt: Date.now() });
    await producer.xadd(INBOX_STREAM, '*', 'order', JSON.stringify(after));

    hub = await spawnHub({ REDIS_URL: redis.url, NODE_OPTIONS: '--max-old-space-size=256' });
    screens = await connectScreens(hub.url, 1);
    await eventually(() => expect(screens[0]!.feed.mirror.orders.has(after.id)).toBe(true), 30_000);
    expect(await rejected(hub.url, 'too_large')).toBe(HUGE);
    expect(hub.child.exitCode).toBeNull();
    expect(hub.output()).not.toMatch(/heap out of memory/i);
  }, 120_000);

  it('trims what it has acknowledged: the inbox stays short under a steady stream', async () => {
    const marker = order({ updatedAt: Date.now() });
    for (let round = 0; round < 4; round++) {
      const batch = producer.pipeline();
      for (let i = 0; i < 500; i++) batch.xadd(INBOX_STREAM, '*', 'order', JSON.stringify(order({ updatedAt: Date.now() })));
      await batch.exec();
    }
    await producer.xadd(INBOX_STREAM, '*', 'order', JSON.stringify(marker));
    await eventually(() => expect(screens[0]!.feed.mirror.orders.has(marker.id)).toBe(true), 30_000);
    // 2,000 entries went through; once acknowledged they are trimmed (every 5 s), not kept for ever.
    await eventually(async () => expect(await producer.xlen(INBOX_STREAM)).toBeLessThan(50), 15_000);
  }, 60_000);
});
