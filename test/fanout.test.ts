import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncomingMessage } from 'node:http';
import type { Redis } from 'ioredis';
import type { Hub } from '../server/hub.js';
import { CHANNELS, INBOX_STREAM } from '../shared/protocol.js';
import type { ReadingsUpdate } from '../shared/schemas/board.js';
import { machine, order } from './helpers/fixtures.js';
import { post, startTestHub } from './helpers/hub.js';
import type { TestRedis } from './helpers/redis-server.js';
import { startRedisHub, stopRedisHub } from './helpers/redis-hub.js';
import { closeScreens, connectScreens, eventually, type Screen } from './helpers/screens.js';

const SCREENS = 50;

function everyScreenHas(screens: Screen[], id: string, status = 'queued'): void {
  const missing = screens.filter((s) => s.feed.mirror.orders.get(id)?.status !== status).length;
  expect(missing, `${missing} of ${screens.length} screens lack ${id} (${status})`).toBe(0);
}

describe('fan-out with Redis', () => {
  let redis: TestRedis;
  let producer: Redis;
  let hub: Hub;
  let screens: Screen[];

  beforeAll(async () => {
    ({ redis, producer, hub, screens } = await startRedisHub(SCREENS));
  });
  afterAll(() => stopRedisHub({ redis, producer, hub, screens }));

  it(`delivers an order published on ${CHANNELS.orders} to ${SCREENS} screens`, async () => {
    const o = order();
    await producer.publish(CHANNELS.orders, JSON.stringify(o));
    await eventually(() => everyScreenHas(screens, o.id));
    expect(screens[0]!.feed.mirror.orders.get(o.id)).toEqual(o);
  });

  it(`delivers a machine published on ${CHANNELS.machines}`, async () => {
    const m = machine({ id: 'oven-7', state: 'preheating' });
    await producer.publish(CHANNELS.machines, JSON.stringify(m));
    await eventually(() => expect(screens.every((s) => s.feed.mirror.machines.get('oven-7')?.state === 'preheating')).toBe(true));
  });

  it("never lets a new machine's first readings overtake the change that brings the machine", async () => {
    const id = `tele-new-${Date.now()}`;
    const t0 = Date.now();
    // Before any other test sends readings, so telemetry is quiet and a reading goes out at once.
    // The order opens a change window, so the new machine waits in it; the reading that follows comes when telemetry is quiet.
    await producer.publish(CHANNELS.orders, JSON.stringify(order()));
    await producer.publish(CHANNELS.machines, JSON.stringify(machine({ id, updatedAt: t0, readings: { tempC: 1 } })));
    await producer.publish(CHANNELS.machines, JSON.stringify(machine({ id, updatedAt: t0 + 1, readings: { tempC: 2 } })));
    await eventually(() => expect(screens.every((s) => s.feed.mirror.machines.has(id))).toBe(true));
    await eventually(() => expect(screens.filter((s) => s.feed.mirror.machines.get(id)?.readings?.tempC !== 2)).toHaveLength(0), 2_000);
  });

  it('delivers an order posted to POST /api/orders', async () => {
    const o = order();
    const res = await post(`${hub.url}/api/orders`, o);
    expect(res).toMatchObject({ status: 200, json: { ok: true, data: { applied: true } } });
    await eventually(() => everyScreenHas(screens, o.id));
  });

  it(`delivers an order added to the ${INBOX_STREAM} stream, and acknowledges it`, async () => {
    const o = order();
    await producer.xadd(INBOX_STREAM, '*', 'order', JSON.stringify(o));
    await eventually(() => everyScreenHas(screens, o.id));
    await eventually(async () => {
      const pending = (await producer.xpending(INBOX_STREAM, 'batchboard-hubs')) as [number, ...unknown[]];
      expect(pending[0]).toBe(0);
    });
  });

  it('moves an order through its statuses and takes it off every screen when picked up', async () => {
    const o = order();
    await post(`${hub.url}/api/orders`, o);
    await post(`${hub.url}/api/orders`, { ...o, status: 'ready', updatedAt: o.updatedAt + 1 });
    await eventually(() => everyScreenHas(screens, o.id, 'ready'));
    await post(`${hub.url}/api/orders`, { ...o, status: 'picked_up', updatedAt: o.updatedAt + 2 });
    await eventually(() => expect(screens.filter((s) => s.feed.mirror.orders.has(o.id))).toHaveLength(0));
    const last = screens[0]!.events.filter((e) => e.id === o.id).at(-1);
    expect(last).toMatchObject({ name: 'order', status: 'picked_up' });
  });

  it('coalesces telemetry latest-wins: 20 readings/s from each of 3 machines reach a screen at most 4 times a second per machine, with no seq', async () => {
    const ids = ['tele-a', 'tele-b', 'tele-c'];
    const t0 = Date.now();
    for (const id of ids) await producer.publish(CHANNELS.machines, JSON.stringify(machine({ id, updatedAt: t0, readings: { tempC: 0 } })));
    await eventually(() => expect(screens.every((s) => ids.every((id) => s.feed.mirror.machines.has(id)))).toBe(true));
    const seqBefore = screens.map((s) => s.feed.mirror.seq);
    const eventsBefore = screens.map((s) => s.events.length);
    for (const s of screens) s.readings.length = 0;
    // The pacing is timed where it happens, on the hub (one screen's socket there sees every broadcast frame):
    // arrival times at the clients, in this same busy process, bunch up when the event loop stalls.
    // (Exact pacing on a fake clock: telemetry-coalescer.test.ts.)
    const [probe] = hub.io.of('/board').sockets.values();
    const sent: { at: number; ids: string[] }[] = [];
    const onSent = (event: string, ...args: unknown[]) => {
      if (event === 'readings') sent.push({ at: performance.now(), ids: (args[0] as ReadingsUpdate[]).map((u) => u.id) });
    };
    probe!.onAnyOutgoing(onSent);
    const started = Date.now();
    // 40 rounds 50 ms apart: 20 a second from each machine, for 2 s.
    for (let i = 1; i <= 40; i++) {
      const due = started + i * 50;
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
      for (const id of ids) await producer.publish(CHANNELS.machines, JSON.stringify(machine({ id, updatedAt: t0 + i, readings: { tempC: i } })));
    }
    await eventually(() => expect(screens.every((s) => ids.every((id) => s.feed.mirror.machines.get(id)?.readings?.tempC === 40))).toBe(true));
    probe!.offAnyOutgoing(onSent);
    // Frames leave at least 250 ms apart by the hub's timer clock; the first one, sent at once, may leave on a loop
    // turn whose timer clock lags the real one, so one frame more than the span alone allows is tolerated.
    const span = sent.at(-1)!.at - sent[0]!.at;
    const bound = 2 + Math.floor(span / 250);
    for (const id of ids) {
      const frames = sent.filter((f) => f.ids.includes(id)).length;
      expect(frames, `${id}: ${frames} frames over ${Math.round(span)} ms on the hub`).toBeLessThanOrEqual(bound);
    }
    // Every screen got exactly the hub's frames, no more.
    for (const s of screens) expect(s.readings.map((f) => f.ids)).toEqual(sent.map((f) => f.ids));
    // Telemetry took no seq: no screen saw a change, a gap or a resync.
    expect(screens.map((s) => s.feed.mirror.seq)).toEqual(seqBefore);
    expect(screens.map((s) => s.events.length)).toEqual(eventsBefore);
    expect(screens.every((s) => s.feed.resyncs === 0)).toBe(true);
    // A screen arriving now gets the newest readings in its snapshot.
    const [late] = await connectScreens(hub.url, 1);
    try {
      expect(late!.feed.mirror.machines.get('tele-b')?.readings).toEqual({ tempC: 40 });
    } finally {
      closeScreens([late!]);
    }
  });

  it('gives every screen the same gap-free seq as GET /api/board', async () => {
    const board = (await (await fetch(`${hub.url}/api/board`)).json()) as { seq: number };
    await eventually(() => expect(screens.every((s) => s.feed.mirror.seq === board.seq)).toBe(true));
    expect(screens.every((s) => s.feed.resyncs === 0)).toBe(true);
    const seqs = screens[0]!.events.filter((e) => e.name !== 'snapshot').map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
  });
});

