import { describe, expect, it } from 'vitest';
import type { Product } from '../shared/schemas/catalogue.js';
import type { PilotConfig } from '../shared/schemas/pilot.js';
import { bootstrap } from '../server/report/bootstrap.js';
import { DayCells } from '../server/report/day-cells.js';
import { stratifiedLift, type HourMeasure } from '../server/report/lift.js';
import { computeReport } from '../server/report/report.js';
import { MAX_POSTS } from '../server/report/report-scan.js';
import { windowTest } from '../server/report/windows.js';
import { LogBuilder } from './helpers/report-log.js';
import { tempDir } from './helpers/hub.js';

const DAY = '2026-11-02'; // a Monday
const at = (hhmm: string, day = DAY) => Date.parse(`${day}T${hhmm}:00Z`);
const CATALOGUE: Product[] = [
  {
    sku: 'bun',
    name: 'Bun',
    variants: [],
    runSize: 4,
    runQuantity: 100,
    production: 'batch',
    runMinutes: 20,
    unitPrice: 30,
    unitCost: 10,
    machineCostPerHour: 8,
  },
];
const PILOT: PilotConfig = { name: 'Test', from: DAY, to: DAY, baseline: { from: '2026-10-26', to: '2026-11-01' }, floorAreaM2: 20 };

/** The report of `log` written to an embedded log, over DAY (UTC) unless told otherwise, without comparison. */
async function reportOf(log: LogBuilder, range: { from?: number; to?: number; now?: number } = {}) {
  const { from = at('00:00'), to = at('23:59'), now } = range;
  return computeReport({
    events: await log.writeTo(tempDir()),
    from,
    to,
    timeZone: 'UTC',
    catalogue: CATALOGUE,
    pilot: PILOT,
    compare: false,
    ...(now ? { now } : {}),
  });
}

/** One Monday, in UTC, small enough to work out every figure by hand (the numbers in the comments). */
function smallDay(): LogBuilder {
  const log = new LogBuilder();
  // Walk-ins: 16 in hour 10 (two counts), 4 in hour 11, 10 in hour 13; the 12:30 count has nobody coming in.
  log.footfall(at('10:05'), 10).footfall(at('10:40'), 6).footfall(at('11:10'), 4).footfall(at('13:00'), 10);
  log.events.push({ type: 'footfall', at: at('12:30'), footfall: { sensor: 'door', in: 0, out: 3, at: at('12:30') } });
  // The oven runs 10:00–10:45 (45 min: hour 10 is a window) and 11:50–12:10 (10 + 10 min: neither hour is).
  log.machine(at('10:00'), 'running').machine(at('10:45'), 'idle').machine(at('11:50'), 'running').machine(at('12:10'), 'idle');
  // Heartbeats while it runs (a state report with no readings): each counts only its own stretch, once.
  for (const hb of ['11:52', '11:54', '11:56', '11:58']) log.machine(at(hb), 'running');
  // Orders: o1 (2 buns) 10:10 → ready 10:30 → picked 10:50; o2 (1) 10:20 → 10:40 → 12:00; o3 (3) 11:15 → 11:45, never picked; o4 (1) 13:05 → 13:20 → 13:30.
  log
    .order('o1', at('10:10'), 'queued', [{ sku: 'bun', qty: 2 }])
    .order('o1', at('10:30'), 'ready', [{ sku: 'bun', qty: 2 }])
    .order('o1', at('10:50'), 'picked_up', [{ sku: 'bun', qty: 2 }]);
  log.order('o2', at('10:20'), 'queued').order('o2', at('10:40'), 'ready').order('o2', at('12:00'), 'picked_up');
  log.order('o3', at('11:15'), 'queued', [{ sku: 'bun', qty: 3 }]).order('o3', at('11:45'), 'ready', [{ sku: 'bun', qty: 3 }]);
  log.order('o4', at('13:05'), 'queued').order('o4', at('13:20'), 'ready').order('o4', at('13:30'), 'picked_up');
  // Sales: s1's basket changes (1 mug, then 2: the latest counts); s2 is cancelled; s3 one mug. Adjacent units: 2 + 1 = 3.
  log.sale(at('10:15'), {
    id: 's1',
    placedAt: at('10:15'),
    items: [
      { sku: 'bun', qty: 2 },
      { sku: 'mug', qty: 1 },
    ],
  });
  log.sale(at('10:16'), {
    id: 's1',
    placedAt: at('10:15'),
    items: [
      { sku: 'bun', qty: 2 },
      { sku: 'mug', qty: 2 },
    ],
  });
  log.sale(at('11:20'), { id: 's2', placedAt: at('11:20'), items: [{ sku: 'coffee', qty: 3 }], cancelled: true });
  log.sale(at('13:10'), { id: 's3', placedAt: at('13:10'), items: [{ sku: 'mug', qty: 1 }] });
  // A highlight, and two clips: p1 (published 10:50) reported twice (the latest counts), p2 (13:15) once.
  log.highlight(at('10:45'), 'h1');
  log.social(at('11:00'), { post: 'p1', highlight: 'h1', publishedAt: at('10:50'), views: 100, likes: 10 });
  log.social(at('12:00'), { post: 'p1', highlight: 'h1', publishedAt: at('10:50'), views: 300, likes: 30, shares: 5, linkClicks: 2 });
  log.social(at('13:30'), { post: 'p2', publishedAt: at('13:15'), views: 50 });
  // One run of 4 buns on the oven, 10:00–10:45: 4 good, 1 thrown away, 3 of them for o1 (2) and o2 (1).
  const run = {
    id: 'r1',
    sku: 'bun',
    qty: 4,
    machine: 'oven-1',
    allocations: [
      { orderId: 'o1', qty: 2 },
      { orderId: 'o2', qty: 1 },
    ],
    plannedStart: at('09:55'),
  };
  log.run(at('09:55'), { ...run, status: 'planned' }).run(at('10:00'), { ...run, status: 'running', startedAt: at('10:00') });
  log.run(at('10:45'), { ...run, status: 'done', startedAt: at('10:00'), doneAt: at('10:45'), produced: 4, wasted: 1 });
  return log;
}

