import type { PilotReport, ReportDay, ReportHour } from '../../shared/report.js';
import type { Product } from '../../shared/schemas/catalogue.js';
import type { PilotConfig } from '../../shared/schemas/pilot.js';
import type { EventLog } from '../state/event-log.js';
import type { DayCells } from './day-cells.js';
import { economicsFigures, socialReach } from './economics-figures.js';
import { demandForecast } from './forecast.js';
import { HourClock } from './hour-clock.js';
import { periodicity } from './periodicity.js';
import { ReportScan } from './report-scan.js';
import { adjacentWindowLift, afterClipLift, periodComparison, windowUplift } from './walk-in-figures.js';
import { afterClip, windowTest, type WindowTest } from './windows.js';

const DAY_MS = 86_400_000;

export interface ReportInput {
  events: EventLog;
  from: number;
  to: number;
  timeZone: string;
  catalogue: readonly Product[];
  pilot: PilotConfig | undefined;
  /** Add the pilot's days against the baseline's (the range must hold both). */
  compare: boolean;
  now?: number;
}

/**
 * The pilot report for a range: one pass over the log a page at a time (as the export reads it), keeping per-hour
 * cells per store day and nothing per event but what a figure must match later (an order's first sight, a sale's
 * latest basket). The log is read a day beyond each end: what a counter or POS logged late still lands on its own time.
 */
export async function computeReport(input: ReportInput): Promise<PilotReport> {
  const clock = new HourClock(input.timeZone);
  const scan = new ReportScan(clock, input.from, input.to, input.catalogue);
  const now = input.now ?? Date.now();
  for await (const page of input.events.pages(input.from - DAY_MS, Math.min(input.to + DAY_MS, now))) for (const e of page) scan.observe(e);
  scan.finish(Math.min(input.to, now));
  const inRange = (at: number) => at >= input.from && at <= input.to;
  // Only a post that says when it was published is placed (and counted, economics-figures.ts): the time its counts
  // were read is not when people saw it.
  const byDay = new Map(scan.days.map((d) => [d.day, d]));
  for (const post of scan.posts.values()) {
    const at = post.publishedAt;
    if (at === undefined || !inRange(at)) continue;
    const h = clock.of(at);
    const cells = byDay.get(h.day);
    if (cells) cells.published[h.hour]! += 1;
  }
  const days = scan.days;
  const inWindow = windowTest(input.pilot?.productionWindows);
  const clip = afterClip(days);
  const totals = sumDays(days, inWindow);
  return {
    range: { from: input.from, to: input.to, timeZone: input.timeZone, days: days.map((d) => d.day) },
    pilot: input.pilot ? { name: input.pilot.name } : null,
    windows: { source: input.pilot?.productionWindows ? 'config' : 'machines-or-stream', hours: totals.windowHours },
    conversion: {
      walkIns: totals.walkIns,
      orders: totals.orders,
      rate: ratio(totals.orders, totals.walkIns),
      byDay: totals.byDay,
      byHour: hours(days, inWindow, clip),
    },
    walkIns: { openHours: totals.openHours, perOpenHour: ratio(totals.walkIns, totals.openHours), windowUplift: windowUplift(days, inWindow, clip) },
    adjacent: { units: totals.adjacent, perWalkIn: ratio(totals.adjacent, totals.walkIns), windowLift: adjacentWindowLift(days, inWindow) },
    social: { ...socialReach(scan, inRange), afterClipLift: afterClipLift(days, inWindow, clip) },
    throughput: {
      unitsMade: totals.made,
      openHours: totals.openHours,
      floorAreaM2: input.pilot?.floorAreaM2 ?? null,
      perOpenHourPerM2: input.pilot && totals.openHours > 0 ? totals.made / totals.openHours / input.pilot.floorAreaM2 : null,
      sameDayPickup: { ready: scan.pickup.ready, pickedUp: scan.pickup.picked, rate: ratio(scan.pickup.picked, scan.pickup.ready) },
    },
    economics: economicsFigures(scan),
    demand: { ...periodicity(days), forecast: demandForecast(days) },
    ...(input.compare && input.pilot ? { comparison: comparison(days, input.pilot) } : {}),
  };
}

function ratio(a: number, b: number): number | null {
  return b > 0 ? a / b : null;
}

function sumDays(days: readonly DayCells[], inWindow: WindowTest) {
  const t = { walkIns: 0, orders: 0, adjacent: 0, made: 0, openHours: 0, windowHours: 0, byDay: [] as ReportDay[] };
  for (const d of days) {
    const sum = (row: readonly number[]) => row.reduce((a, b) => a + b, 0);
    const day: ReportDay = {
      day: d.day,
      walkIns: sum(d.walkIns),
      orders: sum(d.orders),
      conversion: null,
      openHours: 0,
      windowHours: 0,
      adjacentUnits: sum(d.adjacent),
      unitsMade: sum(d.made),
    };
    day.conversion = ratio(day.orders, day.walkIns);
    for (let h = 0; h < 24; h++) {
      if (!d.open(h)) continue;
      day.openHours++;
      if (inWindow(d, h)) day.windowHours++;
    }
    t.byDay.push(day);
    t.walkIns += day.walkIns;
    t.orders += day.orders;
    t.adjacent += day.adjacentUnits;
    t.made += day.unitsMade;
    t.openHours += day.openHours;
    t.windowHours += day.windowHours;
  }
  return t;
}

/** Conversion per open hour. */
function hours(days: readonly DayCells[], inWindow: WindowTest, clip: (d: DayCells, h: number) => boolean): ReportHour[] {
  const out: ReportHour[] = [];
  for (const d of days) {
    for (let h = 0; h < 24; h++) {
      if (!d.open(h)) continue;
      const walkIns = d.walkIns[h]!;
      const orders = d.orders[h]!;
      out.push({ day: d.day, hour: h, walkIns, orders, conversion: ratio(orders, walkIns), window: inWindow(d, h), clipBefore: clip(d, h) });
    }
  }
  return out;
}

function comparison(days: readonly DayCells[], pilot: PilotConfig): NonNullable<PilotReport['comparison']> {
  const within = (from: string, to: string) => days.filter((d) => d.day >= from && d.day <= to);
  const figures = periodComparison(within(pilot.from, pilot.to), within(pilot.baseline.from, pilot.baseline.to));
  return { pilot: { from: pilot.from, to: pilot.to }, baseline: { ...pilot.baseline }, ...figures };
}
