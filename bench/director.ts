import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHANNELS } from '../shared/protocol.js';
import { startTestHub, tempDir } from '../test/helpers/hub.js';
import { ObsStudio } from '../test/helpers/obs-studio.js';
import { TestRedis } from '../test/helpers/redis-server.js';

export interface DirectorBench {
  switches: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  pollingIntervalMs: number;
  pollingMeanWaitMs: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * Machine event published on Redis → program scene changed in OBS, as OBS
 * itself reports it (CurrentProgramSceneChanged to an independent client).
 * A polling scene switcher checks every 300 ms by default: on top of its own
 * switch time it waits 0–300 ms (150 ms on average) before it even notices.
 */
export async function benchDirector(log: (line: string) => void): Promise<DirectorBench> {
  const switches = Number(process.env.BENCH_SWITCHES ?? 200);
  const config = path.join(tempDir(), 'store.json');
  writeFileSync(
    config,
    JSON.stringify({
      director: {
        defaultScene: 'Board',
        minDwellSeconds: 0,
        rules: [
          { machine: 'oven-1', state: 'unloading', scene: 'Oven Cam', priority: 10 },
          { machine: 'oven-1', state: 'running', scene: 'Finishing Station', priority: 10 },
        ],
      },
    }),
  );
  const redis = await TestRedis.start();
  const obs = await ObsStudio.start();
  const hub = await startTestHub({ REDIS_URL: redis.url, OBS_URL: obs.url, OBS_PASSWORD: obs.password, CONFIG: config });
  const producer = redis.client();
  const watcher = await obs.client();
  try {
    const deadline = Date.now() + 15_000;
    while (hub.director?.status().obs !== 'connected') {
      if (Date.now() > deadline) throw new Error('the director did not connect to OBS');
      await new Promise((r) => setTimeout(r, 50));
    }
    const samples: number[] = [];
    let t = Date.now();
    for (let i = 0; i < switches + 5; i++) {
      const state = i % 2 === 0 ? 'unloading' : 'running';
      const scene = state === 'unloading' ? 'Oven Cam' : 'Finishing Station';
      const seen = new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no switch to ${scene} within 5 s`)), 5_000);
        const on = (e: { sceneName: string }) => {
          if (e.sceneName !== scene) return;
          clearTimeout(timer);
          watcher.off('CurrentProgramSceneChanged', on);
          resolve(performance.now());
        };
        watcher.on('CurrentProgramSceneChanged', on);
      });
      const sent = performance.now();
      await producer.publish(CHANNELS.machines, JSON.stringify({ id: 'oven-1', name: 'Oven', kind: 'oven', state, updatedAt: ++t }));
      const at = await seen;
      if (i >= 5) samples.push(at - sent); // the first few warm up the JIT and OBS
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const result: DirectorBench = {
      switches: samples.length,
      p50Ms: percentile(sorted, 50),
      p90Ms: percentile(sorted, 90),
      p99Ms: percentile(sorted, 99),
      maxMs: sorted.at(-1)!,
      meanMs: samples.reduce((a, b) => a + b, 0) / samples.length,
      pollingIntervalMs: 300,
      pollingMeanWaitMs: 150,
    };
    log(`machine event -> OBS program changed, ${result.switches} switches: p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, max ${result.maxMs.toFixed(1)} ms (a 300 ms poller waits 0-300 ms before it notices)`);
    return result;
  } finally {
    await watcher.disconnect().catch(() => undefined);
    producer.disconnect();
    await hub.close();
    await obs.destroy();
    await redis.destroy();
  }
}
