import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Board } from '../server/board/board.js';
import { Intake } from '../server/ingest/intake.js';
import { SOCIAL_REPORTS_PER_MINUTE } from '../server/http/api.js';
import { Metrics } from '../server/metrics.js';
import { EmbeddedStore } from '../server/state/embedded/board-store.js';
import { FileEventLog } from '../server/state/embedded/event-log.js';
import type { EventLog } from '../server/state/event-log.js';
import { RedisEventLog } from '../server/state/redis/event-log.js';
import { ConfigError, loadConfig } from '../server/config.js';
import { INBOX_GROUP } from '../server/ingest/redis-stream.js';
import type { Hub } from '../server/hub.js';
import { ApiErrorBody } from '../shared/errors.js';
import { CHANNELS, INBOX_STREAM } from '../shared/protocol.js';
import type { LoggedEvent } from '../shared/schemas/event-log.js';
import { TEST_TOKEN, post, startTestHub, tempDir } from './helpers/hub.js';
import { TestMosquitto } from './helpers/mosquitto.js';
import { TestRedis } from './helpers/redis-server.js';
import { eventually } from './helpers/screens.js';

/** A people counter behind a gateway: `store/door/<sensor>/count` with `{ in, out, ts }`. */
const COUNTER = { topic: 'store/door/+/count', as: 'footfall', map: { id: '$topic[2]', in: '$.in', out: '$.out', at: '$.ts' } };

function storeFile(content: object): string {
  const file = path.join(tempDir(), 'store.json');
  writeFileSync(file, JSON.stringify(content));
  return file;
}

async function metric(hub: Hub, line: string): Promise<number> {
  const text = await (await fetch(`${hub.url}/metrics`)).text();
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? 0 : Number(found.slice(line.length + 1));
}

/** Both hubs together: every hub takes every pub/sub and MQTT message. */
async function total(hubs: Hub[], line: string): Promise<number> {
  let sum = 0;
  for (const hub of hubs) sum += await metric(hub, line);
  return sum;
}

