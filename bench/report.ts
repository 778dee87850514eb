import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import type { PilotReport } from '../shared/report.js';
import type { LoggedEvent } from '../shared/schemas/event-log.js';
import { FileEventLog } from '../server/state/embedded/event-log.js';
import { EVENT_LOG_STREAM } from '../server/state/redis/event-log.js';
import { TEST_TOKEN, spawnHub, tempDir, type SpawnedHub } from '../test/helpers/hub.js';
import { pilotDays, pilotShape, type PilotPlan } from '../test/helpers/pilot-generator.js';
import { LogBuilder } from '../test/helpers/report-log.js';
import { TestRedis } from '../test/helpers/redis-server.js';

/** Issue 21: 90 days × about 2,000 orders a day. Scale 20 gives the generator's store about that many. */
const PLAN: PilotPlan = { seed: 90, effects: true, timeZone: 'Europe/Copenhagen', days: 90, scale: 20, busy: true };
const RUNS = 3;
const GOAL_MS = 5_000;
const GOAL_RSS_MB = 300;

export interface ReportStoreBench {
  store: 'embedded' | 'redis';
  /** Wall time of GET /api/report?compare=baseline (all 90 days), each run. */
  reportMs: number[];
  /** Wall time of GET /api/export (NDJSON) of the same days: the cost of reading the log alone, the baseline. */
  exportMs: number[];
  /** The hub's RSS before the first report and its peak (VmHWM) after the last. */
  rssIdleMb: number;
  rssPeakMb: number;
  /** Events the report read, as the export counted them. */
  exported: number;
}

export interface ReportBench {
  days: number;
  events: number;
  orders: number;
  perDay: { orders: number; events: number };
  writeSeconds: { embedded: number; redis: number };
  stores: ReportStoreBench[];
  goal: { ms: number; rssMb: number };
}

/** The hub's resident set now and at its peak, from /proc (Linux). */
function rss(pid: number): { nowMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { nowMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

async function timed(url: string): Promise<{ ms: number; body: string }> {
  const started = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${body.slice(0, 300)}`);
  return { ms: performance.now() - started, body };
}

/** Writes the generated store a day at a time (oldest first, as the store logs it) through `write`. */
async function writeStore(write: (events: LoggedEvent[]) => Promise<void>): Promise<{ events: number; orders: number }> {
  let events = 0;
  const orders = new Set<string>();
  for (const { log } of pilotDays(PLAN, () => new LogBuilder())) {
    const sorted = log.events.sort((a, b) => a.at - b.at);
    for (const e of sorted) if (e.type === 'order') orders.add(e.order.id);
    events += sorted.length;
    await write(sorted);
  }
  return { events, orders: orders.size };
}

/** Redis: entries with ids made of their own times (as if logged then), a pipeline a day. */
async function writeRedis(url: string): Promise<void> {
  const redis = new Redis(url);
  let last = 0;
  let n = 0;
  await writeStore(async (events) => {
    const pipeline = redis.pipeline();
    for (const e of events) {
      n = e.at === last ? n + 1 : 0;
      last = e.at;
      pipeline.xadd(EVENT_LOG_STREAM, `${e.at}-${n}`, 'e', JSON.stringify(e));
    }
    await pipeline.exec();
  });
  redis.disconnect();
}

async function measure(store: ReportStoreBench['store'], hub: SpawnedHub, orders: number, log: (line: string) => void): Promise<ReportStoreBench> {
  const pid = hub.child.pid!;
  const { days } = pilotShape(PLAN);
  const rssIdleMb = rss(pid).nowMb;
  const exportUrl = `${hub.url}/api/export?from=${days[0]}&to=${days.at(-1)}`;
  const reportMs: number[] = [];
  const exportMs: number[] = [];
  let exported = 0;
  // The reports first, so the peak read after them is theirs (the export's answer is a whole string in this process).
  for (let i = 0; i < RUNS; i++) {
    const r = await timed(`${hub.url}/api/report?compare=baseline`);
    reportMs.push(r.ms);
    // A fast report that skipped entries would be no figure at all: every generated order must be counted.
    const counted = (JSON.parse(r.body) as PilotReport).conversion.orders;
    if (counted !== orders) throw new Error(`${store}: the report counted ${counted} orders of ${orders}`);
    log(`${store}: report ${r.ms.toFixed(0)} ms (${(r.body.length / 1024).toFixed(0)} KB)`);
  }
  const rssPeakMb = rss(pid).peakMb;
  log(`${store}: hub RSS ${rssIdleMb.toFixed(0)} MB idle, peak ${rssPeakMb.toFixed(0)} MB over the reports`);
  for (let i = 0; i < RUNS; i++) {
    const e = await timed(exportUrl);
    exportMs.push(e.ms);
    exported = e.body.split('\n').filter(Boolean).length;
    log(`${store}: export ${e.ms.toFixed(0)} ms (${exported} events)`);
  }
  return { store, reportMs, exportMs, rssIdleMb, rssPeakMb, exported };
}

/** The hub's config: the generated pilot and catalogue, and a log kept long enough to hold all 90 days. */
function configFile(): string {
  const { pilot, catalogue } = pilotShape(PLAN);
  const file = path.join(tempDir('bb-report-bench-'), 'store.json');
  writeFileSync(file, JSON.stringify({ timeZone: PLAN.timeZone, catalogue, pilot, eventLog: { keepDays: 400, maxEntries: 5_000_000 } }));
  return file;
}

export async function benchReport(log: (line: string) => void): Promise<ReportBench> {
  const config = configFile();
  const dataDir = tempDir();
  const fileLog = new FileEventLog(dataDir, pino({ level: 'silent' }), 400);
  let started = performance.now();
  const { events, orders } = await writeStore(async (day) => {
    for (const e of day) await fileLog.append(e);
  });
  const embeddedWrite = (performance.now() - started) / 1000;
  log(`wrote ${events.toLocaleString('en')} events (${orders.toLocaleString('en')} orders over ${PLAN.days} days) in ${embeddedWrite.toFixed(1)} s`);
  const stores: ReportStoreBench[] = [];
  const embedded = await spawnHub({ DATA_DIR: dataDir, CONFIG: config });
  try {
    stores.push(await measure('embedded', embedded, orders, log));
  } finally {
    await embedded.kill();
  }
  const redis = await TestRedis.start();
  try {
    started = performance.now();
    await writeRedis(redis.url);
    const redisWrite = (performance.now() - started) / 1000;
    log(`wrote the same events to Redis in ${redisWrite.toFixed(1)} s`);
    const hub = await spawnHub({ REDIS_URL: redis.url, CONFIG: config });
    try {
      stores.push(await measure('redis', hub, orders, log));
    } finally {
      await hub.kill();
    }
    const days = PLAN.days ?? 0;
    return {
      days,
      events,
      orders,
      perDay: { orders: Math.round(orders / days), events: Math.round(events / days) },
      writeSeconds: { embedded: embeddedWrite, redis: redisWrite },
      stores,
      goal: { ms: GOAL_MS, rssMb: GOAL_RSS_MB },
    };
  } finally {
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(path.dirname(config), { recursive: true, force: true });
  }
}
