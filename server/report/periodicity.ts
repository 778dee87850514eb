import type { DemandPeak, SkuDemand } from '../../shared/report.js';
import type { DayCells } from './day-cells.js';

/** A peak stands at least this far above the mean of the hours that sold anything. */
const PEAK_OVER_MEAN = 1.25;
const MAX_PEAKS = 3;
const WEEKEND = new Set([5, 6]);

/** Mean units per day for each hour, over days of the given kind. */
function profile(days: readonly DayCells[], row: (d: DayCells) => readonly number[] | undefined): number[] {
  const sum = new Array<number>(24).fill(0);
  for (const d of days) row(d)?.forEach((u, h) => (sum[h]! += u));
  return sum.map((s) => (days.length > 0 ? s / days.length : 0));
}

/**
 * The peaks of a daily profile: hours that sell more than both neighbours (the first of a flat top) and at least
 * 25% more than the mean of the hours that sell anything, the largest first, at most three.
 */
export function peaks(hourly: readonly number[]): DemandPeak[] {
  const selling = hourly.filter((u) => u > 0);
  if (selling.length === 0) return [];
  const mean = selling.reduce((a, b) => a + b, 0) / selling.length;
  const found: DemandPeak[] = [];
  hourly.forEach((u, h) => {
    const before = hourly[h - 1] ?? 0;
    const after = hourly[h + 1] ?? 0;
    if (u > before && u >= after && u >= PEAK_OVER_MEAN * mean) found.push({ hour: h, units: u });
  });
  return found.sort((a, b) => b.units - a.units || a.hour - b.hour).slice(0, MAX_PEAKS);
}

/** Hour-of-day × day-of-week demand per SKU and for all, with the peaks of weekdays (Mon–Fri) and weekends. */
export function periodicity(days: readonly DayCells[]): { skus: SkuDemand[]; weekdayPeaks: DemandPeak[]; weekendPeaks: DemandPeak[] } {
  const weekdays = days.filter((d) => !WEEKEND.has(d.weekday));
  const weekends = days.filter((d) => WEEKEND.has(d.weekday));
  const skus = [...new Set(days.flatMap((d) => [...d.demand.keys()]))].sort();
  const bySku = skus.map((sku): SkuDemand => {
    const row = (d: DayCells) => d.demand.get(sku);
    const byWeekdayHour = Array.from({ length: 7 }, (_, wd) =>
      profile(
        days.filter((d) => d.weekday === wd),
        row,
      ),
    );
    const units = days.reduce((n, d) => n + (row(d)?.reduce((a, b) => a + b, 0) ?? 0), 0);
    return { sku, units, byWeekdayHour, weekdayPeaks: peaks(profile(weekdays, row)), weekendPeaks: peaks(profile(weekends, row)) };
  });
  const total = (d: DayCells) => d.totalDemand();
  return { skus: bySku, weekdayPeaks: peaks(profile(weekdays, total)), weekendPeaks: peaks(profile(weekends, total)) };
}
