import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import { BoardFeed } from '../shared/client/board-feed.js';
import type { ScreenInfo } from '../shared/schemas/display.js';
import { machine } from './helpers/fixtures.js';
import { TEST_TOKEN, post, startTestHub, tempDir } from './helpers/hub.js';
import { TestRedis } from './helpers/redis-server.js';
import { eventually } from './helpers/screens.js';
import { receiver } from './helpers/webhook-receiver.js';

const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };

function config(extra: Record<string, unknown>): string {
  const file = path.join(tempDir(), 'store.json');
  writeFileSync(file, JSON.stringify({ promiseMinutes: 600, ...extra }));
  return file;
}

async function list(hub: Hub): Promise<ScreenInfo[]> {
  const res = await fetch(`${hub.url}/api/screens`, { headers: AUTH });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: ScreenInfo[] }).data;
}

async function addScreen(
  hub: Hub,
  name: unknown,
): Promise<{
  status: number;
  json: { ok: boolean; data?: { screen: ScreenInfo; added: boolean }; error?: { code: string; params: { issues?: { field: string }[] } } };
}> {
  const res = await fetch(`${hub.url}/api/screens`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  return { status: res.status, json: (await res.json()) as never };
}

async function removeScreen(hub: Hub, name: string): Promise<number> {
  return (await fetch(`${hub.url}/api/screens/${name}`, { method: 'DELETE', headers: AUTH })).status;
}

/** A screen that says its name in the handshake, connected and greeted. */
async function connect(hub: Hub, name: string): Promise<BoardFeed> {
  const feed = new BoardFeed({ url: hub.url, query: { screen: name }, transports: ['websocket'] });
  await eventually(() => expect(feed.mirror.loaded).toBe(true));
  return feed;
}

describe('the screens registry on Redis', () => {
  let redis: TestRedis;
  let kv: Redis;
  let hook: Awaited<ReturnType<typeof receiver>>;
  let hub: Hub;
  beforeAll(async () => {
    redis = await TestRedis.start();
    kv = redis.client();
    // Written by an older hub that kept every name it was told: gone at the first list.
    await kv.hset(
      'batchboard:screens',
      'old-ghost',
      JSON.stringify({ name: 'old-ghost', hub: 'h', online: false, connections: 0, lastSeen: 1, appVersion: null, station: null, overlay: false }),
    );
    hook = await receiver();
    hub = await startTestHub({
      REDIS_URL: redis.url,
      CONFIG: config({ alerts: { screenOfflineMinutes: 0.01, webhook: { url: hook.url, timeoutMs: 10_000, retries: 1 } } }),
    });
  });
  afterAll(async () => {
    await hub?.close();
    await hook?.close();
    kv?.disconnect();
    await redis?.destroy();
  });

  const posts = (alert: string) => hook.got.filter((p) => p.alert === alert).map((p) => p.state);

  it('60 ghost screen names: no alert, no registry entry, and a real fault alert is still posted', async () => {
    expect((await addScreen(hub, 'window-1')).status).toBe(201);
    const ghosts = await Promise.all(Array.from({ length: 60 }, (_, i) => connect(hub, `ghost-${i}`)));
    for (const g of ghosts) g.close();
    const real = await connect(hub, 'window-1');
    real.close();
    // The real screen's offline alert comes from a check that saw every screen that went offline before it.
    await eventually(() => expect(posts('screen_offline:window-1')).toEqual(['raised']), 15_000);
    await post(`${hub.url}/api/machines`, machine({ id: 'oven-1', state: 'fault', updatedAt: Date.now() }));
    await eventually(() => expect(posts('machine_fault:oven-1')).toEqual(['raised']));

    expect(hook.got.filter((p) => p.alert.includes('ghost'))).toEqual([]);
    expect((await list(hub)).map((s) => s.name)).toEqual(['window-1']);
    expect(await kv.hkeys('batchboard:screens')).toEqual(['window-1']);
    expect(await kv.hkeys('batchboard:screens:names')).toEqual(['window-1']);
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toContain('batchboard_alerts_dropped_total{kind="screen_offline"} 0');
    expect(metrics).toContain('batchboard_alerts_dropped_total{kind="machine_fault"} 0');
  });

  it('lists a screen staff added before it connects, and one that was already showing the board as soon as it is added', async () => {
    expect((await addScreen(hub, 'counter-2')).json.data).toMatchObject({
      added: true,
      screen: { name: 'counter-2', online: false, lastSeen: null, hub: null },
    });
    expect((await addScreen(hub, 'counter-2')).status).toBe(200);
    const early = await connect(hub, 'kitchen');
    try {
      expect((await list(hub)).map((s) => s.name)).not.toContain('kitchen');
      expect((await fetch(`${hub.url}/api/screens/kitchen/reload`, { method: 'POST', headers: AUTH })).status).toBe(404);
      expect((await addScreen(hub, 'kitchen')).status).toBe(201);
      await eventually(async () => expect((await list(hub)).find((s) => s.name === 'kitchen')).toMatchObject({ online: true, connections: 1 }));
      expect((await fetch(`${hub.url}/api/screens/kitchen/reload`, { method: 'POST', headers: AUTH })).status).toBe(202);
    } finally {
      early.close();
    }
  });

  it('forgets a removed screen: its entry is gone and its screen, still connected, writes none back', async () => {
    expect((await addScreen(hub, 'pop-up')).status).toBe(201);
    const screen = await connect(hub, 'pop-up');
    await eventually(async () => expect((await list(hub)).find((s) => s.name === 'pop-up')).toMatchObject({ online: true }));
    expect(await removeScreen(hub, 'pop-up')).toBe(200);
    expect(await removeScreen(hub, 'pop-up')).toBe(404);
    // Still showing the board, as an anonymous screen.
    expect(screen.connected).toBe(true);
    screen.close();
    await eventually(async () => expect(Number(/^batchboard_screens_connected (\d+)/m.exec(await (await fetch(`${hub.url}/metrics`)).text())?.[1])).toBe(0));
    // The disconnect's write went to Redis before this list (one connection, in order).
    expect((await list(hub)).map((s) => s.name)).not.toContain('pop-up');
    expect(await kv.hexists('batchboard:screens', 'pop-up')).toBe(0);
    expect(await kv.hexists('batchboard:screens', 'old-ghost')).toBe(0);
  });

  it('takes a name added on another hub for a screen this hub holds', async () => {
    const other = await startTestHub({ REDIS_URL: redis.url });
    const screen = await connect(other, 'far-wall');
    try {
      expect((await addScreen(hub, 'far-wall')).status).toBe(201);
      // The other hub reads the added names every 5 s.
      await eventually(async () => {
        const row = (await list(hub)).find((s) => s.name === 'far-wall');
        expect([row?.online, typeof row?.hub]).toEqual([true, 'string']);
      }, 10_000);
    } finally {
      screen.close();
      await other.close();
    }
  });

  it('refuses a bad name, naming the field', async () => {
    const bad = await addScreen(hub, 'front window!');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: 'invalid_input', params: { issues: [{ field: 'name', problem: 'bad_format' }] } });
    expect((await addScreen(hub, undefined)).status).toBe(400);
  });
});

describe('the screens registry embedded', () => {
  it('keeps the added names across a restart', async () => {
    const dataDir = tempDir();
    const first = await startTestHub({ DATA_DIR: dataDir });
    try {
      expect((await addScreen(first, 'front-window')).status).toBe(201);
      expect((await addScreen(first, 'gone-soon')).status).toBe(201);
      expect(await removeScreen(first, 'gone-soon')).toBe(200);
    } finally {
      await first.close();
    }
    const second = await startTestHub({ DATA_DIR: dataDir });
    try {
      expect((await list(second)).map((s) => [s.name, s.online])).toEqual([['front-window', false]]);
      const ghost = await connect(second, 'never-added');
      ghost.close();
      expect((await list(second)).map((s) => s.name)).toEqual(['front-window']);
    } finally {
      await second.close();
    }
  });
});
