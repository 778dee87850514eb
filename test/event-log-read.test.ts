import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoggedEvent } from '../shared/schemas/event-log.js';
import { FileEventLog } from '../server/state/embedded/event-log.js';
import { EVENT_LOG_STREAM, RedisEventLog } from '../server/state/redis/event-log.js';
import { tempDir } from './helpers/hub.js';
import { TestRedis } from './helpers/redis-server.js';

const quiet = pino({ level: 'silent' });
const T0 = Date.UTC(2026, 10, 2, 8);
/** Events a day long enough to cross the reader's 1 MB chunks several times (about 170 bytes a line). */
const COUNT = 15_000;

function event(i: number): LoggedEvent {
  const at = T0 + i * 1000;
  return {
    type: 'order',
    seq: i + 1,
    at,
    order: { id: `o-${i}`, number: String(i % 10_000), items: [{ sku: 'bun', qty: 1 + (i % 3) }], status: 'queued', updatedAt: at },
  };
}

async function all(pages: AsyncGenerator<LoggedEvent[]>): Promise<LoggedEvent[]> {
  const out: LoggedEvent[] = [];
  for await (const page of pages) out.push(...page);
  return out;
}

describe('reading the event log back', () => {
  it('embedded: every line of a multi-megabyte day, in order, across 64 KB read chunks; a torn last line skipped', async () => {
    const dir = tempDir();
    const log = new FileEventLog(dir, quiet, 3_650);
    for (let i = 0; i < COUNT; i++) await log.append(event(i));
    appendFileSync(path.join(dir, 'events', '2026-11-02.ndjson'), '{"type":"order","seq":99999,"at":'); // a crash mid-write
    const events = await all(log.pages(T0, T0 + COUNT * 1000));
    expect(events).toHaveLength(COUNT);
    expect(events.map((e) => (e.type === 'order' ? e.order.id : ''))).toEqual(Array.from({ length: COUNT }, (_, i) => `o-${i}`));
    expect(events[COUNT - 1]).toEqual(event(COUNT - 1));
    const middle = await all(log.pages(T0 + 5_000_000, T0 + 5_999_000));
    expect(middle.map((e) => ('seq' in e ? e.seq : 0))).toEqual(Array.from({ length: 1000 }, (_, i) => 5_001 + i));
  });

  describe('redis', () => {
    let server: TestRedis;
    let redis: Redis;
    beforeAll(async () => {
      server = await TestRedis.start();
      redis = new Redis(server.url);
      const pipeline = redis.pipeline();
      for (let i = 0; i < 2_500; i++) pipeline.xadd(EVENT_LOG_STREAM, `${event(i).at}-0`, 'e', JSON.stringify(event(i)));
      pipeline.xadd(EVENT_LOG_STREAM, `${T0 + 2_500_000}-0`, 'e', '{"type":"nonsense"}');
      await pipeline.exec();
    });
    afterAll(async () => {
      redis?.disconnect();
      await server?.stop();
    });

    it('reads page after page (the next asked for ahead) in order, skipping a foreign entry', async () => {
      const log = new RedisEventLog(redis, quiet, 1_000_000);
      const sizes: number[] = [];
      const events: LoggedEvent[] = [];
      for await (const page of log.pages(T0, T0 + 2_500_000)) {
        sizes.push(page.length);
        events.push(...page);
      }
      expect(sizes).toEqual([1000, 1000, 500]);
      expect(events.map((e) => ('seq' in e ? e.seq : 0))).toEqual(Array.from({ length: 2_500 }, (_, i) => i + 1));
    });

    it('lets a reader stop early: the read it asked for ahead is dropped, its failure unheard', async () => {
      // A stand-in for Redis here, a fault the real one cannot be made to give on cue: the page read ahead fails
      // only after the reader has stopped.
      const entries = (await redis.xrange(EVENT_LOG_STREAM, '-', '+', 'COUNT', 1000)) as [string, string[]][];
      let failAhead: (err: Error) => void = () => undefined;
      const fake = {
        xrange: (_key: string, start: string) => (start === String(T0) ? Promise.resolve(entries) : new Promise<never>((_, reject) => (failAhead = reject))),
      };
      const unhandled: unknown[] = [];
      const listen = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', listen);
      try {
        const log = new RedisEventLog(fake as unknown as Redis, quiet, 1_000_000);
        for await (const page of log.pages(T0, T0 + 2_500_000)) {
          expect(page).toHaveLength(1000);
          break;
        }
        failAhead(new Error('Connection is closed.'));
        await new Promise((r) => setImmediate(r)); // Node reports an unhandled rejection once the microtasks have run
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', listen);
      }
    });
  });
});
