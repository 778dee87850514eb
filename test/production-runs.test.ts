import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS } from '../shared/protocol.js';
import type { Order } from '../shared/schemas/order.js';
import type { Run } from '../shared/schemas/run.js';
import type { LoggedEvent } from '../shared/schemas/event-log.js';
import type { Hub } from '../server/hub.js';
import { order } from './helpers/fixtures.js';
import { TEST_TOKEN, post, startTestHub } from './helpers/hub.js';
import { TestRedis } from './helpers/redis-server.js';
import { closeScreens, connectScreens, eventually, type Screen } from './helpers/screens.js';

// Production runs through the real doors: orders by REST (or Redis pub/sub), runs by the runs API and by
// machine events naming a run (`batch.runId`), seen by real socket.io screens. The sample menu: totes are
// printed to order (runMinutes 6), buns are baked in batches of 12 (runMinutes 20).

const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };

async function runs(hub: Hub): Promise<Run[]> {
  const body = (await (await fetch(`${hub.url}/api/runs`, { headers: AUTH })).json()) as { data: { runs: Run[] } };
  return body.data.runs;
}

async function placed(hub: Hub, orders: Order[]): Promise<void> {
  for (const o of orders) expect((await post(`${hub.url}/api/orders`, o)).status).toBe(200);
}

function readyEvents(screen: Screen, id: string) {
  return screen.events.filter((e) => e.name === 'order' && e.id === id && e.status === 'ready');
}

describe('production runs on one hub', () => {
  let hub: Hub;
  let screens: Screen[];
  beforeAll(async () => {
    hub = await startTestHub();
    screens = await connectScreens(hub.url, 2);
  });
  afterAll(async () => {
    closeScreens(screens);
    await hub.close();
  });

  it('plans, loads and unloads a run through the API; unloading makes its orders ready, once; each step answers a second tap with 409', async () => {
    const totes = [1, 2, 1].map((qty) => order({ items: [{ sku: 'tote-print', variant: 'sand', qty }], updatedAt: Date.now() }));
    await placed(hub, totes);
    const made = await post(`${hub.url}/api/runs`, {
      id: 'run-totes',
      sku: 'tote-print',
      variant: 'sand',
      qty: 4,
      allocations: totes.map((o) => ({ orderId: o.id, qty: o.items[0]!.qty })),
    });
    expect(made).toMatchObject({ status: 201, json: { data: { run: { id: 'run-totes', status: 'planned', qty: 4 } } } });
    await eventually(() => expect(screens.every((s) => s.feed.mirror.runs.get('run-totes')?.status === 'planned')).toBe(true));

    const started = await post(`${hub.url}/api/runs/run-totes/start`, { machine: 'printer-1' });
    expect(started.status).toBe(200);
    const running = (started.json as { data: { run: Run } }).data.run;
    // The sample tote prints in 6 minutes.
    expect(running).toMatchObject({ status: 'running', machine: 'printer-1' });
    expect(running.endsAt! - running.startedAt!).toBe(6 * 60_000);
    expect(await post(`${hub.url}/api/runs/run-totes/start`, { machine: 'printer-1' })).toMatchObject({
      status: 409,
      json: { error: { code: 'run_moved', params: { status: 'running' } } },
    });
    expect((await runs(hub)).map((r) => [r.id, r.status])).toEqual([['run-totes', 'running']]);

    const finished = await post(`${hub.url}/api/runs/run-totes/finish`, { produced: 4, wasted: 0 });
    expect(finished).toMatchObject({ status: 200, json: { data: { run: { status: 'done', produced: 4, wasted: 0 } } } });
    expect(await post(`${hub.url}/api/runs/run-totes/finish`, { produced: 4 })).toMatchObject({
      status: 409,
      json: { error: { code: 'run_moved', params: { status: 'done' } } },
    });

    await eventually(() => expect(screens.every((s) => totes.every((o) => s.feed.mirror.orders.get(o.id)?.status === 'ready'))).toBe(true));
    for (const s of screens) for (const o of totes) expect(readyEvents(s, o.id)).toHaveLength(1);
    // Done: off the board and its list; the event log keeps each step for the figures and the export.
    await eventually(() => expect(screens.every((s) => !s.feed.mirror.runs.has('run-totes'))).toBe(true));
    expect(await runs(hub)).toEqual([]);
    const exported = await (await fetch(`${hub.url}/api/export?format=ndjson`, { headers: AUTH })).text();
    const steps = exported
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LoggedEvent)
      .flatMap((e) => (e.type === 'run' && e.run.id === 'run-totes' ? [e.run.status] : []));
    expect(steps).toEqual(['planned', 'running', 'done']);
    // The day's run figures on /metrics: one run, 4 made, all 4 sold, none wasted.
    await eventually(async () => {
      const metrics = await (await fetch(`${hub.url}/metrics`)).text();
      expect(metrics).toContain('batchboard_runs_today 1');
      expect(metrics).toContain('batchboard_run_units_today{kind="made"} 4');
      expect(metrics).toContain('batchboard_run_units_today{kind="sold"} 4');
      expect(metrics).toContain('batchboard_run_units_today{kind="wasted"} 0');
    });
  });

  it('starts and finishes a run from machine events that name it (batch.runId)', async () => {
    const buns = [
      order({ items: [{ sku: 'cardamom-bun', qty: 2 }], updatedAt: Date.now() }),
      order({ items: [{ sku: 'cardamom-bun', qty: 3 }], updatedAt: Date.now() }),
    ];
    await placed(hub, buns);
    await post(`${hub.url}/api/runs`, {
      id: 'run-buns',
      sku: 'cardamom-bun',
      qty: 12,
      allocations: buns.map((o) => ({ orderId: o.id, qty: o.items[0]!.qty })),
    });
    const t = Date.now();
    const batch = { sku: 'cardamom-bun', qty: 12, startedAt: t, endsAt: t + 20 * 60_000, runId: 'run-buns' };
    await post(`${hub.url}/api/machines`, { id: 'oven-1', kind: 'oven', state: 'running', batch, updatedAt: t });
    await eventually(async () =>
      expect((await runs(hub)).find((r) => r.id === 'run-buns')).toMatchObject({ status: 'running', machine: 'oven-1', startedAt: t, endsAt: t + 20 * 60_000 }),
    );
    await post(`${hub.url}/api/machines`, { id: 'oven-1', kind: 'oven', state: 'unloading', batch, updatedAt: t + 1 });
    await eventually(() => expect(screens.every((s) => buns.every((o) => s.feed.mirror.orders.get(o.id)?.status === 'ready'))).toBe(true));
    await eventually(() => expect(screens.every((s) => !s.feed.mirror.runs.has('run-buns'))).toBe(true));
  });

  it('refuses a run that allocates more than it makes, naming the field', async () => {
    const res = await post(`${hub.url}/api/runs`, { sku: 'tote-print', qty: 2, allocations: [{ orderId: 'a', qty: 3 }] });
    expect(res).toMatchObject({ status: 400, json: { error: { code: 'invalid_input' } } });
    expect(JSON.stringify(res.json)).toContain('allocations');
  });
});

