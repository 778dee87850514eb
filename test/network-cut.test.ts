import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from '../server/hub.js';
import { order } from './helpers/fixtures.js';
import { post, startTestHub } from './helpers/hub.js';
import { closeScreens, connectScreens, eventually, type Screen } from './helpers/screens.js';
import { TcpProxy } from './helpers/tcp-proxy.js';

describe("a screen whose network goes quiet for 30 s", () => {
  let hub: Hub;
  let wifi: TcpProxy;
  let screens: Screen[];
  beforeAll(async () => {
    hub = await startTestHub();
    wifi = await TcpProxy.start([hub.port]);
    screens = await connectScreens(wifi.url, 2);
  });
  afterAll(async () => {
    closeScreens(screens ?? []);
    await wifi?.close();
    await hub?.close();
  });

  it('ends with exactly the server board when the network comes back', async () => {
    const first = order();
    await post(`${hub.url}/api/orders`, first);
    await eventually(() => expect(screens.every((s) => s.feed.mirror.orders.has(first.id))).toBe(true));
    const cut = wifi.links[0]!;
    wifi.pause([cut]);
    const cutAt = Date.now();
    // Production goes on meanwhile: 60 changes while the screen hears nothing.
    const later = Array.from({ length: 30 }, () => order());
    for (const o of later) {
      await post(`${hub.url}/api/orders`, o);
      await post(`${hub.url}/api/orders`, { ...o, status: 'ready', updatedAt: o.updatedAt + 1 });
      await new Promise((r) => setTimeout(r, 900));
    }
    await post(`${hub.url}/api/orders`, { ...first, status: 'picked_up', updatedAt: first.updatedAt + 1 });
    // The other screen keeps up; the cut one has heard nothing.
    await eventually(() => expect(screens.filter((s) => s.feed.mirror.seq === hub.board.seq)).toHaveLength(1));
    expect(screens.filter((s) => s.feed.mirror.seq < hub.board.seq)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, Math.max(0, 30_000 - (Date.now() - cutAt))));
    wifi.resume([cut]);
    await eventually(() => {
      for (const s of screens) expect(s.feed.mirror.snapshot()).toEqual(hub.board.snapshot());
    }, 30_000);
  }, 90_000);
});