async function logged(hub: Hub, from: number): Promise<LoggedEvent[]> {
  const res = await fetch(`${hub.url}/api/export?format=ndjson&from=${from}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  expect(res.status).toBe(200);
  return (await res.text())
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LoggedEvent);
}

function footfallOf(events: LoggedEvent[], sensor: string) {
  return events.flatMap((e) => (e.type === 'footfall' && e.footfall.sensor === sensor ? [e.footfall] : []));
}

describe('footfall through every door, two hubs on one Redis and one broker', () => {
  let redis: TestRedis;
  let broker: TestMosquitto;
  let producer: Redis;
  let publisher: MqttClient;
  let hubs: Hub[];
  const from = Date.now();

  beforeAll(async () => {
    [redis, broker] = await Promise.all([TestRedis.start(), TestMosquitto.start()]);
    producer = redis.client();
    publisher = await broker.client({ clientId: 'test-door-counter' });
    const config = storeFile({ mqtt: { url: broker.url, subscriptions: [COUNTER] } });
    hubs = [
      await startTestHub({ CONFIG: config, REDIS_URL: redis.url, HUB_ID: 'hub-a' }),
      await startTestHub({ CONFIG: config, REDIS_URL: redis.url, HUB_ID: 'hub-b' }),
    ];
    for (const hub of hubs) {
      await eventually(
        async () => expect(((await (await fetch(`${hub.url}/readyz`)).json()) as { doors: Record<string, string> }).doors.mqtt).toBe('up'),
        15_000,
      );
    }
  }, 60_000);

  afterAll(async () => {
    await publisher?.endAsync();
    producer?.disconnect();
    for (const hub of hubs ?? []) await hub.close();
    await broker?.destroy();
    await redis?.destroy();
  });

  it('logs a count from REST, pub/sub, the inbox and MQTT exactly once each, however often it is delivered', async () => {
    const at = Date.now() - 60_000;
    const [hubA] = hubs as [Hub, Hub];
    // REST: sent twice (a counter retrying after a lost answer).
    const rest = { sensor: 'door-rest', in: 3, out: 1, at };
    expect(await post(`${hubA.url}/api/footfall`, rest)).toEqual({ status: 200, json: { ok: true, data: { applied: true, logged: true } } });
    expect(await post(`${hubA.url}/api/footfall`, rest)).toEqual({ status: 200, json: { ok: true, data: { applied: false, reason: 'duplicate' } } });
    // Pub/sub: each hub takes each message; published twice.
    const pubsub = JSON.stringify({ sensor: 'door-pubsub', in: 5, out: 2, at });
    await producer.publish(CHANNELS.footfall, pubsub);
    await producer.publish(CHANNELS.footfall, pubsub);
    // The inbox: the same entry added again (a producer's retry, or an entry read again after a hub died before its ack).
    const inbox = JSON.stringify({ sensor: 'door-inbox', in: 7, out: 0, at, id: 'count-81' });
    await producer.xadd(INBOX_STREAM, '*', 'footfall', inbox);
    await producer.xadd(INBOX_STREAM, '*', 'footfall', inbox);
    // MQTT at QoS 1: the same message twice (a redelivery), and each hub takes each.
    const message = JSON.stringify({ in: 4, out: 4, ts: at });
    await publisher.publishAsync('store/door/door-mqtt/count', message, { qos: 1 });
    await publisher.publishAsync('store/door/door-mqtt/count', message, { qos: 1 });

    // Every delivery was taken and counted as a valid footfall event before the log is read.
    await eventually(async () => {
      expect(await total(hubs, 'batchboard_events_in_total{door="redis_pubsub",kind="footfall"}')).toBe(4);
      expect(await total(hubs, 'batchboard_events_in_total{door="redis_stream",kind="footfall"}')).toBe(2);
      expect(await total(hubs, 'batchboard_events_in_total{door="mqtt",kind="footfall"}')).toBe(4);
    }, 15_000);
    expect(await metric(hubA, 'batchboard_events_in_total{door="rest",kind="footfall"}')).toBe(2);

    const events = await logged(hubA, from);
    expect(footfallOf(events, 'door-rest')).toEqual([rest]);
    expect(footfallOf(events, 'door-pubsub')).toEqual([{ sensor: 'door-pubsub', in: 5, out: 2, at }]);
    expect(footfallOf(events, 'door-inbox')).toEqual([{ sensor: 'door-inbox', in: 7, out: 0, at, id: 'count-81' }]);
    expect(footfallOf(events, 'door-mqtt')).toEqual([{ sensor: 'door-mqtt', in: 4, out: 4, at }]);
    // A new count of the same sensor (another time) is a new entry; footfall never reaches the board.
    expect((await post(`${hubA.url}/api/footfall`, { ...rest, at: at + 1 })).status).toBe(200);
    expect(footfallOf(await logged(hubA, from), 'door-rest')).toHaveLength(2);
    expect(JSON.stringify(hubA.board.snapshot())).not.toContain('door-rest');
  });

  it('logs a count once when the inbox delivers it again: a hub died after logging it, before its ack, and another takes the entry over', async () => {
    const [hubA] = hubs as [Hub, Hub];
    const at = Date.now() - 30_000;
    const count = { sensor: 'door-redelivered', in: 6, out: 1, at };
    const before = await total(hubs, 'batchboard_events_in_total{door="redis_stream",kind="footfall"}');
    // A third hub ('gone') reads the entry in the same step as it is added (so no live hub gets it first), logs it, and dies.
    const read = await producer
      .multi()
      .xadd(INBOX_STREAM, '*', 'footfall', JSON.stringify(count))
      .xreadgroup('GROUP', INBOX_GROUP, 'gone', 'COUNT', 1, 'STREAMS', INBOX_STREAM, '>')
      .exec();
    expect(read?.[1]).toEqual([null, expect.anything()]); // gone got it
    expect((await post(`${hubA.url}/api/footfall`, count)).json).toMatchObject({ data: { applied: true, logged: true } });
    // Unacknowledged for claimIdleMs (2 s in tests): a live hub takes it over and hands it to the intake again.
    await eventually(async () => {
      expect(await total(hubs, 'batchboard_events_in_total{door="redis_stream",kind="footfall"}')).toBe(before + 1);
      expect(await producer.xpending(INBOX_STREAM, INBOX_GROUP, '-', '+', 10, 'gone')).toEqual([]);
    }, 15_000);
    expect(footfallOf(await logged(hubA, from), 'door-redelivered')).toEqual([count]);
  });

  it('refuses an ill-formed count at each door, naming the field, and counts it', async () => {
    const [hubA] = hubs as [Hub, Hub];
    const at = Date.now();
    const refused = await post(`${hubA.url}/api/footfall`, { sensor: 'door-bad', in: -1, out: 0, at });
    expect(refused.status).toBe(400);
    expect(ApiErrorBody.parse(refused.json).error).toMatchObject({ code: 'invalid_input', params: { issues: [{ field: 'in', problem: 'too_small' }] } });
    const ahead = await post(`${hubA.url}/api/footfall`, { sensor: 'door-bad', in: 1, out: 0, at: at + 3 * 86_400_000 });
    expect(ApiErrorBody.parse(ahead.json).error).toMatchObject({ params: { issues: [{ field: 'at', problem: 'too_far_ahead' }] } });
    expect(await metric(hubA, 'batchboard_rejected_total{door="rest",reason="invalid_footfall:in"}')).toBe(1);
    expect(await metric(hubA, 'batchboard_rejected_total{door="rest",reason="invalid_footfall:at"}')).toBe(1);

    await producer.publish(CHANNELS.footfall, JSON.stringify({ sensor: 'door-bad', in: 1, out: 20_000, at }));
    await producer.xadd(INBOX_STREAM, '*', 'footfall', JSON.stringify({ sensor: 'door bad', in: 1, out: 0, at }));
    await publisher.publishAsync('store/door/door-bad/count', JSON.stringify({ in: 1, out: 0 }), { qos: 1 });
    await eventually(async () => {
      expect(await total(hubs, 'batchboard_rejected_total{door="redis_pubsub",reason="invalid_footfall:out"}')).toBe(2);
      expect(await total(hubs, 'batchboard_rejected_total{door="redis_stream",reason="invalid_footfall:sensor"}')).toBe(1);
      expect(await total(hubs, 'batchboard_rejected_total{door="mqtt",reason="invalid_footfall:at"}')).toBe(2);
    }, 15_000);
    expect(footfallOf(await logged(hubA, from), 'door-bad')).toEqual([]);
  });

  it('refuses a count more than 22 h old at each door, naming at, and counts it', async () => {
    const [hubA] = hubs as [Hub, Hub];
    const at = Date.now() - 23 * 3_600_000;
    const reason = (door: string) => `batchboard_rejected_total{door="${door}",reason="invalid_footfall:at"}`;
    const before = {
      pubsub: await total(hubs, reason('redis_pubsub')),
      inbox: await total(hubs, reason('redis_stream')),
      mqtt: await total(hubs, reason('mqtt')),
    };
    const late = await post(`${hubA.url}/api/footfall`, { sensor: 'door-late', in: 1, out: 0, at });
    expect(late.status).toBe(400);
    expect(ApiErrorBody.parse(late.json).error).toMatchObject({
      code: 'invalid_input',
      params: { issues: [{ field: 'at', problem: 'too_old', maxHours: 22 }] },
    });
    await producer.publish(CHANNELS.footfall, JSON.stringify({ sensor: 'door-late', in: 1, out: 0, at }));
    await producer.xadd(INBOX_STREAM, '*', 'footfall', JSON.stringify({ sensor: 'door-late', in: 1, out: 0, at }));
    await publisher.publishAsync('store/door/door-late/count', JSON.stringify({ in: 1, out: 0, ts: at }), { qos: 1 });
    await eventually(async () => {
      expect(await total(hubs, reason('redis_pubsub'))).toBe(before.pubsub + 2);
      expect(await total(hubs, reason('redis_stream'))).toBe(before.inbox + 1);
      expect(await total(hubs, reason('mqtt'))).toBe(before.mqtt + 2);
    }, 15_000);
    expect(footfallOf(await logged(hubA, at - 60_000), 'door-late')).toEqual([]);
  });
});

describe('a footfall count too old to be told from one logged before, on a controlled clock', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await TestRedis.start();
  });
  afterAll(() => redis?.destroy());

  const HOUR = 3_600_000;
  const silent = pino({ level: 'silent' });
  const logs: [string, (now: () => number) => Promise<{ events: EventLog; expire: () => Promise<void>; close: () => void }>][] = [
    ['embedded', (now) => Promise.resolve({ events: new FileEventLog(tempDir(), silent, 30, now), expire: () => Promise.resolve(), close: () => undefined })],
    [
      'redis',
      async () => {
        const client = redis.client();
        await client.flushall();
        // Redis forgets a key by its own clock, which a test cannot move: a lapsed key is a key deleted.
        const expire = async () => void (await client.del(...(await client.keys('batchboard:once:*'))));
        return { events: new RedisEventLog(client, silent, 10_000), expire, close: () => client.disconnect() };
      },
    ],
  ];

  for (const [kind, make] of logs) {
    it(`${kind}: refuses a count once its key may have lapsed (22 h behind, or 1 h ahead), so a late redelivery is never counted twice`, async () => {
      let now = Date.now();
      const { events, expire, close } = await make(() => now);
      const board = new Board(new EmbeddedStore(tempDir(), silent), silent, new Metrics(), { readyTimeoutMs: 3_600_000, sweepIntervalMs: 3_600_000 });
      const intake = new Intake(board, new Metrics(), silent, () => now, events);
      try {
        const t0 = now;
        const old = { sensor: 'door-1', in: 3, out: 0, at: t0 - 21 * HOUR };
        const ahead = { sensor: 'door-1', in: 4, out: 0, at: t0 + HOUR - 60_000 };
        for (const count of [old, ahead]) expect(await intake.submit('rest', 'footfall', count)).toEqual({ ok: true, data: { applied: true, logged: true } });
        const tooFar = await intake.submit('rest', 'footfall', { ...ahead, at: t0 + 2 * HOUR });
        expect(tooFar).toMatchObject({ ok: false, error: { params: { issues: [{ field: 'at', problem: 'too_far_ahead', maxHours: 1 }] } } });

        // A day later both keys have lapsed, and both counts come again (a gateway replaying its buffer): refused, naming at.
        now = t0 + 24 * HOUR + 1;
        await expire();
        for (const count of [old, ahead]) {
          expect(await intake.submit('mqtt', 'footfall', count)).toMatchObject({
            ok: false,
            error: { code: 'invalid_input', params: { issues: [{ field: 'at', problem: 'too_old', maxHours: 22 }] } },
          });
        }
        const logged: number[] = [];
        for await (const page of events.pages(t0 - HOUR, now)) for (const e of page) if (e.type === 'footfall') logged.push(e.footfall.in);
        expect(logged).toEqual([3, 4]);
      } finally {
        await events.close();
        close();
      }
    });
  }
});

describe('footfall on an embedded hub', () => {
  it('remembers the counts it logged across a restart: a count delivered again after it is still logged once', async () => {
    const dataDir = tempDir();
    const at = Date.now() - 1_000;
    const count = { sensor: 'door-1', in: 2, out: 1, at };
    let hub = await startTestHub({ DATA_DIR: dataDir });
    try {
      expect((await post(`${hub.url}/api/footfall`, count)).json).toMatchObject({ data: { applied: true } });
    } finally {
      await hub.close();
    }
    hub = await startTestHub({ DATA_DIR: dataDir });
    try {
      expect((await post(`${hub.url}/api/footfall`, count)).json).toMatchObject({ data: { applied: false, reason: 'duplicate' } });
      expect(footfallOf(await logged(hub, at - 60_000), 'door-1')).toEqual([count]);
    } finally {
      await hub.close();
    }
  });
});

describe('POST /api/social', () => {
  let hub: Hub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub?.close());

  it('logs a post’s reach, tied to its highlight, with the time it was read; a later report is a new entry', async () => {
    const from = Date.now();
    const report = {
      post: 'ig-3187',
      platform: 'instagram',
      highlight: 'hl-20261203-1',
      publishedAt: from - 3_600_000,
      views: 1200,
      likes: 80,
      shares: 9,
      linkClicks: 14,
    };
    expect(await post(`${hub.url}/api/social`, report)).toEqual({ status: 200, json: { ok: true, data: { applied: true, logged: true } } });
    expect((await post(`${hub.url}/api/social`, { post: 'ig-3187', views: 1900, at: from + 5 })).status).toBe(200);
    const social = (await logged(hub, from)).flatMap((e) => (e.type === 'social' ? [e.social] : []));
    expect(social).toHaveLength(2);
    expect(social[0]).toMatchObject(report);
    expect(social[0]!.at).toBeGreaterThanOrEqual(from);
    expect(social[1]).toEqual({ post: 'ig-3187', views: 1900, at: from + 5 });
    expect(await metric(hub, 'batchboard_events_in_total{door="rest",kind="social"}')).toBe(2);
  });

  it('refuses a report without a token, or with a bad count, naming the field', async () => {
    expect((await post(`${hub.url}/api/social`, { post: 'x' }, null)).status).toBe(401);
    const bad = await post(`${hub.url}/api/social`, { post: 'ig-1', views: -3 });
    expect(bad.status).toBe(400);
    expect(ApiErrorBody.parse(bad.json).error).toMatchObject({ code: 'invalid_input', params: { issues: [{ field: 'views' }] } });
    const noPost = await post(`${hub.url}/api/social`, { likes: 3 });
    expect(ApiErrorBody.parse(noPost.json).error).toMatchObject({ params: { issues: [{ field: 'post', problem: 'required' }] } });
    expect(await metric(hub, 'batchboard_rejected_total{door="rest",reason="invalid_social:views"}')).toBe(1);
  });

  it(`takes at most ${SOCIAL_REPORTS_PER_MINUTE} reports a minute from one address, then answers 429 rate_limited with Retry-After`, async () => {
    const own = await startTestHub();
    try {
      const from = Date.now();
      const report = (i: number) => post(`${own.url}/api/social`, { post: `tt-${i}`, platform: 'tiktok', views: i });
      for (let i = 0; i < SOCIAL_REPORTS_PER_MINUTE; i += 20) {
        const answers = await Promise.all(Array.from({ length: 20 }, (_, j) => report(i + j)));
        expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
      }
      const limited = await fetch(`${own.url}/api/social`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}` },
        body: JSON.stringify({ post: 'tt-over', views: 1 }),
      });
      expect(limited.status).toBe(429);
      const body = ApiErrorBody.parse(await limited.json());
      expect(body.error).toMatchObject({ code: 'rate_limited' });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      // Only the reports taken are logged; the other doors are not held up by it.
      const social = (await logged(own, from)).filter((e) => e.type === 'social');
      expect(social).toHaveLength(SOCIAL_REPORTS_PER_MINUTE);
      expect((await post(`${own.url}/api/footfall`, { sensor: 'door-1', in: 1, out: 0, at: Date.now() })).status).toBe(200);
    } finally {
      await own.close();
    }
  });
});

describe('the MQTT footfall mapping', () => {
  const load = (subscription: object) => () =>
    loadConfig({ CONFIG: storeFile({ mqtt: { url: 'mqtt://127.0.0.1:1', subscriptions: [subscription] } }), DATA_DIR: tempDir() });

  it('is refused at start without the count’s own time, or with a machine’s keys, naming the key', () => {
    expect(load({ ...COUNTER, map: { id: '$topic[2]', in: '$.in', out: '$.out' } })).toThrow(
      /mqtt\.subscriptions\.0\.map\.at: is required for 'as': 'footfall'/,
    );
    expect(load({ ...COUNTER, map: { ...COUNTER.map, state: '$.state' } })).toThrow(/mqtt\.subscriptions\.0\.map\.state:/);
    expect(load({ ...COUNTER, map: { ...COUNTER.map, at: 'now' } })).toThrow(/map\.at: must be read from the message/);
    expect(load({ topic: 'factory/+/state', as: 'machine', map: { id: '$topic[1]', state: '$.state', in: '$.in' } })).toThrow(ConfigError);
    expect(load(COUNTER)).not.toThrow();
  });
});
