import type { Product } from '../../shared/schemas/catalogue.js';
import type { PilotConfig } from '../../shared/schemas/pilot.js';
import { storeDay, wallTimeOn } from '../../shared/store-time.js';
import { seededRandom } from '../../server/report/bootstrap.js';
import { nextDay, weekdayOf } from '../../server/report/hour-clock.js';
import { LogBuilder } from './report-log.js';

const MIN = 60_000;
const DAY_MS = 86_400_000;
export const OPEN_HOURS = [9, 10, 11, 12, 13, 14, 15, 16, 17, 18];

/** What the generator plants when `effects` is on (issue 21's acceptance). */
export const PLANTED = { windowUplift: 0.3, afterClip: 0.15, adjacentLift: 0.1, weekdayPeaks: [12, 17] } as const;

export interface PilotPlan {
  seed: number;
  /** Plant the effects; off: the same store with none (every lift should cover zero). */
  effects: boolean;
  timeZone: string;
  /** The first baseline day; 14 baseline days then 14 pilot days. Default: 32 days before today. */
  firstDay?: string;
  /** Orders a walk-in places: 0.3. */
  conversion?: number;
  /** Days in all, the first half baseline (default 28); walk-ins × `scale` (default 1): the bench's larger store. */
  days?: number;
  scale?: number;
  /**
   * The bench's busy store: every order also passes `in_production`, and adjacent units are sold a basket (one to
   * three units, a sale each) at a time, as a till logs them, not one sale an hour. Off keeps the tests' draws as they are.
   */
  busy?: boolean;
}

export const PILOT_CATALOGUE: Product[] = [
  { sku: 'bun', name: 'Cardamom bun', variants: [], runSize: 12, runQuantity: 5000, production: 'batch', runMinutes: 20, unitPrice: 35, unitCost: 9 },
  { sku: 'roll', name: 'Cinnamon roll', variants: [], runSize: 12, runQuantity: 5000, production: 'batch', runMinutes: 20, unitPrice: 38, unitCost: 10 },
];

function poisson(random: () => number, lambda: number): number {
  // Past a few hundred, e^-λ underflows: the normal approximation (Box–Muller) is as good there.
  if (lambda > 200) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())));
  // Knuth's method: exact, and quick for the tens of people an hour a pop-up sees.
  const limit = Math.exp(-lambda);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k++;
  return k;
}

/** Walk-ins an hour expects before any effect: weekdays peak at 12:00 and 17:00 (lunch, after work); weekends are flat. */
export function baseWalkIns(weekday: number, hour: number): number {
  if (weekday >= 5) return 30;
  return 18 + 30 * Math.exp(-((hour - 12) ** 2) / 2) + 30 * Math.exp(-((hour - 17) ** 2) / 2);
}

/**
 * A seeded 28-day pilot (14 baseline days, then 14 pilot days; `days` and `scale` make it longer and busier) as the store would log it: footfall every quarter hour,
 * orders (queued, ready, picked up), a run an hour for each product ordered (its orders allocated), an adjacent-SKU sale an hour, and on pilot days the oven running in
 * about half the open hours (production windows) and clips (a highlight, then a post) in about a third of them.
 * With `effects`: walk-ins +30% in windows, +15% in the hour after a clip, adjacent units per walk-in +10% on pilot days.
 */
export function generatePilot(plan: PilotPlan): { log: LogBuilder; pilot: PilotConfig; catalogue: Product[]; days: string[] } {
  const log = new LogBuilder();
  const shape = pilotShape(plan);
  Array.from(pilotDays(plan, () => log));
  return { log, ...shape };
}

/** The pilot's days and config, without its events. */
export function pilotShape(plan: PilotPlan): { pilot: PilotConfig; catalogue: Product[]; days: string[] } {
  const count = plan.days ?? 28;
  const half = Math.floor(count / 2);
  const first = plan.firstDay ?? storeDay(Date.now() - (count + 4) * DAY_MS, plan.timeZone);
  const days: string[] = [];
  for (let d = first; days.length < count; d = nextDay(d)) days.push(d);
  const pilot: PilotConfig = {
    name: 'Generated pilot',
    from: days[half]!,
    to: days.at(-1)!,
    baseline: { from: days[0]!, to: days[half - 1]! },
    floorAreaM2: 40,
  };
  return { pilot, catalogue: PILOT_CATALOGUE, days };
}

/**
 * The same pilot a day at a time, each day's events into the builder `into(day)` gives: the bench writes a
 * 90-day store without holding it all (one builder a day), the tests into one builder. One seeded draw runs through.
 */
