import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import { BoardFeed } from '../shared/client/board-feed.js';
import { FakeObs } from './helpers/fake-obs.js';
import { machine, order } from './helpers/fixtures.js';
import { post, startTestHub, tempDir } from './helpers/hub.js';
import { eventually } from './helpers/screens.js';

interface Posted {
  state: 'raised' | 'cleared';
  alert: string;
  kind: string;
  message: string;
}

/** A real HTTP receiver on loopback; `hang` makes it accept requests and never answer. */
async function receiver(hang = false): Promise<{ url: string; got: Posted[]; requests: () => number; close: () => Promise<void> }> {
  const got: Posted[] = [];
  let requests = 0;
  const server: Server = createServer((req: IncomingMessage, res) => {
    requests++;
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (hang) return;
      got.push(JSON.parse(body) as Posted);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    got,
    requests: () => requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

function config(extra: Record<string, unknown>): string {
  const file = path.join(tempDir(), 'store.json');
  writeFileSync(file, JSON.stringify({ promiseMinutes: 600, ...extra }));
  return file;
}

describe('alerts', () => {
  let hook: Awaited<ReturnType<typeof receiver>>;
  let fake: FakeObs;
  let hub: Hub;
  beforeAll(async () => {
    hook = await receiver();
    fake = await FakeObs.start();
    fake.streaming = true;
    hub = await startTestHub({
      OBS_URL: fake.url,
      CONFIG: config({ alerts: { oldestQueuedMinutes: 0.02, screenOfflineMinutes: 0.02, webhook: { url: hook.url, timeoutMs: 1_000, retries: 1 } } }),
    });
  });
  afterAll(async () => {
    await hub?.close();
    await fake?.close();
    await hook?.close();
  });

  const posts = (alert: string) => hook.got.filter((p) => p.alert === alert).map((p) => p.state);

  it('raises each condition once at its threshold and clears it when it ends, to the webhook', async () => {
    const late = order({ id: 'al-1', number: '801', promisedAt: Date.now() - 1_000, updatedAt: Date.now() });
    await post(`${hub.url}/api/orders`, late);
    await eventually(() => expect(posts('order_late:al-1')).toEqual(['raised']));
    // Waiting over 0.02 min (1.2 s): the oldest-order alert.
    await eventually(() => expect(posts('queue_old:queue')).toEqual(['raised']), 5_000);
    await post(`${hub.url}/api/machines`, machine({ id: 'oven-9', state: 'fault', updatedAt: Date.now() }));
    await eventually(() => expect(posts('machine_fault:oven-9')).toEqual(['raised']));

    const screen = new BoardFeed({ url: hub.url, query: { screen: 'window-1' }, transports: ['websocket'] });
    await eventually(() => expect(screen.connected).toBe(true));
    screen.close();
    await eventually(() => expect(posts('screen_offline:window-1')).toEqual(['raised']), 5_000);

    // Still true a few checks later: nothing more was sent.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(hook.got.filter((p) => p.state === 'raised')).toHaveLength(4);

    await post(`${hub.url}/api/orders`, { ...late, status: 'ready', updatedAt: Date.now() });
    await post(`${hub.url}/api/machines`, machine({ id: 'oven-9', state: 'running', updatedAt: Date.now() }));
    const back = new BoardFeed({ url: hub.url, query: { screen: 'window-1' }, transports: ['websocket'] });
    try {
      await eventually(() => {
        expect(posts('order_late:al-1')).toEqual(['raised', 'cleared']);
        expect(posts('queue_old:queue')).toEqual(['raised', 'cleared']);
        expect(posts('machine_fault:oven-9')).toEqual(['raised', 'cleared']);
        expect(posts('screen_offline:window-1')).toEqual(['raised', 'cleared']);
      });
    } finally {
      back.close();
    }
    expect(hook.got.find((p) => p.alert === 'machine_fault:oven-9')?.message).toContain('in fault');
  });

  it('raises OBS disconnected while streaming, and clears it when OBS is back', async () => {
    await eventually(async () => expect(await (await fetch(`${hub.url}/api/director`, { headers: { authorization: 'Bearer test-token-0123456789abcdef' } })).json()).toMatchObject({ data: { obs: 'connected', streaming: true } }));
    const port = Number(new URL(fake.url).port);
    await fake.close();
    await eventually(() => expect(posts('obs_down_while_streaming:obs')).toEqual(['raised']), 10_000);
    fake = await FakeObs.start(port);
    fake.streaming = true;
    await eventually(() => expect(posts('obs_down_while_streaming:obs')).toEqual(['raised', 'cleared']), 15_000);
  }, 40_000);
});

describe('an alert webhook that hangs', () => {
  it('does not stall the hub: screens and the API answer at once while posts time out', async () => {
    const hang = await receiver(true);
    const hub = await startTestHub({ CONFIG: config({ alerts: { webhook: { url: hang.url, timeoutMs: 500, retries: 2 } } }) });
    try {
      for (let i = 0; i < 5; i++) await post(`${hub.url}/api/machines`, machine({ id: `m-${i}`, state: 'fault', updatedAt: Date.now() }));
      await eventually(() => expect(hang.requests()).toBeGreaterThanOrEqual(2), 5_000);
      const started = performance.now();
      for (let i = 0; i < 20; i++) expect((await fetch(`${hub.url}/api/board`)).status).toBe(200);
      expect((performance.now() - started) / 20).toBeLessThan(100);
    } finally {
      const closing = performance.now();
      await hub.close();
      expect(performance.now() - closing).toBeLessThan(3_000);
      await hang.close();
    }
  });
});
