import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { PubSubDoor, RETRY_DELAYS_MS } from '../server/ingest/redis-pubsub.js';
import type { Intake, IntakeResult } from '../server/ingest/intake.js';
import { apiError } from '../shared/errors.js';
import { CHANNELS } from '../shared/protocol.js';
import { TestRedis } from './helpers/redis-server.js';
import { eventually } from './helpers/screens.js';

/**
 * An intake whose store times out the first `failures` times: a slow Lua script under load, which a real
 * Redis that still delivers pub/sub cannot be made to do on cue (a fake for that fault only).
 */
function flakyIntake(failures: number) {
  const calls: string[] = [];
  const intake = {
    submitText(_door: string, _kind: string, raw: string): Promise<IntakeResult> {
      calls.push(raw);
      if (calls.length <= failures) return Promise.resolve({ ok: false, error: apiError('store_unavailable', {}, 'command timed out') });
      return Promise.resolve({ ok: true, data: { seq: 1 } } as unknown as IntakeResult);
    },
    reject: () => undefined,
  } as unknown as Intake;
  return { intake, calls };
}

describe('the pub/sub door when the store times out', () => {
  let redis: TestRedis;
  let producer: Redis;
  let dead: Redis;
  let sub: Redis;
  beforeAll(async () => {
    redis = await TestRedis.start();
    producer = redis.client();
    dead = redis.client();
    sub = redis.client();
  });
  afterAll(async () => {
    producer?.disconnect();
    dead?.disconnect();
    sub?.disconnect();
    await redis?.destroy();
  });

  it('tries a message again after a short wait, so a busy moment loses nothing', async () => {
    const { intake, calls } = flakyIntake(2);
    const door = new PubSubDoor(sub, dead, intake, pino({ level: 'silent' }));
    await door.start();
    try {
      await producer.publish(CHANNELS.orders, '{"id":"a"}');
      await eventually(() => expect(calls).toHaveLength(3), 5_000);
      expect(new Set(calls)).toEqual(new Set(['{"id":"a"}']));
    } finally {
      await door.close();
    }
  });

  it('gives up after its last wait, and says so', async () => {
    const { intake, calls } = flakyIntake(100);
    const lines: string[] = [];
    const log = pino({ level: 'error' }, { write: (line: string) => void lines.push(line) });
    const door = new PubSubDoor(sub, dead, intake, log);
    await door.start();
    try {
      await producer.publish(CHANNELS.orders, '{"id":"b"}');
      const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
      await eventually(() => expect(lines.some((l) => l.includes('pub/sub message lost'))).toBe(true), total + 5_000);
      expect(calls).toHaveLength(RETRY_DELAYS_MS.length + 1);
    } finally {
      await door.close();
    }
  });
});
