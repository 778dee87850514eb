import { DemandProfileBuilder, type DemandProfile } from '../server/production/demand-profile.js';
import { plan } from '../server/production/planner.js';
import type { PlanInput, PlanOptions } from '../server/production/plan-types.js';
import type { Product } from '../shared/schemas/catalogue.js';
import type { Run } from '../shared/schemas/run.js';
import { Floor, plannerStrategy, simulateDay, type Strategy } from '../test/helpers/production-floor.js';
import { arrivals, fixedInterval, onePerOrder, prng, type DayShape } from './planner-day.js';

const MINUTE = 60_000;
const DAY = Date.UTC(2026, 11, 3);
const SHAPE: DayShape = { opensAt: DAY + 7 * 60 * MINUTE, closesAt: DAY + 22 * 60 * MINUTE, orders: 1_000, batchShare: 0.47, seed: 17 };
const BUNS: Product = { sku: 'bun', name: 'Buns', variants: [], runSize: 12, runMinutes: 20, runQuantity: 100_000, production: 'batch', machineKind: 'oven' };
const TOTES: Product = {
  sku: 'tote',
  name: 'Totes',
  variants: [],
  runSize: 4,
  runMinutes: 6,
  runQuantity: 100_000,
  production: 'to-order',
  machineKind: 'printer',
};
const MACHINES = [
  { id: 'oven-1', kind: 'oven' as const },
  { id: 'printer-1', kind: 'printer' as const },
];
const OPTIONS: PlanOptions = { slackMinutes: 5, promiseMinutes: 15, closesAt: SHAPE.closesAt };
/** The planning-time figure is taken with this many orders waiting, one new order per change. */
const WAITING = 10_000;
const CHANGES = 300;
/** The hub reads its hour-of-day profile from the event log's earlier days: the bench's store has had this many. */
const EARLIER_DAYS = 4;
const DAY_MS = 24 * 60 * MINUTE;

export interface StrategyFigures {
  name: string;
  ready: number;
  meanMin: number;
  p90Min: number;
  p90BunMin: number;
  p90ToteMin: number;
  /** Busy time over the time from opening to the end of the machine's last run (at least closing). */
  utilisation: Record<string, number>;
  runs: number;
  wasted: number;
  lastReadyAt: number;
}

export interface PlannerBench {
  day: { opensAt: number; closesAt: number; orders: number; buns: number; totes: number; seed: number };
  options: PlanOptions;
  strategies: StrategyFigures[];
  planning: {
    waiting: number;
    changes: number;
    meanMs: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    /** The process's CPU time over the same calls, per call: what the wall clock would read on an idle machine. */
    cpuMeanMs: number;
  };
  /** The planner on the same day shape drawn with other seeds: how much p90 and waste move with the draw. */
  /** Each with the profile of `earlierDays` earlier days of the same shape (seeds 1001…), as a hub would read them. */
  otherSeeds: { seed: number; p90Min: number; onePerOrderP90Min: number; wasted: number; firstDayWasted: number }[];
  earlierDays: number;
  /** The planner with a profile of earlier days 30% quieter or busier than the days it plans: p90 and waste over the day and the other seeds. */
  profileMismatch: { volume: number; p90Min: number; wasted: number; wastedOtherSeeds: number }[];
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]! : NaN;
}

function waits(floor: Floor, sku: string | undefined, orders: ReturnType<typeof arrivals>): number[] {
  return orders
    .filter((a) => sku === undefined || a.order.items[0]!.sku === sku)
    .map((a) => (floor.readyAt.get(a.order.id)! - a.at) / MINUTE)
    .sort((a, b) => a - b);
}

/** The hour-of-day profile of `EARLIER_DAYS` days before the measured one, of the same shape but other draws. */
function earlierDaysProfile(volume = 1): DemandProfile {
  const builder = new DemandProfileBuilder(new Map([BUNS, TOTES].map((p) => [p.sku, p])), 'UTC');
  for (let k = 1; k <= EARLIER_DAYS; k++) {
    const shift = k * DAY_MS;
    const shape = { ...SHAPE, opensAt: SHAPE.opensAt - shift, closesAt: SHAPE.closesAt - shift, seed: 1000 + k, orders: Math.round(SHAPE.orders * volume) };
    const day = arrivals(shape, 'bun', 'tote');
    for (const a of day) builder.add(`d${k}-${a.order.id}`, a.at, a.order.items);
  }
  return builder.build();
}

