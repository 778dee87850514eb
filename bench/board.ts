import { Agent, request } from 'node:http';
import { DEFAULT_MAX_ACTIVE_ORDERS } from '../server/config.js';
import type { Order } from '../shared/schemas/order.js';
import { TEST_TOKEN, spawnHub, tempDir, type SpawnedHub } from '../test/helpers/hub.js';
import { TestRedis } from '../test/helpers/redis-server.js';

/** Orders pushed at the hub: 13 × the default cap, as in the review that found the board unbounded. */
const PUSHED = Number(process.env.BOARD_PUSHED ?? 130_000);
const CONCURRENCY = 16;
const SAMPLES = 1_000;

export interface Latency {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface BoardStoreBench {
  store: 'embedded' | 'redis';
  pushed: number;
  pushSeconds: number;
  applied: number;
  refusedFull: number;
  otherAnswers: number;
  /** A staff-like update of an order on the board (queued → in production), near-empty board vs full board. */
  updateEmpty: Latency;
  updateFull: Latency;
  /** A new order refused at the cap. */
  refusedAtCap: Latency;
  readyzFull: Latency;
  readyzSlowestDuringPushMs: number;
}

export interface BoardBench {
  cap: number;
  stores: BoardStoreBench[];
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! : 0;
}

function latency(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99), maxMs: sorted.at(-1) ?? 0 };
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY + 2 });

/** One request on a kept-alive connection; resolves with the status and how long it took. */
function call(url: string, method: 'GET' | 'POST', body?: unknown): Promise<{ status: number; ms: number; code?: string }> {
  const started = performance.now();
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        headers: payload ? { 'content-type': 'application/json', authorization: `Bearer ${TEST_TOKEN}`, 'content-length': Buffer.byteLength(payload) } : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          let code: string | undefined;
          if (res.statusCode !== 200) code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
          resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, ...(code ? { code } : {}) });
        });
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${url} took over 30 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

let n = 0;
function newOrder(): Order {
  n++;
  return { id: `bench-${n}`, number: String(n % 100_000), items: [{ sku: 'cardamom-bun', qty: 1 }], status: 'queued', updatedAt: Date.now() };
}

/** Moves `count` orders on the board one step, one request at a time, and times each. */
async function updates(hub: SpawnedHub, held: Order[], count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const o = held[i % held.length]!;
    const next = { ...o, status: o.status === 'queued' ? ('in_production' as const) : ('queued' as const), updatedAt: o.updatedAt + 1 };
    held[i % held.length] = next;
    const r = await call(`${hub.url}/api/orders`, 'POST', next);
    if (r.status !== 200) throw new Error(`update answered ${r.status}`);
    out.push(r.ms);
  }
  return out;
}

async function readyz(hub: SpawnedHub, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((await call(`${hub.url}/readyz`, 'GET')).ms);
  return out;
}

async function benchStore(store: 'embedded' | 'redis', log: (line: string) => void): Promise<BoardStoreBench> {
  const redis = store === 'redis' ? await TestRedis.start() : undefined;
  const hub = await spawnHub({ ...(redis ? { REDIS_URL: redis.url } : { DATA_DIR: tempDir() }) });
  try {
    const held = Array.from({ length: 50 }, () => newOrder());
    for (const o of held) await call(`${hub.url}/api/orders`, 'POST', o);
    await updates(hub, held, SAMPLES); // warm-up: the baseline must not pay for the hub's first requests
    const updateEmpty = latency(await updates(hub, held, SAMPLES));
    log(`${store}: update on a ${held.length}-order board p50 ${updateEmpty.p50Ms.toFixed(2)} ms, p99 ${updateEmpty.p99Ms.toFixed(2)} ms`);

    let applied = held.length;
    let refusedFull = 0;
    let otherAnswers = 0;
    let readyzSlowest = 0;
    let pushed = 0;
    const started = performance.now();
    let probing = true;
    const probe = (async () => {
      while (probing) {
        readyzSlowest = Math.max(readyzSlowest, (await call(`${hub.url}/readyz`, 'GET')).ms);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (pushed < PUSHED) {
          pushed++;
          const r = await call(`${hub.url}/api/orders`, 'POST', newOrder());
          if (r.status === 200) applied++;
          else if (r.code === 'board_full') refusedFull++;
          else otherAnswers++;
        }
      }),
    );
    probing = false;
    await probe;
    const pushSeconds = (performance.now() - started) / 1000;
    log(
      `${store}: pushed ${PUSHED} new orders in ${pushSeconds.toFixed(1)} s: ${applied} on the board, ${refusedFull} refused board_full, ${otherAnswers} other`,
    );

    const updateFull = latency(await updates(hub, held, SAMPLES));
    const refused: number[] = [];
    for (let i = 0; i < SAMPLES; i++) refused.push((await call(`${hub.url}/api/orders`, 'POST', newOrder())).ms);
    const refusedAtCap = latency(refused);
    const readyzFull = latency(await readyz(hub, SAMPLES));
    log(
      `${store}: at the cap, update p50 ${updateFull.p50Ms.toFixed(2)} ms p99 ${updateFull.p99Ms.toFixed(2)} ms; refusal p99 ${refusedAtCap.p99Ms.toFixed(2)} ms; /readyz p99 ${readyzFull.p99Ms.toFixed(2)} ms (slowest while pushing ${readyzSlowest.toFixed(1)} ms)`,
    );
    return {
      store,
      pushed: PUSHED,
      pushSeconds,
      applied,
      refusedFull,
      otherAnswers,
      updateEmpty,
      updateFull,
      refusedAtCap,
      readyzFull,
      readyzSlowestDuringPushMs: readyzSlowest,
    };
  } finally {
    await hub.kill();
    await redis?.destroy();
  }
}

/**
 * A full board (issue 13): 130,000 new orders pushed at one hub process over REST, 16 at a time. The
 * board must stop at `board.maxActiveOrders` with `board_full`, and writes at the cap must cost about
 * what they cost on a near-empty board (the ratio, same run, same hub).
 */
export async function benchBoard(log: (line: string) => void): Promise<BoardBench> {
  const stores: BoardStoreBench[] = [];
  for (const store of ['embedded', 'redis'] as const) stores.push(await benchStore(store, log));
  agent.destroy();
  return { cap: DEFAULT_MAX_ACTIVE_ORDERS, stores };
}