describe('fan-out in embedded mode (no Redis)', () => {
  let hub: Hub;
  let screens: Screen[];

  beforeAll(async () => {
    hub = await startTestHub();
    screens = await connectScreens(hub.url, SCREENS);
  });
  afterAll(async () => {
    closeScreens(screens);
    await hub.close();
  });

  it(`delivers an order posted to POST /api/orders to ${SCREENS} screens`, async () => {
    const o = order();
    expect((await post(`${hub.url}/api/orders`, o)).status).toBe(200);
    await eventually(() => everyScreenHas(screens, o.id));
    const board = (await (await fetch(`${hub.url}/api/board`)).json()) as { orders: unknown[] };
    expect(board.orders).toEqual([o]);
  });

  it("lets go of each screen's HTTP upgrade request once connected, keeping what the handshake needs", () => {
    const sockets = [...hub.io.of('/board').sockets.values()];
    expect(sockets).toHaveLength(SCREENS);
    for (const socket of sockets) {
      expect(socket.conn.request).not.toBeInstanceOf(IncomingMessage);
      expect(socket.handshake.headers.host).toBe(new URL(hub.url).host);
      expect(socket.handshake.query).toMatchObject({ EIO: '4', transport: 'websocket' });
    }
  });
});

describe('frames to screens', () => {
  let hub: Hub;
  let screens: Screen[];
  beforeAll(async () => {
    hub = await startTestHub();
    screens = await connectScreens(hub.url, 3);
  });
  afterAll(async () => {
    closeScreens(screens);
    await hub.close();
  });

  it('sends a change after a quiet spell at once, on its own, and a burst in batch frames, in seq order', async () => {
    const [probe] = screens;
    const framesBefore = probe!.frames.batches;
    const lone = order();
    await post(`${hub.url}/api/orders`, lone);
    await eventually(() => everyScreenHas(screens, lone.id));
    expect(probe!.frames.batches).toBe(framesBefore);
    expect(probe!.events.at(-1)).toMatchObject({ name: 'order', id: lone.id });

    // A burst from one producer: 300 changes as fast as the store takes them.
    const burst = Array.from({ length: 300 }, () => order());
    const from = probe!.events.length;
    await Promise.all(burst.map((o) => post(`${hub.url}/api/orders`, o)));
    await eventually(() => {
      for (const o of burst) everyScreenHas(screens, o.id);
    });
    const received = probe!.events.slice(from);
    expect(received).toHaveLength(300);
    expect(received.map((e) => e.seq)).toEqual(received.map((_, i) => received[0]!.seq + i));
    expect(probe!.frames.batches - framesBefore).toBeGreaterThan(0);
    for (const s of screens) expect(s.feed.mirror.snapshot()).toEqual(hub.board.snapshot());
  });
});
