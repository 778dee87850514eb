import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Order } from '../shared/schemas/order.js';
import type { Run } from '../shared/schemas/run.js';
import type { Hub } from '../server/hub.js';
import { TEST_TOKEN, post, startTestHub, tempDir } from './helpers/hub.js';
import { eventually } from './helpers/screens.js';
import { FileEventLog } from '../server/state/embedded/event-log.js';
import pino from 'pino';

// A day on the planner, through the real doors: orders by REST, machines reporting, staff loading and unloading
// by the runs API. The menu: totes printed to order in runs of 4 (6 min), buns baked in trays of 12 (20 min).
const MENU = [
  {
    sku: 'tote',
    name: 'Tote',
    variants: [{ id: 'sand', name: 'Sand' }],
    runSize: 4,
    runQuantity: 40,
    production: 'to-order',
    runMinutes: 6,
    machineKind: 'printer',
  },
  { sku: 'bun', name: 'Bun', runSize: 12, runQuantity: 48, production: 'batch', runMinutes: 20, machineKind: 'oven' },
];

function config(): string {
  const file = path.join(tempDir(), 'store.json');
  writeFileSync(file, JSON.stringify({ catalogue: MENU, planner: { enabled: true, slackMinutes: 5 }, promiseMinutes: 30 }));
  return file;
}

const AUTH = { authorization: `Bearer ${TEST_TOKEN}` };
let n = 0;
const order = (sku: string, qty: number, variant?: string): Order => ({
  id: `p-${++n}`,
  number: `P${n}`,
  items: [{ sku, qty, ...(variant ? { variant } : {}) }],
  status: 'queued',
  updatedAt: Date.now(),
});

async function runs(hub: Hub): Promise<Run[]> {
  return ((await (await fetch(`${hub.url}/api/runs`, { headers: AUTH })).json()) as { data: { runs: Run[] } }).data.runs;
}

async function status(hub: Hub, id: string): Promise<string | undefined> {
  const board = (await (await fetch(`${hub.url}/api/board`)).json()) as { orders: Order[] };
  return board.orders.find((o) => o.id === id)?.status;
}

describe('a day on the planner', () => {
  const dataDir = tempDir();
  const file = config();
  let hub: Hub;
  afterAll(async () => {
    await hub?.close();
  });

  it('groups tote orders into a run of 4 on the printer, moves them as staff load and unload it, and plans a tray when buns are ordered', async () => {
    hub = await startTestHub({ DATA_DIR: dataDir, CONFIG: file });
    const t = Date.now();
    for (const [id, kind] of [
      ['printer-1', 'printer'],
      ['oven-1', 'oven'],
    ] as const) {
      expect((await post(`${hub.url}/api/machines`, { id, kind, state: 'idle', updatedAt: t })).status).toBe(200);
    }
    // 1 + 2 + 1 sand totes fill one run of 4: formed at once, on the free printer, the orders in arrival order.
    const totes = [order('tote', 1, 'sand'), order('tote', 2, 'sand'), order('tote', 1, 'sand')];
    for (const o of totes) expect((await post(`${hub.url}/api/orders`, o)).status).toBe(200);
    await eventually(async () => {
      const planned = (await runs(hub)).filter((r) => r.sku === 'tote');
      expect(planned).toHaveLength(1);
      expect(planned[0]).toMatchObject({
        status: 'planned',
        variant: 'sand',
        qty: 4,
        machine: 'printer-1',
        allocations: totes.map((o) => ({ orderId: o.id, qty: o.items[0]!.qty })),
      });
    });
    const run = (await runs(hub)).find((r) => r.sku === 'tote')!;
    expect(run.id.startsWith('plan-')).toBe(true);

    expect((await post(`${hub.url}/api/runs/${run.id}/start`, { machine: 'printer-1' })).status).toBe(200);
    await eventually(async () => expect(await Promise.all(totes.map((o) => status(hub, o.id)))).toEqual(['in_production', 'in_production', 'in_production']));
    expect((await post(`${hub.url}/api/runs/${run.id}/finish`, { produced: 4, wasted: 0 })).status).toBe(200);
    await eventually(async () => expect(await Promise.all(totes.map((o) => status(hub, o.id)))).toEqual(['ready', 'ready', 'ready']));

    // Nothing ordered of buns yet: no tray. Two buns ordered: a tray of 12 on the oven, holding them.
    expect((await runs(hub)).filter((r) => r.sku === 'bun')).toEqual([]);
    const buns = order('bun', 2);
    expect((await post(`${hub.url}/api/orders`, buns)).status).toBe(200);
    await eventually(async () => {
      const trays = (await runs(hub)).filter((r) => r.sku === 'bun');
      expect(trays.length).toBeGreaterThanOrEqual(1);
      expect(trays[0]).toMatchObject({ status: 'planned', qty: 12, machine: 'oven-1', allocations: [{ orderId: buns.id, qty: 2 }] });
    });
  });

  it('plans the same after a restart: the plan is made from what the board holds, not from what a process remembers', async () => {
    const before = await runs(hub);
    expect(before.length).toBeGreaterThan(0);
    await hub.close();
    hub = await startTestHub({ DATA_DIR: dataDir, CONFIG: file });
    // The restarted hub plans once at start; a change would be written with a new updatedAt.
    await eventually(async () => expect(await runs(hub)).toEqual(before));
  });

  it('serves a bun order from the shelf at once when a tray came out with units no order holds', async () => {
    const tray = (await runs(hub)).find((r) => r.sku === 'bun')!;
    expect((await post(`${hub.url}/api/runs/${tray.id}/start`, { machine: 'oven-1' })).status).toBe(200);
    expect((await post(`${hub.url}/api/runs/${tray.id}/finish`, { produced: 12, wasted: 0 })).status).toBe(200);
    const late = order('bun', 3);
    expect((await post(`${hub.url}/api/orders`, late)).status).toBe(200);
    await eventually(async () => expect(await status(hub, late.id)).toBe('ready'));
  });
});