function dayWith(strategy: Strategy, orders: ReturnType<typeof arrivals>, profile?: DemandProfile): StrategyFigures {
  // Each day gets a fresh strategy's state and a fresh floor: nothing carries over between strategies.
  const floor = new Floor([BUNS, TOTES], MACHINES, SHAPE.opensAt, SHAPE.closesAt, profile);
  simulateDay(floor, orders, strategy);
  const all = waits(floor, undefined, orders);
  const done = [...floor.runs.values()].filter((r) => r.status === 'done');
  const utilisation: Record<string, number> = {};
  for (const m of MACHINES) {
    const lastEnd = Math.max(SHAPE.closesAt, ...done.filter((r) => r.machine === m.id).map((r) => r.endsAt!));
    utilisation[m.id] = floor.busyMs.get(m.id)! / (lastEnd - SHAPE.opensAt);
  }
  return {
    name: strategy.name,
    ready: floor.readyAt.size,
    meanMin: all.reduce((s, x) => s + x, 0) / all.length,
    p90Min: percentile(all, 0.9),
    p90BunMin: percentile(waits(floor, 'bun', orders), 0.9),
    p90ToteMin: percentile(waits(floor, 'tote', orders), 0.9),
    utilisation,
    runs: done.length,
    // Made and never sold: what is left on the shelf once every order is served.
    wasted: [...floor.onShelf.values()].reduce((s, x) => s + x, 0),
    lastReadyAt: Math.max(...floor.readyAt.values()),
  };
}

/** A busy board: `WAITING` orders over the last two hours, half buns half totes, planned once and written back. */
function busyBoard(): PlanInput {
  const random = prng(4_2);
  const now = SHAPE.opensAt + 4 * 60 * MINUTE;
  const orders = Array.from({ length: WAITING }, (_, i) => {
    const arrivedAt = now - Math.floor(random() * 120 * MINUTE);
    const sku = i % 2 ? 'bun' : 'tote';
    return {
      order: { id: `w${String(i).padStart(5, '0')}`, number: String(i), items: [{ sku, qty: 1 }], status: 'queued' as const, updatedAt: arrivedAt },
      arrivedAt,
    };
  });
  // The board holds its orders in arrival (seq) order, and so hands them to the planner.
  orders.sort((a, b) => a.arrivedAt - b.arrivedAt);
  // With 10,000 orders waiting both machines are at work: a tray in the oven and a print on the printer.
  const inMachine = (id: string, sku: string, machine: string, qty: number, minutes: number): Run => ({
    id,
    sku,
    qty,
    machine,
    status: 'running',
    allocations: [],
    plannedStart: now - MINUTE,
    startedAt: now - MINUTE,
    endsAt: now + minutes * MINUTE,
    updatedAt: now - MINUTE,
  });
  const input: PlanInput = {
    now,
    catalogue: [BUNS, TOTES],
    machines: MACHINES.map((m) => ({ ...m, state: 'running' as const })),
    orders,
    runs: [inMachine('oven-now', 'bun', 'oven-1', 12, 19), inMachine('printer-now', 'tote', 'printer-1', 4, 5)],
    madeToday: new Map(),
    onShelf: new Map(),
    demandLastHour: new Map([['bun', 60]]),
    options: OPTIONS,
  };
  return { ...input, runs: [...input.runs, ...plan(input).runs] };
}

