import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OBSWebSocket } from 'obs-websocket-js/json';
import type { Hub } from '../server/hub.js';
import type { DirectorStatus, StreamHealthReport } from '../shared/schemas/director.js';
import { machine } from './helpers/fixtures.js';
import { TEST_TOKEN, post, startTestHub, tempDir } from './helpers/hub.js';
import { ObsStudio } from './helpers/obs-studio.js';
import { RtmpServer } from './helpers/rtmp-server.js';
import { eventually } from './helpers/screens.js';
import { receiver } from './helpers/webhook-receiver.js';

function config(hook: string): string {
  const file = path.join(tempDir(), 'store.json');
  writeFileSync(file, JSON.stringify({ alerts: { webhook: { url: hook, timeoutMs: 30_000, retries: 1 } } }));
  return file;
}

async function get<T>(hub: Hub, route: string): Promise<T> {
  const res = await fetch(`${hub.url}${route}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  return ((await res.json()) as { data: T }).data;
}

const health = (hub: Hub) => get<StreamHealthReport>(hub, '/api/director/health');
const director = (hub: Hub) => get<DirectorStatus>(hub, '/api/director');

/** The `stream` entries of the event log since `from`, as the pilot report reads them: live, in order. */
async function streamLog(hub: Hub, from: number): Promise<boolean[]> {
  const res = await fetch(`${hub.url}/api/export?format=ndjson&from=${from}`, { headers: { authorization: `Bearer ${TEST_TOKEN}` } });
  return (await res.text())
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; stream?: { live: boolean } })
    .filter((e) => e.type === 'stream')
    .map((e) => e.stream!.live);
}

describe('the stream going live and off, with a real OBS Studio streaming to a real RTMP server', () => {
  let rtmp: RtmpServer;
  let obs: ObsStudio;
  let client: OBSWebSocket;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let hub: Hub;
  const posts = (alert: string) => hook.got.filter((p) => p.alert === alert).map((p) => p.state);
  /** OBS's own word that the stream is out (the RTMP handshake done), before the hub is asked anything. */
  const obsStreaming = async (active: boolean) =>
    eventually(async () => expect(await client.call('GetStreamStatus')).toMatchObject({ outputActive: active, outputReconnecting: false }), 20_000);
  const startStream = async () => {
    // The service OBS streams to: the test's RTMP server (OBS keeps it in its profile's service.json).
    await client.call('SetStreamServiceSettings', { streamServiceType: 'rtmp_custom', streamServiceSettings: { server: rtmp.url, key: 'test' } });
    await client.call('StartStream');
    await obsStreaming(true);
  };

  beforeAll(async () => {
    hook = await receiver();
    rtmp = await RtmpServer.start();
    obs = await ObsStudio.start();
    client = await obs.client();
    hub = await startTestHub({ OBS_URL: obs.url, OBS_PASSWORD: obs.password, CONFIG: config(hook.url) });
    await eventually(async () => expect(await director(hub)).toMatchObject({ obs: 'connected', streaming: false }), 15_000);
    // The hub's first read of OBS is logged even unchanged (a stream that stopped while no hub ran must not stay live
    // in the log): waited for here, so each test's range starts after it.
    await eventually(async () => expect(await streamLog(hub, 0)).toEqual([false]), 15_000);
  }, 90_000);
  afterAll(async () => {
    await client?.call('StopStream').catch(() => undefined);
    await hub?.close();
    await client?.disconnect().catch(() => undefined);
    await obs?.destroy();
    await rtmp?.destroy();
    await hook?.close();
  });

  it('shows the stream live with its duration rising, logs live: true, and on StopStream logs live: false and shows it off', async () => {
    const from = Date.now();
    await startStream();
    await eventually(async () => expect((await health(hub)).stream).toMatchObject({ active: true, reconnecting: false }), 10_000);
    const first = (await health(hub)).stream;
    expect(first.durationMs).toEqual(expect.any(Number));
    await eventually(async () => expect((await health(hub)).stream.durationMs).toBeGreaterThan(first.durationMs! + 1_000), 10_000);
    // It really went out to the test's server: OBS counts what it sent, and nginx saw the stream published.
    expect((await health(hub)).stream.bytes).toBeGreaterThan(0);
    expect(rtmp.publishes('test')).toBe(1);
    await eventually(async () => expect(await streamLog(hub, from)).toEqual([true]), 10_000);

    await client.call('StopStream');
    await obsStreaming(false);
    await eventually(async () => expect(await streamLog(hub, from)).toEqual([true, false]), 10_000);
    expect((await health(hub)).stream).toMatchObject({ active: false, durationMs: null });
    expect(await director(hub)).toMatchObject({ streaming: false });
  }, 60_000);

  it('stays live through the RTMP server dying and coming back while OBS reconnects: no live: false; stream_dropped while it reconnects', async () => {
    await post(`${hub.url}/api/machines`, machine({ id: 'press-1', state: 'running', updatedAt: Date.now() }));
    const from = Date.now();
    await startStream();
    await eventually(async () => expect(await streamLog(hub, from)).toEqual([true]), 10_000);

    await rtmp.kill();
    // OBS notices its connection gone and retries: to the hub the stream is on, reconnecting, and while a
    // machine runs that is a drop viewers see (docs/protocol.md, stream_dropped).
    await eventually(async () => expect((await health(hub)).stream).toMatchObject({ active: true, reconnecting: true }), 20_000);
    await eventually(() => expect(posts('stream_dropped:stream')).toEqual(['raised']), 10_000);
    await rtmp.up();
    await eventually(async () => expect((await health(hub)).stream).toMatchObject({ active: true, reconnecting: false }), 30_000);
    await obsStreaming(true);
    // The log was written by the server run that was killed and by this one: OBS published to both.
    expect(rtmp.publishes('test')).toBe(3);
    await eventually(() => expect(posts('stream_dropped:stream')).toEqual(['raised', 'cleared']), 10_000);
    // Live all along as far as the report counts: a reconnect is not the stream going off.
    expect(await streamLog(hub, from)).toEqual([true]);
  }, 90_000);

  it('raises stream_dropped once when OBS is killed mid-stream while a machine runs, logs live: false, and clears it when OBS streams again', async () => {
    const from = Date.now();
    await eventually(async () => expect((await health(hub)).stream.active).toBe(true), 10_000);
    await obs.kill();
    // Raised once OBS has stayed away its grace (5 s), after the one raised and cleared around the reconnect.
    await eventually(() => expect(posts('stream_dropped:stream')).toEqual(['raised', 'cleared', 'raised']), 15_000);
    expect(hook.got.filter((p) => p.alert === 'stream_dropped:stream').at(-1)).toMatchObject({ code: 'stream_dropped', params: { output: 'stream' } });
    // OBS out of reach counts as not live until it answers again.
    await eventually(async () => expect(await streamLog(hub, from)).toEqual([false]), 10_000);

    await obs.up();
    client = await obs.client();
    await eventually(async () => expect(await director(hub)).toMatchObject({ obs: 'connected', streaming: false }), 20_000);
    await startStream();
    await eventually(() => expect(posts('stream_dropped:stream')).toEqual(['raised', 'cleared', 'raised', 'cleared']), 10_000);
    await eventually(async () => expect(await streamLog(hub, from)).toEqual([false, true]), 10_000);
    await client.call('StopStream');
    await obsStreaming(false);
    await eventually(async () => expect(await streamLog(hub, from)).toEqual([false, true, false]), 10_000);
  }, 90_000);
});
