import { describe, expect, it } from 'vitest';
import { plan } from '../server/production/planner.js';
import type { ActiveOrder, PlanInput, PlanResult } from '../server/production/plan-types.js';
import type { Product } from '../shared/schemas/catalogue.js';
import type { Order } from '../shared/schemas/order.js';
import { Run } from '../shared/schemas/run.js';
import { Floor, plannerStrategy, simulateDay, type Arrival } from './helpers/production-floor.js';

const DAY = Date.UTC(2026, 11, 3);
const at = (hhmm: string) => DAY + (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * 60_000;

function product(sku: string, production: Product['production'], more: Partial<Product> = {}): Product {
  const oven = production === 'batch';
  return {
    sku,
    name: sku,
    variants: [],
    runSize: oven ? 12 : 4,
    runQuantity: 120,
    production,
    runMinutes: oven ? 20 : 6,
    machineKind: oven ? 'oven' : 'printer',
    ...more,
  };
}
const BUN = product('bun', 'batch');
const KNOT = product('knot', 'batch');
const TOTE = product('tote', 'to-order', { runQuantity: 30 });

function order(id: string, sku: string, qty: number, arrived: string, more: Partial<Order> = {}): ActiveOrder {
  return { order: { id, number: id, items: [{ sku, qty }], status: 'queued', updatedAt: at(arrived), ...more }, arrivedAt: at(arrived) };
}

function input(now: string, more: Partial<PlanInput> = {}): PlanInput {
  return {
    now: at(now),
    catalogue: [BUN, TOTE],
    machines: [
      { id: 'oven-1', kind: 'oven', state: 'idle' },
      { id: 'printer-1', kind: 'printer', state: 'idle' },
    ],
    orders: [],
    runs: [],
    madeToday: new Map(),
    onShelf: new Map(),
    demandLastHour: new Map(),
    options: { slackMinutes: 5, promiseMinutes: 20 },
    ...more,
  };
}

function running(id: string, sku: string, machine: string, started: string, ends: string, qty = 12, allocations: Run['allocations'] = []): Run {
  return { id, sku, qty, machine, status: 'running', allocations, plannedStart: at(started), startedAt: at(started), endsAt: at(ends), updatedAt: at(started) };
}

/** Every run the planner writes must pass the contract's own schema. */
function valid(result: PlanResult): PlanResult {
  for (const run of result.runs) Run.parse(run);
  return result;
}

describe('planner: to-order SKUs', () => {
  it('groups waiting tote orders of 1, 2 and 1 into one run of 4 at the printer’s free time', () => {
    // Totes: runSize 4. Orders A (1), B (2), C (1) waiting = 4 units = one full run. The printer is running until
    // 12:10, so the run is planned on printer-1 at 12:10 with A 1, B 2, C 1, earliest first.
    const result = valid(
      plan(
        input('12:03', {
          orders: [order('C', 'tote', 1, '12:02'), order('A', 'tote', 1, '12:00'), order('B', 'tote', 2, '12:01')],
          runs: [running('r0', 'tote', 'printer-1', '12:04', '12:10', 4, [{ orderId: 'Z', qty: 4 }])],
        }),
      ),
    );
    expect(result.runs).toEqual([
      {
        id: 'plan-tote-_-1',
        sku: 'tote',
        qty: 4,
        machine: 'printer-1',
        status: 'planned',
        allocations: [
          { orderId: 'A', qty: 1 },
          { orderId: 'B', qty: 2 },
          { orderId: 'C', qty: 1 },
        ],
        plannedStart: at('12:10'),
        updatedAt: at('12:03'),
      },
    ]);
    expect(result.allocations.map((a) => `${a.runId}:${a.orderId}:${a.qty}`)).toEqual(['plan-tote-_-1:A:1', 'plan-tote-_-1:B:2', 'plan-tote-_-1:C:1']);
  });

  it('forms a short run for a lone order once its slack falls to the threshold, and says when that will be', () => {
    // Order A at 12:00, promised 12:20 (promiseMinutes 20); a tote takes 6 minutes, the threshold is 5 minutes.
    // At 12:08 its slack is 12:20 − 12:08 − 6 = 6 min: it waits, and the plan asks to be woken at 12:09.
    // At 12:09 the slack is 5 min: a run of 1 on the idle printer, now.
    const waiting = [order('A', 'tote', 1, '12:00')];
    const early = valid(plan(input('12:08', { orders: waiting })));
    expect(early.runs).toEqual([]);
    expect(early.wakeAt).toBe(at('12:09'));
    const due = valid(plan(input('12:09', { orders: waiting })));
    expect(due.runs.map((r) => [r.id, r.qty, r.machine, r.plannedStart, r.allocations])).toEqual([
      ['plan-tote-_-1', 1, 'printer-1', at('12:09'), [{ orderId: 'A', qty: 1 }]],
    ]);
    expect(due.wakeAt).toBeUndefined();
  });

  it('a promisedAt counts instead of the default promise', () => {
    // Promised for 12:15: slack at 12:03 is 12:15 − 12:03 − 6 = 6 min (waits); at 12:04 it is 5 min: a run.
    const waiting = [order('A', 'tote', 1, '12:00', { promisedAt: at('12:15') })];
    expect(plan(input('12:03', { orders: waiting })).runs).toEqual([]);
    expect(plan(input('12:04', { orders: waiting })).runs).toHaveLength(1);
  });

  it('a later order joins a planned short run up to runSize before a new run is formed', () => {
    // plan-tote-_-1 was planned for A (1). B (2) and C (2) arrive: B fills it to 3, C’s first unit to 4 (runSize), and
    // C’s second unit waits (1 unit, slack 12:22 − 12:03 − 6 = 13 min: no run yet). C is split over two runs.
    const planned: Run = {
      id: 'plan-tote-_-1',
      sku: 'tote',
      qty: 1,
      machine: 'printer-1',
      status: 'planned',
      allocations: [{ orderId: 'A', qty: 1 }],
      plannedStart: at('12:02'),
      updatedAt: at('12:02'),
    };
    const result = valid(
      plan(input('12:03', { orders: [order('A', 'tote', 1, '12:00'), order('B', 'tote', 2, '12:01'), order('C', 'tote', 2, '12:02')], runs: [planned] })),
    );
    expect(result.runs.map((r) => [r.id, r.qty, r.plannedStart, r.allocations])).toEqual([
      [
        'plan-tote-_-1',
        4,
        at('12:03'),
        [
          { orderId: 'A', qty: 1 },
          { orderId: 'B', qty: 2 },
          { orderId: 'C', qty: 1 },
        ],
      ],
    ]);
    // Now C's last unit alone: at 12:11 slack is 12:22 − 12:11 − 6 = 5 min: a new run, numbered after the first.
    const after = plan(
      input('12:11', {
        orders: [order('C', 'tote', 2, '12:02')],
        runs: [{ ...result.runs[0]!, status: 'running', startedAt: at('12:03'), endsAt: at('12:09') }],
      }),
    );
    expect(after.runs.map((r) => [r.id, r.qty, r.allocations])).toEqual([['plan-tote-_-2', 1, [{ orderId: 'C', qty: 1 }]]]);
  });

  it('calls off its own planned run when its orders are no longer waiting (moved by hand)', () => {
    const planned: Run = {
      id: 'plan-tote-_-1',
      sku: 'tote',
      qty: 1,
      machine: 'printer-1',
      status: 'planned',
      allocations: [{ orderId: 'A', qty: 1 }],
      plannedStart: at('12:02'),
      updatedAt: at('12:02'),
    };
    const result = valid(plan(input('12:03', { orders: [order('A', 'tote', 1, '12:00', { status: 'ready' })], runs: [planned] })));
    expect(result.runs.map((r) => [r.id, r.status, r.allocations])).toEqual([['plan-tote-_-1', 'cancelled', []]]);
  });
});

describe('planner: batch SKUs', () => {
  it('plans runs of runSize at the oven’s free time while the shelf is below the demand expected until they come out', () => {
    // Buns: 24 sold in the last hour = 0.4 a minute; 4 on the shelf; the oven is busy with knots until 12:10.
    // A run planned now would start at 12:10 and come out at 12:30: 30 min × 0.4 = 12 expected > 4 → bun run 1 at
    // 12:10 (12 units). Now 16 unclaimed; a second run would come out at 12:50: 50 × 0.4 = 20 > 16 → bun run 2 at
    // 12:30. Two planned runs is the default most.
    const result = valid(
      plan(
        input('12:00', {
          catalogue: [BUN, KNOT, TOTE],
          runs: [running('k0', 'knot', 'oven-1', '11:50', '12:10')],
          onShelf: new Map([['bun', 4]]),
          demandLastHour: new Map([['bun', 24]]),
        }),
      ),
    );
    expect(result.runs.map((r) => [r.id, r.qty, r.machine, r.plannedStart])).toEqual([
      ['plan-bun-_-1', 12, 'oven-1', at('12:10')],
      ['plan-bun-_-2', 12, 'oven-1', at('12:30')],
    ]);
  });

  it('plans nothing while the shelf covers the demand expected until the next run would come out', () => {
    // Same oven (free at 12:10, a run out at 12:30: 12 expected); 12 on the shelf is not below 12.
    const result = plan(
      input('12:00', {
        catalogue: [BUN, KNOT],
        runs: [running('k0', 'knot', 'oven-1', '11:50', '12:10')],
        onShelf: new Map([['bun', 12]]),
        demandLastHour: new Map([['bun', 24]]),
      }),
    );
    expect(result.runs).toEqual([]);
  });

  it('waiting bun orders take units of the run in the oven first, then of planned runs', () => {
    // The bun run in the oven (12) has 10 allocated; order D (2) takes the last 2 there. E (3) finds none left and
    // the shelf is empty with no demand rate: one run of 12 is planned for its 3 at 12:20 (when the oven is free).
    const result = valid(
      plan(
        input('12:05', {
          orders: [order('D', 'bun', 2, '12:04'), order('E', 'bun', 3, '12:05')],
          runs: [running('b0', 'bun', 'oven-1', '12:00', '12:20', 12, [{ orderId: 'X', qty: 10 }])],
        }),
      ),
    );
    expect(result.runs.map((r) => [r.id, r.status, r.plannedStart, r.allocations])).toEqual([
      [
        'b0',
        'running',
        at('12:00'),
        [
          { orderId: 'X', qty: 10 },
          { orderId: 'D', qty: 2 },
        ],
      ],
      ['plan-bun-_-1', 'planned', at('12:20'), [{ orderId: 'E', qty: 3 }]],
    ]);
  });

  it('near closing a run makes only what the rest of the day is expected to take', () => {
    // Closing at 18:00, now 17:30, 48 an hour = 0.8 a minute, 2 on the shelf. A run now comes out at 17:50:
    // 20 × 0.8 = 16 expected > 2, so a run. The rest of the day is expected to take 30 × 0.8 = 24, surely
    // 24 − 3√24 ≈ 9.30; less 2 on the shelf, 7.30: a run of 8, not 12.
    const result = plan(
      input('17:30', {
        onShelf: new Map([['bun', 2]]),
        demandLastHour: new Map([['bun', 48]]),
        options: { slackMinutes: 5, promiseMinutes: 20, closesAt: at('18:00') },
      }),
    );
    expect(result.runs.map((r) => [r.id, r.qty])).toEqual([['plan-bun-_-1', 8]]);
  });

  it('near closing the day profile, not the last hour, says what the evening will take', () => {
    // 24 an hour today (12 in the 30 minutes left), 2 on the shelf; a run out at 17:50 meets 8 expected by then.
    // Earlier days say 20 more buns come after 17:30: surely 20 − 3√20 ≈ 6.58, less 2 on the shelf, 4.58: a run of 5.
    // With 6 expected, today's 12 counts: 12 − 3√12 ≈ 1.6 < 2 on the shelf: no run; a late order is made to order.
    const withProfile = (toClose: number) =>
      plan(
        input('17:30', {
          onShelf: new Map([['bun', 2]]),
          demandLastHour: new Map([['bun', 24]]),
          demandToClose: new Map([['bun', toClose]]),
          options: { slackMinutes: 5, promiseMinutes: 20, closesAt: at('18:00') },
        }),
      );
    expect(withProfile(20).runs.map((r) => [r.id, r.qty])).toEqual([['plan-bun-_-1', 5]]);
    expect(withProfile(6).runs).toEqual([]);
  });

  it('a day busier than the profile is not starved by it: today’s pace held for the coming hour counts', () => {
    // Closing at 19:00, now 17:30, 48 an hour today. The profile expects only 10 more to closing, but today's pace
    // over the coming hour is 48: surely 48 − 3√48 ≈ 27.2, less 2 on the shelf: a full run of 12 (and a second).
    const result = plan(
      input('17:30', {
        onShelf: new Map([['bun', 2]]),
        demandLastHour: new Map([['bun', 48]]),
        demandToClose: new Map([['bun', 10]]),
        options: { slackMinutes: 5, promiseMinutes: 20, closesAt: at('19:00') },
      }),
    );
    expect(result.runs.map((r) => [r.id, r.qty])).toEqual([
      ['plan-bun-_-1', 12],
      ['plan-bun-_-2', 12],
    ]);
  });
});

describe('planner: capacity and the day’s cap', () => {
  it('two SKUs on one oven queue one after the other', () => {
    // Buns and knots both at 12 an hour (0.2 a minute), empty shelves, one planned run each at most. Bun first (by
    // SKU): out at 12:20 → 4 expected > 0 → at 12:00. Knot: the oven is free at 12:20, out at 12:40 → 8 > 0 → at 12:20.
    const result = plan(
      input('12:00', {
        catalogue: [KNOT, BUN],
        demandLastHour: new Map([
          ['bun', 12],
          ['knot', 12],
        ]),
        options: { slackMinutes: 5, promiseMinutes: 20, maxPlannedBatchRuns: 1 },
      }),
    );
    expect(result.runs.map((r) => [r.id, r.machine, r.plannedStart])).toEqual([
      ['plan-bun-_-1', 'oven-1', at('12:00')],
      ['plan-knot-_-1', 'oven-1', at('12:20')],
    ]);
  });

  it('a machine in fault takes nothing: the run goes to the other machine of its kind', () => {
    const result = plan(
      input('12:00', {
        machines: [
          { id: 'printer-1', kind: 'printer', state: 'fault' },
          { id: 'printer-2', kind: 'printer', state: 'idle' },
        ],
        orders: [order('A', 'tote', 4, '11:59')],
      }),
    );
    expect(result.runs.map((r) => r.machine)).toEqual(['printer-2']);
  });

  it('the day’s cap stops planning: runs are cut to what is left of runQuantity, then none', () => {
    // Totes: runQuantity 30, 28 made today: 4 units waiting get a run of 2 (A's 2); B's 2 wait for nothing.
    const waiting = [order('A', 'tote', 2, '11:50'), order('B', 'tote', 2, '11:51')];
    const cut = valid(plan(input('12:00', { orders: waiting, madeToday: new Map([['tote', 28]]) })));
    expect(cut.runs.map((r) => [r.qty, r.allocations])).toEqual([[2, [{ orderId: 'A', qty: 2 }]]]);
    expect(plan(input('12:00', { orders: waiting, madeToday: new Map([['tote', 30]]) })).runs).toEqual([]);
    // Buns: runQuantity 120, 115 made: with demand the next run is 5, not 12.
    const buns = plan(input('12:00', { madeToday: new Map([['bun', 115]]), demandLastHour: new Map([['bun', 36]]) }));
    expect(buns.runs.map((r) => r.qty)).toEqual([5]);
  });
});

describe('planner: deterministic', () => {
  const busy = () =>
    input('12:03', {
      catalogue: [BUN, KNOT, TOTE],
      orders: [order('C', 'tote', 3, '12:02'), order('A', 'tote', 1, '12:00'), order('B', 'bun', 2, '12:01'), order('D', 'tote', 2, '12:02')],
      runs: [running('k0', 'knot', 'oven-1', '11:50', '12:10')],
      onShelf: new Map([['bun', 1]]),
      demandLastHour: new Map([
        ['bun', 30],
        ['knot', 10],
      ]),
    });

  it('the same input gives the same output, byte for byte, whatever order its collections come in', () => {
    const first = plan(busy());
    expect(first.runs.length).toBeGreaterThan(2);
    expect(JSON.stringify(plan(busy()))).toBe(JSON.stringify(first));
    const shuffled = busy();
    const reversed = { ...shuffled, orders: [...shuffled.orders].reverse(), catalogue: [...shuffled.catalogue].reverse() };
    expect(JSON.stringify(plan(reversed))).toBe(JSON.stringify(first));
  });

  it('replaying a scripted hour of arrivals, one change at a time, gives the same final plan both times', () => {
    // An hour from 12:00: an order every 90 s, alternating tote (1–3 units) and bun (1–2), each plan written back.
    const arrivals: Arrival[] = Array.from({ length: 40 }, (_, i) => {
      const sku = i % 2 ? 'bun' : 'tote';
      const qty = sku === 'tote' ? 1 + (i % 3) : 1 + (i % 2);
      return {
        at: at('12:00') + i * 90_000,
        order: { id: `o${String(i).padStart(2, '0')}`, number: String(i), items: [{ sku, qty }], status: 'queued', updatedAt: at('12:00') },
      };
    });
    const replay = () => {
      // The day's cap is raised so every order is made: the cap has its own test.
      const floor = new Floor(
        [BUN, { ...TOTE, runQuantity: 120 }],
        [
          { id: 'oven-1', kind: 'oven' },
          { id: 'printer-1', kind: 'printer' },
        ],
        at('12:00'),
        at('13:00'),
      );
      const plans: string[] = [];
      simulateDay(floor, arrivals, plannerStrategy({ slackMinutes: 5, promiseMinutes: 20, closesAt: at('13:00') }), (f) =>
        plans.push(JSON.stringify([...f.runs.values()])),
      );
      return { plans, ready: [...floor.readyAt.entries()] };
    };
    const first = replay();
    expect(first.ready).toHaveLength(40);
    expect(first.plans.length).toBeGreaterThan(40);
    expect(replay()).toEqual(first);
  });
});
