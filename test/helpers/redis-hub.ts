import type { Redis } from 'ioredis';
import type { Hub } from '../../server/hub.js';
import { startTestHub } from './hub.js';
import { TestRedis } from './redis-server.js';
import { closeScreens, connectScreens, type Screen } from './screens.js';

export interface RedisHub {
  redis: TestRedis;
  producer: Redis;
  hub: Hub;
  screens: Screen[];
}

/** A Redis of the test's own, a producer client on it, a hub in Redis mode and `count` connected screens. */
export async function startRedisHub(count: number): Promise<RedisHub> {
  const redis = await TestRedis.start();
  const producer = redis.client();
  const hub = await startTestHub({ REDIS_URL: redis.url });
  const screens = await connectScreens(hub.url, count);
  return { redis, producer, hub, screens };
}

export async function stopRedisHub(f: RedisHub): Promise<void> {
  closeScreens(f.screens);
  await f.hub.close();
  f.producer.disconnect();
  await f.redis.destroy();
}