describe('production runs on two hubs sharing Redis', () => {
  let redis: TestRedis;
  let hubs: Hub[];
  let screens: Screen[];
  beforeAll(async () => {
    redis = await TestRedis.start();
    hubs = [await startTestHub({ REDIS_URL: redis.url, HUB_ID: 'hub-a' }), await startTestHub({ REDIS_URL: redis.url, HUB_ID: 'hub-b' })];
    screens = (await Promise.all(hubs.map((h) => connectScreens(h.url, 2)))).flat();
  });
  afterAll(async () => {
    closeScreens(screens ?? []);
    for (const h of hubs ?? []) await h.close();
    await redis.destroy();
  });

  it('a run finished by a machine event every hub hears makes its orders ready on every screen exactly once', async () => {
    const [a] = hubs;
    const buns = [
      order({ items: [{ sku: 'cardamom-bun', qty: 4 }], updatedAt: Date.now() }),
      order({ items: [{ sku: 'cardamom-bun', qty: 8 }], updatedAt: Date.now() }),
    ];
    await placed(a!, buns);
    await post(`${a!.url}/api/runs`, {
      id: 'run-shared',
      sku: 'cardamom-bun',
      qty: 12,
      allocations: buns.map((o) => ({ orderId: o.id, qty: o.items[0]!.qty })),
    });
    const t = Date.now();
    const batch = { sku: 'cardamom-bun', qty: 12, startedAt: t, endsAt: t + 60_000, runId: 'run-shared' };
    const producer = redis.client();
    try {
      // Pub/sub: both hubs take the message, both hear the machine change, both try to move the run.
      await producer.publish(CHANNELS.machines, JSON.stringify({ id: 'oven-1', kind: 'oven', state: 'running', batch, updatedAt: t }));
      await eventually(() => expect(screens.every((s) => s.feed.mirror.runs.get('run-shared')?.status === 'running')).toBe(true));
      await producer.publish(CHANNELS.machines, JSON.stringify({ id: 'oven-1', kind: 'oven', state: 'unloading', batch, updatedAt: t + 1 }));
    } finally {
      producer.disconnect();
    }
    await eventually(() => expect(screens.every((s) => buns.every((o) => s.feed.mirror.orders.get(o.id)?.status === 'ready'))).toBe(true));
    await eventually(() => expect(screens.every((s) => !s.feed.mirror.runs.has('run-shared'))).toBe(true));
    for (const s of screens) {
      for (const o of buns) expect(readyEvents(s, o.id)).toHaveLength(1);
      expect(s.events.filter((e) => e.name === 'run' && e.id === 'run-shared').map((e) => e.status)).toEqual(['planned', 'running', 'done']);
    }
  });
});
