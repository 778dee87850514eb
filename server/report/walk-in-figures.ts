import type { ReportEstimate } from '../../shared/report.js';
import { bootstrap } from './bootstrap.js';
import type { DayCells } from './day-cells.js';
import { periodLift, stratifiedLift, type HourMeasure } from './lift.js';
import type { WindowTest } from './windows.js';

type Flag = (day: DayCells, hour: number) => boolean;

/** The hour of the week (0 Monday 00:00 … 167 Sunday 23:00): what a treated hour is compared with. */
const hourOfWeek = (day: DayCells, hour: number) => day.weekday * 24 + hour;
const open = (day: DayCells, hour: number) => day.open(hour);
const walkIns = (day: DayCells, hour: number) => day.walkIns[hour]!;
const adjacent = (day: DayCells, hour: number) => day.adjacent[hour]!;
const one = () => 1;

/**
 * Walk-ins per open hour in production windows against outside them, hour of the week by hour of the week, leaving
 * out the hours right after a clip (their own effect), with its interval over days.
 */
export function windowUplift(days: readonly DayCells[], inWindow: WindowTest, clip: Flag): ReportEstimate {
  const m: HourMeasure = { eligible: (d, h) => open(d, h) && !clip(d, h), treated: inWindow, stratum: hourOfWeek, value: walkIns, weight: one };
  return bootstrap([days], ([sample]) => stratifiedLift(sample!, m));
}

/** Adjacent units per walk-in in production windows against outside them, likewise. */
export function adjacentWindowLift(days: readonly DayCells[], inWindow: WindowTest): ReportEstimate {
  const m: HourMeasure = { eligible: (d, h) => d.walkIns[h]! > 0, treated: inWindow, stratum: hourOfWeek, value: adjacent, weight: walkIns };
  return bootstrap([days], ([sample]) => stratifiedLift(sample!, m));
}

/** Walk-ins in the hour after a clip was published against the same hours of the week (and window or not) without one. */
export function afterClipLift(days: readonly DayCells[], inWindow: WindowTest, clip: Flag): ReportEstimate {
  const stratum = (d: DayCells, h: number) => hourOfWeek(d, h) * 2 + (inWindow(d, h) ? 1 : 0);
  const m: HourMeasure = { eligible: open, treated: clip, stratum, value: walkIns, weight: one };
  return bootstrap([days], ([sample]) => stratifiedLift(sample!, m));
}

/** The pilot's days against the baseline's: walk-ins per open hour, adjacent units per walk-in, conversion. */
export function periodComparison(
  pilot: readonly DayCells[],
  baseline: readonly DayCells[],
): Record<'walkInsPerOpenHour' | 'adjacentPerWalkIn' | 'conversion', ReportEstimate> {
  const perHour = { eligible: open, value: walkIns, weight: one };
  const perWalkIn = { eligible: open, value: adjacent, weight: walkIns };
  const conversion = { eligible: open, value: (d: DayCells, h: number) => d.orders[h]!, weight: walkIns };
  const compare = (m: Pick<HourMeasure, 'eligible' | 'value' | 'weight'>) => bootstrap([pilot, baseline], ([p, b]) => periodLift(p!, b!, m));
  return { walkInsPerOpenHour: compare(perHour), adjacentPerWalkIn: compare(perWalkIn), conversion: compare(conversion) };
}