export function* pilotDays(plan: PilotPlan, into: (day: string) => LogBuilder): Generator<{ day: string; log: LogBuilder }> {
  const random = seededRandom(plan.seed);
  const { days } = pilotShape(plan);
  const half = Math.floor(days.length / 2);
  for (const [i, day] of days.entries()) {
    const log = into(day);
    generateDay(log, random, plan, day, i >= half);
    yield { day, log };
  }
}

function generateDay(log: LogBuilder, random: () => number, plan: PilotPlan, day: string, pilotDay: boolean): void {
  const weekday = weekdayOf(day);
  let clipBefore = false;
  for (const hour of OPEN_HOURS) {
    const start = wallTimeOn(day, `${String(hour).padStart(2, '0')}:00`, plan.timeZone);
    const key = `${day}-${hour}`;
    const window = pilotDay && random() < 0.5;
    if (window) log.machine(start, 'running').machine(start + 50 * MIN, 'idle');
    const lift = plan.effects ? (window ? 1 + PLANTED.windowUplift : 1) * (clipBefore ? 1 + PLANTED.afterClip : 1) : 1;
    const walkIns = poisson(random, baseWalkIns(weekday, hour) * lift * (plan.scale ?? 1));
    const quarters = [0, 0, 0, 0];
    for (let p = 0; p < walkIns; p++) quarters[Math.floor(random() * 4)]!++;
    quarters.forEach((n, q) => n > 0 && log.footfall(start + (q * 15 + 7) * MIN, n));
    let units = 0;
    const made = new Map<string, { qty: number; allocations: { orderId: string; qty: number }[] }>();
    for (let p = 0; p < walkIns; p++) {
      if (random() >= (plan.conversion ?? 0.3)) continue;
      const at = start + Math.floor(random() * 60) * MIN;
      const items = [{ sku: random() < 0.6 ? 'bun' : 'roll', qty: 1 + Math.floor(random() * 3) }];
      units += items[0]!.qty;
      const id = `${key}-${p}`;
      const run = made.get(items[0]!.sku) ?? { qty: 0, allocations: [] };
      made.set(items[0]!.sku, { qty: run.qty + items[0]!.qty, allocations: [...run.allocations, { orderId: id, qty: items[0]!.qty }] });
      log.order(id, at, 'queued', items);
      // Ready after 10 to 20 minutes, picked up 5 to 17 minutes later: spread by the order's place in the hour, not
      // drawn, so the seeded draws (and the effects the tests recover) stay what they were.
      const ready = at + (10 + (p % 11)) * MIN;
      if (plan.busy) log.order(id, at + 5 * MIN, 'in_production', items);
      log.order(id, ready, 'ready', items).order(id, ready + (5 + (p % 13)) * MIN, 'picked_up', items);
    }
    if (units > 0) {
      // A run an hour for each product ordered, every unit allocated to its order (so a batch's margin is its sales).
      const wasted = random() < 0.2 ? 1 : 0;
      for (const [sku, { qty, allocations }] of made) {
        const run = { id: `run-${key}-${sku}`, sku, qty, machine: 'oven-1', allocations, plannedStart: start };
        log.run(start + 55 * MIN, { ...run, status: 'done', startedAt: start, doneAt: start + 55 * MIN, produced: qty, wasted: sku === 'bun' ? wasted : 0 });
      }
    }
    const adjacent = poisson(random, walkIns * 0.5 * (plan.effects && pilotDay ? 1 + PLANTED.adjacentLift : 1));
    if (plan.busy) adjacentBaskets(log, random, key, start, adjacent);
    else if (adjacent > 0) log.sale(start + 30 * MIN, { id: `sale-${key}`, placedAt: start + 30 * MIN, items: [{ sku: 'mug', qty: adjacent }] });
    clipBefore = pilotDay && hour < 18 && random() < 0.3;
    if (clipBefore) {
      log.highlight(start + 35 * MIN, `h-${key}`);
      log.social(start + 100 * MIN, {
        post: `post-${key}`,
        highlight: `h-${key}`,
        publishedAt: start + 40 * MIN,
        views: 200 + Math.floor(random() * 800),
        likes: Math.floor(random() * 80),
      });
    }
  }
}

/** `units` adjacent units sold in baskets of one to three through the hour, a sale each. */
function adjacentBaskets(log: LogBuilder, random: () => number, key: string, start: number, units: number): void {
  for (let n = 0, left = units; left > 0; n++) {
    const qty = Math.min(left, 1 + Math.floor(random() * 3));
    const at = start + Math.floor(random() * 60) * MIN;
    log.sale(at, { id: `sale-${key}-${n}`, placedAt: at, items: [{ sku: 'mug', qty }] });
    left -= qty;
  }
}
