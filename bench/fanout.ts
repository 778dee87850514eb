import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CHANNELS } from '../shared/protocol.js';
import { freePort } from '../test/helpers/ports.js';
import { spawnHub } from '../test/helpers/hub.js';
import { TestRedis } from '../test/helpers/redis-server.js';

type ServerName = 'raw ws' | 'naive socket.io' | 'batchboard hub';

export interface FanoutRow {
  server: ServerName;
  screens: number;
  rate: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  delivered: number;
  expected: number;
  cpuPct: number;
  rssMb: number;
  kbPerIdleScreen: number;
}

export interface StormResult {
  screens: number;
  settledMs: number;
  /** The hub's longest event-loop delay while the storm lasted (from its /metrics, sampled every 200 ms). */
  loopMaxMs: number;
}

export interface FanoutBench {
  seconds: number;
  rows: FanoutRow[];
  storm?: StormResult;
}

const HERE = import.meta.dirname;
const BENCH_CHANNEL = 'bench:orders';

function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

/** utime + stime of a process, in clock ticks (100 a second on Linux). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function quantile(hist: number[], total: number, q: number): number {
  let seen = 0;
  for (let ms = 0; ms < hist.length; ms++) {
    seen += hist[ms]!;
    if (seen >= q * total) return ms;
  }
  return hist.length;
}

function waitFor<T>(child: ChildProcess, match: (m: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer in ${timeoutMs} ms`)), timeoutMs);
    const on = (m: T) => {
      if (!match(m)) return;
      clearTimeout(timer);
      child.off('message', on);
      resolve(m);
    };
    child.on('message', on);
  });
}

function forkTs(file: string, env: Record<string, string>): ChildProcess {
  return fork(path.join(HERE, file), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
}

/**
 * Fan-out, scenario a of issue 7, side by side in one run: a raw `ws` server
 * (the floor), a naive socket.io hub (`io.emit` per message) and the Batchboard
 * hub, each in its own process; the screens in another. Redis PUBLISH of
 * ~200-byte orders at R a second for a few seconds per rate.
 */
