import { describe, expect, it } from 'vitest';
import type { Product } from '../shared/schemas/catalogue.js';
import type { Order } from '../shared/schemas/order.js';
import type { Run } from '../shared/schemas/run.js';
import { RunEconomics } from '../server/insight/run-economics.js';

// A morning worked out by hand. Buns: runs of 12, sold at 4, costing 1 each, the oven at 6 an hour.
const BUN: Product = {
  sku: 'bun',
  name: 'Bun',
  variants: [],
  runSize: 12,
  runQuantity: 120,
  production: 'batch',
  runMinutes: 20,
  unitPrice: 4,
  unitCost: 1,
  machineCostPerHour: 6,
};
const TOTE: Product = { sku: 'tote', name: 'Tote', variants: [], runSize: 4, runQuantity: 30, production: 'to-order', runMinutes: 6 };
const DAY = Date.UTC(2026, 11, 3);
const T0 = DAY + 9 * 3_600_000; // 09:00
const s = (seconds: number) => T0 + seconds * 1000;

const order = (id: string, qty: number, status: Order['status'], at: number, sku = 'bun'): Order => ({
  id,
  number: id,
  items: [{ sku, qty }],
  status,
  updatedAt: at,
});

function morning(): RunEconomics {
  const e = new RunEconomics([BUN, TOTE]);
  // o1 (2 buns) comes at 09:00, o2 (3 buns) at 09:01, o3 (1 bun) at 09:02 and is cancelled.
  e.observeOrder(order('o1', 2, 'queued', s(0)));
  e.observeOrder(order('o2', 3, 'queued', s(60)));
  e.observeOrder(order('o3', 1, 'queued', s(120)));
  e.observeOrder(order('o3', 1, 'cancelled', s(130)));
  const planned: Run = {
    id: 'r1',
    sku: 'bun',
    qty: 12,
    status: 'planned',
    allocations: [
      { orderId: 'o1', qty: 2 },
      { orderId: 'o2', qty: 3 },
      { orderId: 'o3', qty: 1 },
    ],
    plannedStart: s(120),
    updatedAt: s(120),
  };
  e.observeRun(planned);
  // In the oven 09:02 to 09:22, 12 out, one dropped.
  e.observeRun({ ...planned, status: 'running', machine: 'oven-1', startedAt: s(120), endsAt: s(1320), updatedAt: s(120) });
  e.observeRun({
    ...planned,
    status: 'done',
    machine: 'oven-1',
    startedAt: s(120),
    endsAt: s(1320),
    doneAt: s(1320),
    produced: 12,
    wasted: 1,
    updatedAt: s(1320),
  });
  // o1 picked up at 09:25, o2 at 09:30.
  e.observeOrder(order('o1', 2, 'picked_up', s(1500)));
  e.observeOrder(order('o2', 3, 'picked_up', s(1800)));
  return e;
}

describe('the unit economics of production runs', () => {
  it('works out a run: fill, machine time, gross margin, time to fulfilment', () => {
    const day = morning().compute(s(2400), DAY);
    expect(day.recent).toEqual([
      {
        id: 'r1',
        sku: 'bun',
        machine: 'oven-1',
        qty: 12,
        produced: 12,
        wasted: 1,
        // o1 and o2: o3 was cancelled.
        sold: 5,
        fillRate: 1,
        machineMinutes: 20,
        // 4 × 5 − 1 × 12 − (20 min at 6 an hour = 2) = 6
        grossMargin: 6,
        // o1 came at 09:00, o2 was picked up last at 09:30.
        fulfilmentSeconds: 1800,
        doneAt: s(1320),
      },
    ]);
  });

  it('works out the day: units, margin per run, shelf time and machine use from runs', () => {
    const day = morning().compute(s(2400), DAY);
    expect(day).toMatchObject({ runs: 1, unitsMade: 12, unitsSold: 5, unitsWasted: 1, grossMarginPerRun: { p50: 6, total: 6 } });
    // Out at 09:22; o1's 2 waited 180 s, o2's 3 waited 480 s: (2 × 180 + 3 × 480) / 5 = 360 s.
    expect(day.inventoryVelocitySeconds).toBe(360);
    // The oven ran 09:02–09:22 of 09:02–09:40: 1200 / 2280.
    expect(day.machineUtilisation['oven-1']).toBeCloseTo(1200 / 2280, 10);
  });

  it('leaves out what it cannot know: no margin without prices, no fulfilment before every pickup, nothing of yesterday', () => {
    const e = new RunEconomics([BUN, TOTE]);
    e.observeOrder(order('t1', 1, 'queued', s(0), 'tote'));
    e.observeRun({
      id: 'r2',
      sku: 'tote',
      qty: 1,
      status: 'done',
      machine: 'printer-1',
      allocations: [{ orderId: 't1', qty: 1 }],
      plannedStart: s(0),
      startedAt: s(10),
      doneAt: s(370),
      produced: 1,
      wasted: 0,
      updatedAt: s(370),
    });
    e.observeRun({
      id: 'r0',
      sku: 'bun',
      qty: 12,
      status: 'done',
      allocations: [],
      plannedStart: DAY - 3_600_000,
      doneAt: DAY - 60_000,
      produced: 12,
      updatedAt: DAY - 60_000,
    });
    const day = e.compute(s(400), DAY);
    expect(day.recent.map((r) => r.id)).toEqual(['r2']);
    expect(day.recent[0]).toMatchObject({ grossMargin: null, fulfilmentSeconds: null, fillRate: 0.25 });
    expect(day.grossMarginPerRun).toEqual({ p50: null, total: null });
    expect(day.inventoryVelocitySeconds).toBeNull();
  });
});
