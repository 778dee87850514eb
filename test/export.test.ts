import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { EVENT_LOG_STREAM } from '../server/state/redis/event-log.js';
import type { LoggedEvent } from '../shared/schemas/event-log.js';
import { TEST_TOKEN, spawnHub, type SpawnedHub } from './helpers/hub.js';
import { TestRedis } from './helpers/redis-server.js';
import { afterLoggedEntries } from './helpers/event-stream.js';

const COUNT = 100_000;
const BASE = Date.now() - 3_600_000;

/** Event i of the log, large enough (about 750 bytes) that the export is far bigger than the memory it may use. */
function event(i: number): LoggedEvent {
  const items = Array.from({ length: 10 }, (_, k) => ({ sku: `cardamom-bun-${k}`, variant: 'pearl-sugar', qty: 1 + ((i + k) % 9) }));
  return {
    type: 'order',
    seq: i + 1,
    order: { id: `exp-${i}`, number: String(i % 10_000), name: 'Export Tester', items, status: 'queued', updatedAt: BASE + i },
    at: BASE + i,
  };
}

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

/** Reads a streamed body line by line without keeping it, calling `line` for each. */
async function eachLine(res: Response, line: (text: string, index: number) => void): Promise<{ lines: number; bytes: number }> {
  const decoder = new TextDecoder();
  let rest = '';
  let lines = 0;
  let bytes = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    rest += decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      line(rest.slice(0, nl), lines++);
      rest = rest.slice(nl + 1);
    }
  }
  if (rest) line(rest, lines++);
  return { lines, bytes };
}

describe('the event log export', () => {
  let redis: TestRedis;
  let producer: Redis;
  let hub: SpawnedHub;
  /** After the hub's own first events (its scene state), before ours. */
  let from = 0;

  beforeAll(async () => {
    redis = await TestRedis.start();
    producer = redis.client();
    // A small old space: a hub that buffered the export would run out of it; one that streams does not notice.
    hub = await spawnHub({ REDIS_URL: redis.url, NODE_OPTIONS: '--max-old-space-size=64' });
    // `from` is a stream id's millisecond: the one after the hub's last entry. Our entries take their ids from
    // Redis's clock, so they start once that clock has reached it (a millisecond at most).
    from = await afterLoggedEntries(producer);
    for (let start = 0; start < COUNT; start += 5_000) {
      const batch = producer.pipeline();
      for (let i = start; i < Math.min(COUNT, start + 5_000); i++) batch.xadd(EVENT_LOG_STREAM, '*', 'e', JSON.stringify(event(i)));
      await batch.exec();
    }
  }, 120_000);
  afterAll(async () => {
    await hub?.kill();
    producer?.disconnect();
    await redis?.destroy();
  });

  it('streams 100,000 events as NDJSON with flat memory, and they parse back to the same events', async () => {
    const pid = hub.child.pid!;
    const before = rssKb(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssKb(pid))), 20);
    try {
      // Twice: the first sets how much the hub uses while streaming, the second shows it does not accumulate.
      const first = await fetch(`${hub.url}/api/export?format=ndjson&from=${from}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
      await eachLine(first, () => undefined);
      const firstPeak = peak;
      const res = await fetch(`${hub.url}/api/export?format=ndjson&from=${from}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/x-ndjson');
      let mismatches = 0;
      const { lines, bytes } = await eachLine(res, (text, i) => {
        const parsed = JSON.parse(text) as LoggedEvent;
        try {
          expect(parsed).toEqual(event(i));
        } catch {
          mismatches++;
        }
      });
      expect(lines).toBe(COUNT);
      expect(mismatches).toBe(0);
      // The export is about 75 MB; the hub may not hold more than a small part of it.
      expect(bytes).toBeGreaterThan(60 * 1024 * 1024);
      const growthMb = (firstPeak - before) / 1024;
      const againMb = (peak - firstPeak) / 1024;
      process.stdout.write(
        `export: ${(bytes / 1048576).toFixed(1)} MB streamed twice; hub RSS ${(before / 1024).toFixed(0)} MB -> ${(firstPeak / 1024).toFixed(0)} MB at most in the first, ${(peak / 1024).toFixed(0)} MB in the second\n`,
      );
      // With a 64 MB old space, a hub that held the export would have died; it used a fraction of it, and no more the second time.
      expect(growthMb).toBeLessThan(50);
      expect(againMb).toBeLessThan(8);
    } finally {
      clearInterval(sampler);
    }
  }, 120_000);

  it('streams the same events as CSV, one row each under a header, and refuses a bad range', async () => {
    const res = await fetch(`${hub.url}/api/export?format=csv&from=${from}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    let header = '';
    let row7 = '';
    const { lines } = await eachLine(res, (text, i) => {
      if (i === 0) header = text;
      if (i === 8) row7 = text;
    });
    expect(header).toBe('at,time,type,seq,id,number,status,who,detail');
    expect(lines).toBe(COUNT + 1);
    expect(row7.split(',').slice(2, 7)).toEqual(['order', '8', 'exp-7', '7', 'queued']);
    const bad = await fetch(`${hub.url}/api/export?from=2026-11-25&to=2026-11-24`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_input', params: { issues: [{ field: 'to', problem: 'before_from' }] } } });
    expect((await fetch(`${hub.url}/api/export`)).status).toBe(401);
  }, 60_000);
});
