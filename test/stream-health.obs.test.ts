import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OBSWebSocket } from 'obs-websocket-js/json';
import { ObsController } from '../server/director/obs-controller.js';
import type { Hub } from '../server/hub.js';
import type { DirectorStatus, StreamHealthReport } from '../shared/schemas/director.js';
import { FakeObs } from './helpers/fake-obs.js';
import { machine } from './helpers/fixtures.js';
import { TEST_TOKEN, post, startTestHub, tempDir } from './helpers/hub.js';
import { ObsStudio } from './helpers/obs-studio.js';
import { eventually } from './helpers/screens.js';
import { receiver } from './helpers/webhook-receiver.js';

function config(hook: string): string {
  const file = path.join(tempDir(), 'store.json');
  // A long post timeout: a receiver slowed by a busy machine must not make the hub post an alert twice.
  writeFileSync(file, JSON.stringify({ alerts: { webhook: { url: hook, timeoutMs: 30_000, retries: 1 } } }));
  return file;
}

async function get<T>(hub: Hub, route: string): Promise<{ status: number; data: T }> {
  const res = await fetch(`${hub.url}${route}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  const body = (await res.json()) as { data: T };
  return { status: res.status, data: body.data };
}

const health = async (hub: Hub) => (await get<StreamHealthReport>(hub, '/api/director/health')).data;
const director = async (hub: Hub) => (await get<DirectorStatus>(hub, '/api/director')).data;

describe('stream health against a real OBS Studio', () => {
  let obs: ObsStudio;
  let client: OBSWebSocket;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let hub: Hub;
  /** Every request the hub makes of OBS goes through the one controller: counted here by type. */
  const calls = vi.spyOn(ObsController.prototype, 'call');
  const asked = (type: string) => calls.mock.calls.filter(([t]) => t === type).length;
  const posts = (alert: string) => hook.got.filter((p) => p.alert === alert).map((p) => p.state);
  const machineState = (id: string, state: 'running' | 'idle' | 'fault') => post(`${hub.url}/api/machines`, machine({ id, state, updatedAt: Date.now() }));
  /** OBS back on the same port and config, and the hub connected to it again. */
  const obsBack = async () => {
    await obs.up();
    client = await obs.client();
    await eventually(async () => expect(await director(hub)).toMatchObject({ obs: 'connected' }), 20_000);
  };

  beforeAll(async () => {
    hook = await receiver();
    obs = await ObsStudio.start();
    client = await obs.client();
    hub = await startTestHub({ OBS_URL: obs.url, OBS_PASSWORD: obs.password, CONFIG: config(hook.url) });
    await eventually(async () => expect(await director(hub)).toMatchObject({ obs: 'connected', recording: false }), 15_000);
  }, 90_000);
  afterAll(async () => {
    calls.mockRestore();
    await hub?.close();
    await client?.disconnect().catch(() => undefined);
    await obs?.destroy();
    await hook?.close();
  });

  it('asks OBS nothing while it neither streams nor records, however often consoles ask', async () => {
    const before = { stream: asked('GetStreamStatus'), record: asked('GetRecordStatus') };
    for (let i = 0; i < 5; i++) {
      expect(await health(hub)).toMatchObject({ obs: 'connected', stream: { active: false, durationMs: null }, record: { active: false, durationMs: null } });
    }
    expect({ stream: asked('GetStreamStatus'), record: asked('GetRecordStatus') }).toEqual(before);
  });

  it('shows the recording with its duration rising, at one OBS call per interval for all consoles', async () => {
    await client.call('StartRecord');
    await eventually(async () => expect((await health(hub)).record).toMatchObject({ active: true, paused: false }), 10_000);
    const first = (await health(hub)).record;
    expect(first.durationMs).toEqual(expect.any(Number));
    await eventually(async () => expect((await health(hub)).record.durationMs).toBeGreaterThan(first.durationMs! + 1_000), 10_000);

    const streamAsked = asked('GetStreamStatus');
    const recordAsked = asked('GetRecordStatus');
    const many = await Promise.all(Array.from({ length: 8 }, () => health(hub)));
    expect(new Set(many.map((r) => r.at)).size).toBe(1);
    expect(asked('GetRecordStatus') - recordAsked).toBeLessThanOrEqual(1);
    // Only the output that is on is asked about: the stream is off.
    expect(asked('GetStreamStatus')).toBe(streamAsked);
  });

  it('raises stream_dropped once when OBS is killed while recording and a machine runs, through the reconnect, and clears it when OBS records again', async () => {
    await machineState('press-1', 'running');
    await eventually(async () => expect((await health(hub)).record.active).toBe(true), 10_000);
    await obs.kill();
    await eventually(() => expect(posts('stream_dropped:record')).toEqual(['raised']), 10_000);
    expect(hook.got.find((p) => p.alert === 'stream_dropped:record')).toMatchObject({
      code: 'stream_dropped',
      params: { output: 'record' },
      message: 'The recording stopped while production is running',
    });
    // While OBS is away the hub keeps trying it; when it is back (not recording) the recording is still lost.
    await obsBack();
    expect((await health(hub)).record.active).toBe(false);
    // Probe alerts, posted in order: once the second is in, the checks after the reconnect have had their say.
    for (const probe of ['probe-a', 'probe-b']) {
      await machineState(probe, 'fault');
      await eventually(() => expect(posts(`machine_fault:${probe}`)).toEqual(['raised']));
    }
    expect(posts('stream_dropped:record')).toEqual(['raised']);
    await client.call('StartRecord');
    await eventually(() => expect(posts('stream_dropped:record')).toEqual(['raised', 'cleared']), 10_000);
    expect(posts('obs_down_while_streaming:obs')).toEqual([]);
  }, 60_000);

  it('clears it when production stops, and a loss while nothing runs raises nothing when production starts', async () => {
    await eventually(async () => expect((await health(hub)).record.active).toBe(true), 10_000);
    await obs.kill();
    await eventually(() => expect(posts('stream_dropped:record')).toEqual(['raised', 'cleared', 'raised']), 10_000);
    await machineState('press-1', 'idle');
    await eventually(() => expect(posts('stream_dropped:record')).toEqual(['raised', 'cleared', 'raised', 'cleared']), 10_000);

    await obsBack();
    await client.call('StartRecord');
    await eventually(async () => expect((await health(hub)).record.active).toBe(true), 10_000);
    await obs.kill();
    await eventually(async () => expect(await director(hub)).toMatchObject({ obs: 'disconnected' }), 10_000);
    // A probe alert: once it is raised, a check has seen the recording lost with nothing running.
    await machineState('probe-1', 'fault');
    await eventually(() => expect(posts('machine_fault:probe-1')).toEqual(['raised']));
    await machineState('press-1', 'running');
    // Posts go out in order: once the second probe is in, anything the checks after press-1 started would raise is in.
    for (const probe of ['probe-2', 'probe-3']) {
      await machineState(probe, 'fault');
      await eventually(() => expect(posts(`machine_fault:${probe}`)).toEqual(['raised']));
    }
    expect(posts('stream_dropped:record')).toEqual(['raised', 'cleared', 'raised', 'cleared']);
    await obsBack();
  }, 90_000);
});

describe('stream_dropped and obs_down_while_streaming: one alert for one event', () => {
  it('while production runs, OBS lost with the stream live is stream_dropped alone; when production stops, obs_down_while_streaming takes over', async () => {
    const hook = await receiver();
    const fake = await FakeObs.start();
    // A stand-in that says it streams (a real OBS streaming to a real RTMP server: stream-live.obs.test.ts).
    fake.streaming = true;
    const hub = await startTestHub({ OBS_URL: fake.url, CONFIG: config(hook.url) });
    const posts = (alert: string) => hook.got.filter((p) => p.alert === alert).map((p) => p.state);
    try {
      await eventually(async () => expect(await director(hub)).toMatchObject({ obs: 'connected', streaming: true }), 10_000);
      await post(`${hub.url}/api/machines`, machine({ id: 'press-1', state: 'running', updatedAt: Date.now() }));
      await fake.close();
      await eventually(() => expect(posts('stream_dropped:stream')).toEqual(['raised']), 10_000);
      expect(hook.got.find((p) => p.alert === 'stream_dropped:stream')?.message).toBe('The stream dropped while production is running');
      expect(posts('obs_down_while_streaming:obs')).toEqual([]);
      await post(`${hub.url}/api/machines`, machine({ id: 'press-1', state: 'idle', updatedAt: Date.now() }));
      await eventually(() => {
        expect(posts('stream_dropped:stream')).toEqual(['raised', 'cleared']);
        expect(posts('obs_down_while_streaming:obs')).toEqual(['raised']);
      }, 10_000);
    } finally {
      await hub.close();
      await fake.close().catch(() => undefined);
      await hook.close();
    }
  }, 40_000);
});
