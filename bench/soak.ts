import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { BoardFeed } from '../shared/client/board-feed.js';
import { CHANNELS, INBOX_STREAM } from '../shared/protocol.js';
import type { Machine } from '../shared/schemas/machine.js';
import type { Order, OrderStatus } from '../shared/schemas/order.js';
import { TEST_TOKEN, spawnHub, tempDir, type SpawnedHub } from '../test/helpers/hub.js';
import { ObsStudio } from '../test/helpers/obs-studio.js';
import { TestRedis } from '../test/helpers/redis-server.js';

export interface SoakSample {
  t: number;
  rssMb: number;
  loopP99Ms: number;
  screens: number;
}

export interface SoakBench {
  seconds: number;
  orders: number;
  orderEvents: number;
  readingsSent: number;
  screenJoins: number;
  peakScreens: number;
  redisRestartAtS: number;
  obsRestartAtS: number;
  rss: { warmMb: number; endMb: number; maxMb: number; growthPct: number };
  loop: { p99MaxMs: number; p99OfSamplesMs: number; samplesOver50: number };
  expectedOnBoard: number;
  lost: number;
  samples: SoakSample[];
}

const ORDERS = Number(process.env.SOAK_ORDERS ?? 10_000);
const READINGS = Number(process.env.SOAK_READINGS ?? 200_000);
const SCREENS = Number(process.env.SOAK_SCREENS ?? 500);
const MACHINES = 20;
/** The last orders of the day stay ready on the board; the rest are picked up. */
const LEFT_READY = 300;
const LIFECYCLE: OrderStatus[] = ['queued', 'in_production', 'ready', 'picked_up'];

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! : 0;
}

function metric(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  return line ? Number(line.slice(name.length + 1)) : NaN;
}

/**
 * A compressed trading day against one hub process on Redis with a real OBS:
 * 10,000 orders through the durable door (each queued, in production, ready,
 * picked up; the last 300 stay ready), 200,000 machine readings from 20
 * machines over pub/sub, 500 screens arriving and leaving, Redis killed and
 * restarted at 40% of the day and OBS at 70%. The hub's RSS and event-loop
 * delay are read from its own /metrics every second.
 */
export async function benchSoak(log: (line: string) => void): Promise<SoakBench> {
  // Whatever happens in the day, the processes started for it are ended.
  const redis = await TestRedis.start();
  let obs: ObsStudio | undefined;
  try {
    obs = await ObsStudio.start();
    return await tradingDay(redis, obs, log);
  } finally {
    await obs?.destroy();
    await redis.destroy();
  }
}

async function tradingDay(redis: TestRedis, obs: ObsStudio, log: (line: string) => void): Promise<SoakBench> {
  const seconds = Number(process.env.SOAK_SECONDS ?? 600);
  const config = path.join(tempDir(), 'store.json');
  writeFileSync(
    config,
    JSON.stringify({
      readyTimeoutMinutes: 24 * 60,
      director: { defaultScene: 'Board', minDwellSeconds: 5, rules: [{ machine: 'm-0', state: 'unloading', scene: 'Oven Cam', seconds: 5, priority: 10 }] },
    }),
  );
  const hub = await spawnHub({ REDIS_URL: redis.url, OBS_URL: obs.url, OBS_PASSWORD: obs.password, CONFIG: config });
  try {
    return await load(hub, redis, obs, seconds, log);
  } finally {
    await hub.kill('SIGKILL');
  }
}