describe('the pilot report, each figure on a small day worked out by hand', () => {
  it('computes conversion, walk-ins, adjacent sales, social, throughput, unit economics and demand as docs/protocol.md defines them', async () => {
    const events = await smallDay().writeTo(tempDir());
    const r = await computeReport({ events, from: at('00:00'), to: at('23:59') + 59_999, timeZone: 'UTC', catalogue: CATALOGUE, pilot: PILOT, compare: false });

    // Conversion: 4 orders ÷ 30 walk-ins; per hour 2/16, 1/4, 1/10; open hours 10, 11, 13 (12 had nobody in and no new order).
    expect(r.conversion).toMatchObject({ walkIns: 30, orders: 4, rate: 4 / 30 });
    expect(r.conversion.byDay).toEqual([
      { day: DAY, walkIns: 30, orders: 4, conversion: 4 / 30, openHours: 3, windowHours: 1, adjacentUnits: 3, unitsMade: 4 },
    ]);
    expect(r.conversion.byHour.map((h) => [h.hour, h.conversion, h.window, h.clipBefore])).toEqual([
      [10, 2 / 16, true, false],
      [11, 1 / 4, false, true],
      [13, 1 / 10, false, false],
    ]);
    // Walk-ins per open hour 30 / 3; one day has no hour like a window hour outside one: no uplift to claim.
    expect(r.walkIns).toEqual({ openHours: 3, perOpenHour: 10, windowUplift: { estimate: null, low: null, high: null } });
    expect(r.windows).toEqual({ source: 'machines-or-stream', hours: 1 });
    expect(r.adjacent).toMatchObject({ units: 3, perWalkIn: 0.1 });
    // Social: 1 highlight, 2 clips, the latest reach of each: views 300 + 50, likes 30, shares 5, clicks 2.
    expect(r.social).toMatchObject({
      highlights: 1,
      clips: 2,
      reach: { views: 350, likes: 30, shares: 5, linkClicks: 2 },
      perClip: { views: 175, likes: 15, shares: 2.5, linkClicks: 1 },
      // p1 names the highlight it was cut from: its reach is tied to the floor's production.
      fromHighlights: { clips: 1, reach: { views: 300, likes: 30, shares: 5, linkClicks: 2 } },
    });
    // Throughput: 4 units ÷ 3 open hours ÷ 20 m²; same-day pickup: 3 of the 4 orders ready today.
    expect(r.throughput).toEqual({
      unitsMade: 4,
      openHours: 3,
      floorAreaM2: 20,
      perOpenHourPerM2: 4 / 3 / 20,
      sameDayPickup: { ready: 4, pickedUp: 3, rate: 0.75 },
    });
    // Margin: 30 × 3 sold − 10 × 4 made − 0.75 h × 8 = 44. To ready 1200, 1200, 1800, 900 s; to pickup 2400, 6000, 1500 s.
    expect(r.economics.runs).toBe(1);
    expect(r.economics.grossMargin).toEqual({ count: 1, mean: 44, p10: 44, p50: 44, p90: 44, total: 44 });
    expect(r.economics.toReadySeconds).toEqual({ count: 4, mean: 1275, p10: 900, p50: 1200, p90: 1800 });
    expect(r.economics.toPickupSeconds).toEqual({ count: 3, mean: 3300, p10: 1500, p50: 2400, p90: 6000 });
    // Shelf: o1's 2 units waited 5 min, o2's 1 unit 75 min: (2 × 300 + 4500) / 3 = 1700 s. Waste: 1 of 5.
    expect(r.economics.inventory).toEqual({ units: 3, meanShelfSeconds: 1700, daysInInventory: 1700 / 86_400 });
    expect(r.economics.waste).toEqual({ made: 4, wasted: 1, share: 0.2 });
    // Demand: buns 3 in hour 10, 3 in hour 11, 1 in hour 13 (on the one Monday); the peak is the first of the flat top.
    const bun = r.demand.skus.find((s) => s.sku === 'bun')!;
    expect(bun.units).toBe(7);
    expect(bun.byWeekdayHour[0]!.slice(9, 14)).toEqual([0, 3, 3, 0, 1]);
    expect(r.demand.weekdayPeaks).toEqual([{ hour: 10, units: 3 }]);
    // Tomorrow (a Tuesday) is the weekday profile at the recent level (1: the one day is its own profile); no day held back.
    expect(r.demand.forecast.day).toBe('2026-11-03');
    expect(r.demand.forecast.hourly.slice(9, 14)).toEqual([0, 3, 3, 0, 1]);
    expect(r.demand.forecast.evaluation).toEqual({ heldBackDays: [], mape: null, seasonalNaiveMape: null, improvement: null });
  });

  it('counts an order first seen ready, but does not time its fulfilment from a start it never saw', async () => {
    const log = new LogBuilder().footfall(at('10:00'), 2).order('o9', at('10:10'), 'ready').order('o9', at('10:20'), 'picked_up');
    const r = await reportOf(log);
    expect(r.conversion).toMatchObject({ orders: 1, walkIns: 2, rate: 0.5 });
    expect(r.economics.toReadySeconds.count).toBe(0);
    expect(r.economics.toPickupSeconds.count).toBe(0);
  });

  it('lets go of a finished order after two days and a sale after a week: a later record of the same id is new', async () => {
    const day = (n: number) => `2026-11-${String(2 + n).padStart(2, '0')}`;
    const mug = (qty: number) => [{ sku: 'mug', qty }];
    const log = new LogBuilder();
    // o1 picked up on day 0, changed again on day 1 (remembered: not a second order) and on day 4 (a new order).
    log.order('o1', at('10:00', day(0)), 'queued').order('o1', at('10:30', day(0)), 'picked_up');
    log.order('o1', at('11:00', day(1)), 'picked_up').order('o1', at('10:00', day(4)), 'queued');
    // s1 (2 mugs, day 0) cancelled on day 5: still remembered, taken back. s2 (3 mugs, day 0) cancelled on day 9: forgotten.
    log.sale(at('12:00', day(0)), { id: 's1', placedAt: at('12:00', day(0)), items: mug(2) });
    log.sale(at('12:00', day(0)), { id: 's2', placedAt: at('12:00', day(0)), items: mug(3) });
    log.sale(at('12:00', day(5)), { id: 's1', placedAt: at('12:00', day(0)), items: mug(2), cancelled: true });
    log.sale(at('12:00', day(9)), { id: 's2', placedAt: at('12:00', day(0)), items: mug(3), cancelled: true });
    // Something every day, so the days close as they would in a store.
    for (let n = 0; n <= 10; n++) log.footfall(at('09:00', day(n)), 1);
    const r = await reportOf(log, { from: at('00:00', day(0)), to: at('23:59', day(10)) });
    expect(r.conversion.orders).toBe(2);
    expect(r.conversion.byDay.filter((d) => d.orders > 0).map((d) => d.day)).toEqual([day(0), day(4)]);
    expect(r.adjacent.units).toBe(3);
  });

  it('names at most 50 SKUs in a whole report, the first it meets, and sums the rest as (other)', async () => {
    const log = new LogBuilder();
    // 40 SKUs on one day and 40 others the next: 80 in the range, 50 named.
    for (let i = 0; i < 80; i++) log.order(`o${i}`, at('10:00', i < 40 ? DAY : '2026-11-03'), 'queued', [{ sku: `sku-${i}`, qty: 1 }]);
    const r = await reportOf(log, { to: at('23:59', '2026-11-03') });
    const skus = Object.keys(r.demand.forecast.bySku);
    expect(skus).toHaveLength(51);
    expect(skus).toContain('(other)');
    expect(skus).toContain('sku-49');
    expect(skus).not.toContain('sku-50');
  });

  it('counts live production once however many are live: two machines and the stream, a union, not a sum', async () => {
    const log = new LogBuilder();
    for (const hhmm of ['09:10', '10:10', '12:10', '14:10', '16:10', '17:10']) log.footfall(at(hhmm), 1); // open hours
    // Hour 10: the oven 10:00–10:20 and the printer 10:05–10:25 overlap: 25 minutes live (their sum, 40, would make a window).
    log.machine(at('10:00'), 'running', 'oven-1').machine(at('10:05'), 'running', 'printer-1');
    log.machine(at('10:20'), 'idle', 'oven-1').machine(at('10:25'), 'idle', 'printer-1');
    // Hour 14: the stream live 14:00–14:40, the oven running 14:30–14:50 too: 50 minutes live, one window.
    log.events.push({ type: 'stream', at: at('14:00'), stream: { live: true } });
    log.machine(at('14:30'), 'running', 'oven-1');
    log.events.push({ type: 'stream', at: at('14:40'), stream: { live: false } });
    log.machine(at('14:50'), 'idle', 'oven-1');
    // Hour 12: the stream live 12:00–12:20; a machine's backlog (running 12:05, idle 12:15) logged late, at 12:25:
    // still 20 minutes live, not 30 (that instant is not counted twice).
    log.events.push({ type: 'stream', at: at('12:00'), stream: { live: true } }, { type: 'stream', at: at('12:20'), stream: { live: false } });
    for (const [state, hhmm] of [
      ['running', '12:05'],
      ['idle', '12:15'],
    ] as const) {
      log.events.push({ type: 'machine', seq: 0, at: at('12:25'), machine: { id: 'printer-1', kind: 'printer', state, updatedAt: at(hhmm) } });
    }
    // From 16:45 the stream stays live to the end of the range (now): hour 16 has 15 minutes, hour 17 all 60.
    log.events.push({ type: 'stream', at: at('16:45'), stream: { live: true } });
    const r = await reportOf(log, { now: at('18:00') });
    expect(r.windows).toEqual({ source: 'machines-or-stream', hours: 2 });
    expect(r.conversion.byHour.filter((h) => h.window).map((h) => h.hour)).toEqual([14, 17]);
  });

  it("keeps each sale's version with the latest updatedAt; one without updatedAt goes by log order and never replaces one with it", async () => {
    const mugs = (qty: number) => [{ sku: 'mug', qty }];
    const log = new LogBuilder().footfall(at('10:00'), 10);
    // s1: cancelled at 10:20, its 10:10 version logged after: stays cancelled (0).
    log.sale(at('10:21'), { id: 's1', placedAt: at('10:10'), updatedAt: at('10:20'), items: mugs(5), cancelled: true });
    log.sale(at('10:22'), { id: 's1', placedAt: at('10:10'), updatedAt: at('10:10'), items: mugs(5) });
    // s2: 1 mug, then 4, then 1 again (three versions by their times): 1.
    log.sale(at('10:31'), { id: 's2', placedAt: at('10:30'), updatedAt: at('10:30'), items: mugs(1) });
    log.sale(at('10:32'), { id: 's2', placedAt: at('10:30'), updatedAt: at('10:31'), items: mugs(4) });
    log.sale(at('10:33'), { id: 's2', placedAt: at('10:30'), updatedAt: at('10:32'), items: mugs(1) });
    // s3: 2 mugs stamped, then 7 without a time: the stamped one stays (2).
    log.sale(at('10:41'), { id: 's3', placedAt: at('10:40'), updatedAt: at('10:40'), items: mugs(2) });
    log.sale(at('10:42'), { id: 's3', placedAt: at('10:40'), items: mugs(7) });
    // s4: no times at all: log order, the last (3). s5: two versions of one time: the later logged (6).
    log.sale(at('10:51'), { id: 's4', placedAt: at('10:50'), items: mugs(9) }).sale(at('10:52'), { id: 's4', placedAt: at('10:50'), items: mugs(3) });
    log.sale(at('10:53'), { id: 's5', placedAt: at('10:50'), updatedAt: at('10:50'), items: mugs(8) });
    log.sale(at('10:54'), { id: 's5', placedAt: at('10:50'), updatedAt: at('10:50'), items: mugs(6) });
    const r = await reportOf(log);
    expect(r.adjacent.units).toBe(0 + 1 + 2 + 3 + 6);
  });

  it('places a post by when it was published, as an earlier report said it; one that never says so is a clip in no hour', async () => {
    const log = new LogBuilder();
    for (const hhmm of ['10:00', '11:00', '12:00', '13:00', '14:00', '15:00']) log.footfall(at(hhmm), 5);
    // q1 published 10:05 from h1; its 12:00 report gives only counts. q2 never says when (reported 11:10, again 13:10): not counted.
    log.social(at('10:30'), { post: 'q1', highlight: 'h1', publishedAt: at('10:05'), views: 10 }).social(at('12:00'), { post: 'q1', views: 40 });
    log.social(at('11:10'), { post: 'q2', views: 5 }).social(at('13:10'), { post: 'q2', views: 20 });
    const r = await reportOf(log);
    // Only the hour after q1's publishing (11) follows a clip: not 13 (q1's later report), nor 12 or 14 (q2's reports).
    expect(r.conversion.byHour.filter((h) => h.clipBefore).map((h) => h.hour)).toEqual([11]);
    expect(r.social).toMatchObject({ clips: 1, reach: { views: 40 }, fromHighlights: { clips: 1, reach: { views: 40, likes: 0, shares: 0, linkClicks: 0 } } });
  });

  it('holds at most MAX_POSTS posts in a pass: a tool inventing post ids cannot make a report hold without bound', async () => {
    const log = new LogBuilder();
    for (let i = 0; i <= MAX_POSTS; i++) log.social(at('12:00') + i, { post: `p${i}`, publishedAt: at('11:00'), views: 1 });
    const r = await reportOf(log);
    expect(r.social).toMatchObject({ clips: MAX_POSTS, reach: { views: MAX_POSTS } });
  });

  it('places a configured production window by the store clock, at least half an hour of an hour', () => {
    const test = windowTest([{ days: ['mon'], from: '10:30', to: '12:15' }]);
    const monday = new DayCells(DAY);
    const tuesday = new DayCells('2026-11-03');
    expect([9, 10, 11, 12].map((h) => test(monday, h))).toEqual([false, true, true, false]);
    expect(test(tuesday, 11)).toBe(false);
  });

  it('compares a treated hour only with untreated hours of the same hour of the week, and gives the same interval twice', () => {
    // Two Mondays: hour 10 in a window on the first (16 walk-ins), not on the second (8); hour 11 outside both (4, 6).
    const a = new DayCells(DAY);
    const b = new DayCells('2026-11-09');
    a.walkIns[10] = 16;
    b.walkIns[10] = 8;
    a.walkIns[11] = 4;
    b.walkIns[11] = 6;
    a.liveMs[10] = 45 * 60_000;
    const m: HourMeasure = {
      eligible: (d, h) => d.open(h),
      treated: windowTest(undefined),
      stratum: (d, h) => d.weekday * 24 + h,
      value: (d, h) => d.walkIns[h]!,
      weight: () => 1,
    };
    // Observed 16 against 8 expected (hour 10 outside a window): +100%. Hour 11 has no treated hour and says nothing.
    expect(stratifiedLift([a, b], m)).toBe(1);
    const once = bootstrap([[a, b]], ([s]) => stratifiedLift(s!, m));
    expect(once.estimate).toBe(1);
    expect(bootstrap([[a, b]], ([s]) => stratifiedLift(s!, m))).toEqual(once);
  });
});