/** Wall-clock of `plan()` per change at `WAITING` orders: each change is one new order, its result written back. */
function planningTime(log: (line: string) => void): PlannerBench['planning'] {
  const board = busyBoard();
  // The board's lists are kept and changed in place between calls (as a hub keeps its own), so the harness makes
  // little garbage of its own for the collector to clear inside a timed call.
  const orders = [...board.orders];
  const runs = [...board.runs];
  const at = new Map(runs.map((r, i) => [r.id, i]));
  let input: PlanInput = { ...board, orders, runs };
  const times: number[] = [];
  let cpuMicros = 0;
  for (let i = 0; i < CHANGES + 20; i++) {
    const now = input.now + 1_000;
    const id = `n${String(i).padStart(5, '0')}`;
    orders.push({ order: { id, number: id, items: [{ sku: i % 2 ? 'bun' : 'tote', qty: 1 }], status: 'queued' as const, updatedAt: now }, arrivedAt: now });
    input = { ...input, now };
    const cpu = process.cpuUsage();
    const t = performance.now();
    const result = plan(input);
    const ms = performance.now() - t;
    const used = process.cpuUsage(cpu);
    // The first 20 calls warm the JIT up and are not counted.
    if (i >= 20) {
      times.push(ms);
      cpuMicros += used.user + used.system;
    }
    for (const r of result.runs) {
      const index = at.get(r.id);
      if (index === undefined) at.set(r.id, runs.push(r) - 1);
      else runs[index] = r;
    }
  }
  log(`planning: ${input.runs.length} runs, ${input.orders.length} orders waiting`);
  times.sort((a, b) => a - b);
  return {
    waiting: WAITING,
    changes: CHANGES,
    meanMs: times.reduce((s, x) => s + x, 0) / times.length,
    p50Ms: percentile(times, 0.5),
    p99Ms: percentile(times, 0.99),
    maxMs: times.at(-1)!,
    cpuMeanMs: cpuMicros / 1000 / times.length,
  };
}

/** Issue 17: a simulated day planned by Batchboard against one run per order and fixed-interval batches. */
export async function benchPlanner(log: (line: string) => void): Promise<PlannerBench> {
  const orders = arrivals(SHAPE, 'bun', 'tote');
  const profile = earlierDaysProfile();
  const firstDay: Strategy = { ...plannerStrategy(OPTIONS), name: 'Batchboard planner, first day (no profile)' };
  const runs: [Strategy, DemandProfile | undefined][] = [
    [plannerStrategy(OPTIONS), profile],
    [firstDay, undefined],
    [fixedInterval(), undefined],
    [onePerOrder(), undefined],
  ];
  const strategies = runs.map(([s, p]) => {
    const figures = dayWith(s, orders, p);
    log(`${figures.name}: p90 ${figures.p90Min.toFixed(1)} min, mean ${figures.meanMin.toFixed(1)} min, wasted ${figures.wasted}`);
    return figures;
  });
  const buns = orders.filter((a) => a.order.items[0]!.sku === 'bun').length;
  const otherSeeds = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((seed) => {
    const day = arrivals({ ...SHAPE, seed }, 'bun', 'tote');
    const planner = dayWith(plannerStrategy(OPTIONS), day, profile);
    const firstDayWasted = dayWith(plannerStrategy(OPTIONS), day).wasted;
    return { seed, p90Min: planner.p90Min, onePerOrderP90Min: dayWith(onePerOrder(), day).p90Min, wasted: planner.wasted, firstDayWasted };
  });
  const profileMismatch = [0.7, 1.3].map((volume) => {
    const off = earlierDaysProfile(volume);
    const day = dayWith(plannerStrategy(OPTIONS), orders, off);
    const wastedOtherSeeds = otherSeeds.reduce(
      (sum, s) => sum + dayWith(plannerStrategy(OPTIONS), arrivals({ ...SHAPE, seed: s.seed }, 'bun', 'tote'), off).wasted,
      0,
    );
    log(`profile at ${volume}× the volume: p90 ${day.p90Min.toFixed(1)} min, wasted ${day.wasted}, other seeds wasted ${wastedOtherSeeds}`);
    return { volume, p90Min: day.p90Min, wasted: day.wasted, wastedOtherSeeds };
  });
  log(`other seeds: ${otherSeeds.map((s) => `${s.seed}: p90 ${s.p90Min.toFixed(1)} min, wasted ${s.wasted}`).join('; ')}`);
  const planning = planningTime(log);
  log(`planning per change at ${WAITING} waiting: mean ${planning.meanMs.toFixed(2)} ms, p99 ${planning.p99Ms.toFixed(2)} ms`);
  return Promise.resolve({
    day: { opensAt: SHAPE.opensAt, closesAt: SHAPE.closesAt, orders: orders.length, buns, totes: orders.length - buns, seed: SHAPE.seed },
    options: OPTIONS,
    strategies,
    planning,
    otherSeeds,
    earlierDays: EARLIER_DAYS,
    profileMismatch,
  });
}