async function load(hub: SpawnedHub, redis: TestRedis, obs: ObsStudio, seconds: number, log: (line: string) => void): Promise<SoakBench> {
  const producer = redis.client();
  const start = Date.now();
  const elapsed = () => (Date.now() - start) / 1000;
  const dayEnd = start + seconds * 1000;
  const t0 = start - 3_600_000;
  const samples: SoakSample[] = [];
  const screens = new Set<BoardFeed>();
  let joins = 0;
  let peak = 0;
  let orderEvents = 0;
  let readingsSent = 0;

  const sampler = setInterval(() => {
    void fetch(`${hub.url}/metrics`)
      .then((r) => r.text())
      .then((text) => {
        const s = { t: Math.round(elapsed()), rssMb: metric(text, 'process_resident_memory_bytes') / 1048576, loopP99Ms: metric(text, 'nodejs_eventloop_lag_p99_seconds') * 1000, screens: metric(text, 'batchboard_screens_connected') };
        samples.push(s);
        peak = Math.max(peak, s.screens);
        if (s.t % 30 === 0) log(`t=${s.t}s rss=${s.rssMb.toFixed(0)} MB loop p99=${s.loopP99Ms.toFixed(1)} ms screens=${s.screens} orders sent=${orderEvents} readings=${readingsSent}`);
      })
      .catch(() => undefined);
  }, 1_000);

  // Screens: SCREENS arrivals spread over the day, each staying a random 5–20% of it.
  const screenTimer = setInterval(
    () => {
      if (joins >= SCREENS || Date.now() > dayEnd) return;
      joins++;
      const feed = new BoardFeed({ url: hub.url, transports: ['websocket'] });
      screens.add(feed);
      setTimeout(
        () => {
          feed.close();
          screens.delete(feed);
        },
        seconds * 1000 * (0.05 + Math.random() * 0.15),
      ).unref();
    },
    (seconds * 1000 * 0.9) / SCREENS,
  );

  // Orders: order k starts at k/ORDERS of 85% of the day; its four steps follow a few seconds apart.
  const send = async (o: Order) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await producer.xadd(INBOX_STREAM, '*', 'order', JSON.stringify(o));
        orderEvents++;
        return;
      } catch (err) {
        if (attempt > 600) throw err; // a producer with a retry queue keeps trying for a minute
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  const plan: { at: number; order: Order }[] = [];
  for (let k = 0; k < ORDERS; k++) {
    // Whole milliseconds: the hub refuses a fractional updatedAt (as it should).
    const begin = start + Math.round((k / ORDERS) * seconds * 1000 * 0.85);
    const last = k >= ORDERS - LEFT_READY ? 2 : 3;
    for (let step = 0; step <= last; step++) {
      const at = begin + step * 2_000;
      plan.push({ at, order: { id: `soak-${k}`, number: String(100 + (k % 900)), items: [{ sku: 'cardamom-bun', qty: 1 + (k % 4) }], status: LIFECYCLE[step]!, updatedAt: t0 + at - start } });
    }
  }
  plan.sort((a, b) => a.at - b.at);

  const readingGap = (seconds * 1000) / READINGS;
  let redisRestartAtS = 0;
  let obsRestartAtS = 0;
  const faults = (async () => {
    await new Promise((r) => setTimeout(r, seconds * 400));
    redisRestartAtS = Math.round(elapsed());
    log(`t=${redisRestartAtS}s: Redis killed -9 and restarted`);
    await redis.kill();
    await new Promise((r) => setTimeout(r, 2_000));
    await redis.up();
    await new Promise((r) => setTimeout(r, Math.max(0, start + seconds * 700 - Date.now())));
    obsRestartAtS = Math.round(elapsed());
    log(`t=${obsRestartAtS}s: OBS killed and restarted`);
    await obs.kill();
    await obs.restartFresh();
  })();

  let next = 0;
  let reading = 0;
  while (Date.now() < dayEnd || next < plan.length) {
    const now = Date.now();
    const due: Promise<void>[] = [];
    while (next < plan.length && plan[next]!.at <= now) due.push(send(plan[next++]!.order));
    const readingsDue = Math.min(READINGS, Math.floor((now - start) / readingGap)) - reading;
    const batch = producer.pipeline();
    for (let i = 0; i < readingsDue; i++, reading++) {
      const m = reading % MACHINES;
      const state: Machine['state'] = m === 0 && Math.floor(reading / 4_000) % 2 === 1 ? 'unloading' : 'running';
      batch.publish(CHANNELS.machines, JSON.stringify({ id: `m-${m}`, name: `Machine ${m}`, kind: 'oven', state, readings: { tempC: 180 + (reading % 60) }, updatedAt: t0 + (now - start) + reading }));
    }
    if (readingsDue > 0) await batch.exec().then(() => (readingsSent += readingsDue), () => undefined);
    await Promise.all(due);
    await new Promise((r) => setTimeout(r, 20));
  }
  // The last few readings of the day, so exactly READINGS are sent.
  const tail = producer.pipeline();
  for (; reading < READINGS; reading++) tail.publish(CHANNELS.machines, JSON.stringify({ id: `m-${reading % MACHINES}`, name: `Machine ${reading % MACHINES}`, kind: 'oven', state: 'running', readings: { tempC: 180 }, updatedAt: t0 + seconds * 1000 + reading }));
  await tail.exec().then((r) => (readingsSent += r?.length ?? 0), () => undefined);
  await faults;
  clearInterval(screenTimer);
  log('day over; waiting for the board to settle');

  const expected = new Map<string, Order>();
  for (const p of plan) expected.set(p.order.id, p.order);
  const onBoard = [...expected.values()].filter((o) => o.status === 'ready');
  let lost = onBoard.length;
  for (let i = 0; i < 120 && lost > 0; i++) {
    const board = (await (await fetch(`${hub.url}/api/board`)).json()) as { orders: Order[] };
    const got = new Map(board.orders.map((o) => [o.id, o]));
    lost = onBoard.filter((o) => JSON.stringify(got.get(o.id)) !== JSON.stringify(o)).length;
    if (lost > 0) await new Promise((r) => setTimeout(r, 1_000));
  }
  // Every order's last state is in the event log, in order: none lost on the way.
  const exported = await (await fetch(`${hub.url}/api/export?from=${start - 60_000}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } })).text();
  const finalSeen = new Map<string, string>();
  for (const line of exported.split('\n')) {
    if (!line.includes('"soak-')) continue;
    const e = JSON.parse(line) as { type: string; order?: Order };
    if (e.order) finalSeen.set(e.order.id, e.order.status);
  }
  const missingInLog = [...expected.values()].filter((o) => finalSeen.get(o.id) !== o.status).length;
  lost += missingInLog;
  clearInterval(sampler);
  for (const s of screens) s.close();
  await hub.kill();
  producer.disconnect();

  const warmAt = seconds * 0.2;
  const warm = samples.find((s) => s.t >= warmAt)?.rssMb ?? NaN;
  const end = samples.at(-1)?.rssMb ?? NaN;
  const loops = samples.map((s) => s.loopP99Ms).filter(Number.isFinite).sort((a, b) => a - b);
  return {
    seconds,
    orders: ORDERS,
    orderEvents,
    readingsSent,
    screenJoins: joins,
    peakScreens: peak,
    redisRestartAtS,
    obsRestartAtS,
    rss: { warmMb: warm, endMb: end, maxMb: Math.max(...samples.map((s) => s.rssMb)), growthPct: ((end - warm) / warm) * 100 },
    loop: { p99MaxMs: loops.at(-1) ?? NaN, p99OfSamplesMs: percentile(loops, 0.99), samplesOver50: loops.filter((l) => l > 50).length },
    expectedOnBoard: onBoard.length,
    lost,
    samples: samples.filter((_, i) => i % 5 === 0),
  };
}