export async function benchFanout(log: (line: string) => void): Promise<FanoutBench> {
  const seconds = Number(process.env.FANOUT_SECONDS ?? 5);
  const screensList = (process.env.FANOUT_SCREENS ?? '1000,5000').split(',').map(Number);
  const rates = (process.env.FANOUT_RATES ?? '10,50,100').split(',').map(Number);
  const redis = await TestRedis.start();
  const publisher = redis.client();
  const rows: FanoutRow[] = [];
  let storm: StormResult | undefined;
  try {
    const servers = (process.env.FANOUT_SERVERS ?? 'raw ws,naive socket.io,batchboard hub').split(',') as ServerName[];
    for (const server of servers) {
      for (const screens of screensList) {
        const port = await freePort();
        let pid: number;
        let stop: () => Promise<void>;
        let url: string;
        if (server === 'batchboard hub') {
          const hub = await spawnHub({ REDIS_URL: redis.url }, port);
          pid = hub.child.pid!;
          url = hub.url;
          stop = () => hub.kill('SIGKILL');
        } else {
          const child = forkTs(server === 'raw ws' ? 'fanout/raw-ws.ts' : 'fanout/naive-socketio.ts', { PORT: String(port), REDIS_URL: redis.url, CHANNEL: BENCH_CHANNEL });
          stop = async () => {
            if (child.exitCode !== null) return;
            child.kill('SIGKILL');
            await new Promise((r) => child.once('exit', r));
          };
          await waitFor<string>(child, (m) => m === 'ready', 30_000, server).catch(async (err: unknown) => {
            await stop();
            throw err;
          });
          pid = child.pid!;
          url = server === 'raw ws' ? `ws://127.0.0.1:${port}` : `http://127.0.0.1:${port}`;
        }
        const channel = server === 'batchboard hub' ? CHANNELS.orders : BENCH_CHANNEL;
        const rssBefore = rssKb(pid);
        const clients = forkTs('fanout/load-clients.ts', { KIND: server === 'raw ws' ? 'ws' : server === 'naive socket.io' ? 'socketio' : 'hub', URL: url, COUNT: String(screens) });
        try {
          await waitFor<{ type: string }>(clients, (m) => m.type === 'ready', 120_000, `${screens} screens on ${server}`);
          await new Promise((r) => setTimeout(r, 2_000));
          const idleKb = (rssKb(pid) - rssBefore) / screens;
          let n = 0;
          for (const rate of rates) {
            clients.send({ type: 'start' });
            const ticks = cpuTicks(pid);
            const began = Date.now();
            const total = rate * seconds;
            for (let i = 0; i < total; i++) {
              const due = began + (i * 1000) / rate;
              const wait = due - Date.now();
              if (wait > 0) await new Promise((r) => setTimeout(r, wait));
              n++;
              const order = { id: `b-${n % 50}`, number: String(100 + (n % 900)), name: 'Bench', items: [{ sku: 'cardamom-bun', variant: 'classic', qty: 2 }], status: 'queued', updatedAt: Date.now() };
              void publisher.publish(channel, JSON.stringify(order));
            }
            // Linux counts 100 ticks a second: ticks over hundredths of a second elapsed is the share of one core.
            const cpuPct = ((cpuTicks(pid) - ticks) / ((Date.now() - began) / 10)) * 100;
            await new Promise((r) => setTimeout(r, 1_500));
            clients.send({ type: 'stop' });
            const result = await waitFor<{ type: string; delivered: number; hist: number[] }>(clients, (m) => m.type === 'result', 30_000, 'results');
            const row: FanoutRow = {
              server,
              screens,
              rate,
              p50Ms: quantile(result.hist, result.delivered, 0.5),
              p99Ms: quantile(result.hist, result.delivered, 0.99),
              maxMs: quantile(result.hist, result.delivered, 1),
              delivered: result.delivered,
              expected: total * screens,
              cpuPct,
              rssMb: rssKb(pid) / 1024,
              kbPerIdleScreen: idleKb,
            };
            rows.push(row);
            log(`${server}, ${screens} screens, ${rate}/s: p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, max ${row.maxMs} ms, ${row.delivered}/${row.expected} delivered, CPU ${row.cpuPct.toFixed(0)}%, ${idleKb.toFixed(1)} KB per idle screen`);
          }
          if (server === 'batchboard hub' && screens === Math.max(...screensList)) {
            const seq = ((await (await fetch(`${url}/api/board`)).json()) as { seq: number }).seq;
            let loopMaxMs = 0;
            const lag = async () => {
              const text = await (await fetch(`${url}/metrics`)).text();
              const line = text.split('\n').find((l) => l.startsWith('nodejs_eventloop_lag_max_seconds '));
              if (line) loopMaxMs = Math.max(loopMaxMs, Number(line.split(' ')[1]) * 1000);
            };
            await lag(); // resets the window
            loopMaxMs = 0;
            const sampler = setInterval(() => void lag().catch(() => undefined), 200);
            clients.send({ type: 'storm', seq });
            const done = await waitFor<{ type: string; ms: number }>(clients, (m) => m.type === 'storm-done', 60_000, 'reconnect storm');
            clearInterval(sampler);
            await lag();
            storm = { screens, settledMs: done.ms, loopMaxMs };
            log(`reconnect storm: ${screens} screens back on the server's board in ${done.ms} ms; hub event loop at most ${loopMaxMs.toFixed(0)} ms late`);
          }
        } finally {
          if (clients.exitCode === null) {
            clients.kill('SIGKILL');
            await new Promise((r) => clients.once('exit', r));
          }
          await stop();
        }
      }
    }
  } finally {
    publisher.disconnect();
    await redis.destroy();
  }
  return { seconds, rows, ...(storm ? { storm } : {}) };
}