describe('the planner reads earlier days from the event log', () => {
  let hub: Hub | undefined;
  afterAll(async () => {
    await hub?.close();
  });

  it('bakes a tray ahead of the hour in which yesterday sold buns, before anyone orders one today', async () => {
    const dataDir = tempDir();
    // Yesterday, 24 buns were ordered in this hour of the day and 24 in the next (and today nobody has yet): the
    // coming hour, whatever minute it starts at, expects 24.
    const log = new FileEventLog(dataDir, pino({ level: 'silent' }), 30);
    const hourYesterday = Math.floor((Date.now() - 24 * 3_600_000) / 3_600_000) * 3_600_000;
    const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    // After 23:00 the next hour of the day is yesterday's first (still yesterday, not today).
    const nextHourYesterday = hourYesterday + 3_600_000 < today ? hourYesterday + 3_600_000 : hourYesterday + 3_600_000 - 86_400_000;
    for (let i = 0; i < 8; i++) {
      const at = (i < 4 ? hourYesterday : nextHourYesterday) + i * 60_000;
      const o: Order = { id: `y-${i}`, number: `Y${i}`, items: [{ sku: 'bun', qty: 6 }], status: 'queued', updatedAt: at };
      await log.append({ type: 'order', seq: i + 1, order: o, at });
    }
    const file = path.join(tempDir(), 'store.json');
    const planner = (profileDays: number) => ({
      catalogue: MENU,
      planner: { enabled: true, slackMinutes: 5, profileDays },
      promiseMinutes: 30,
      timeZone: 'UTC',
    });
    writeFileSync(file, JSON.stringify(planner(7)));
    hub = await startTestHub({ DATA_DIR: dataDir, CONFIG: file });
    expect((await post(`${hub.url}/api/machines`, { id: 'oven-1', kind: 'oven', state: 'idle', updatedAt: Date.now() })).status).toBe(200);
    // The profile says 24 buns in the coming hour, 0.4 a minute: a tray out in 20 min covers the 8 expected by then,
    // and a second, out in 40 min, the 16 by then; two planned at most. No order waits for either.
    await eventually(async () =>
      expect((await runs(hub!)).filter((r) => r.sku === 'bun').map((r) => [r.qty, r.allocations.length, r.machine])).toEqual([
        [12, 0, 'oven-1'],
        [12, 0, 'oven-1'],
      ]),
    );
    await hub.close();
    // The same store without the profile (profileDays 0) plans nothing for buns until someone orders.
    const fresh = tempDir();
    writeFileSync(file, JSON.stringify(planner(0)));
    hub = await startTestHub({ DATA_DIR: fresh, CONFIG: file });
    expect((await post(`${hub.url}/api/machines`, { id: 'oven-1', kind: 'oven', state: 'idle', updatedAt: Date.now() })).status).toBe(200);
    const tote = order('tote', 4, 'sand');
    expect((await post(`${hub.url}/api/orders`, tote)).status).toBe(200);
    // A later change has been planned (the tote run) by the time the bun shelf is looked at again.
    await eventually(async () => expect((await runs(hub!)).some((r) => r.sku === 'tote')).toBe(true));
    expect((await runs(hub)).filter((r) => r.sku === 'bun')).toEqual([]);
  });
});
