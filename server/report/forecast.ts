import type { DemandForecast } from '../../shared/report.js';
import type { DayCells } from './day-cells.js';
import { nextDay, weekdayOf } from './hour-clock.js';

/** How far back the profile looks, and the recent level. */
const PROFILE_DAYS = 28;
const LEVEL_DAYS = 7;
/** Days held back to measure the forecast against seasonal naive (which needs a week before each). */
const HELD_BACK = 7;
const SEASON = 7;

const dayType = (weekday: number) => (weekday >= 5 ? 'weekend' : 'weekday');

/**
 * The day-type profile forecast (docs/protocol.md, "The pilot report"): tomorrow's units in each hour are the mean of
 * that hour over the last 28 days of the same type (Monday to Friday, or Saturday and Sunday), times the recent level
 * (the last 7 days' units over what their profiles say). Pooling the weekdays averages out one day's noise, which
 * seasonal naive (the same hour a week before) carries whole.
 */
export function forecastDay(history: readonly DayCells[], weekday: number, row: (d: DayCells) => readonly number[] | undefined): number[] {
  const recent = history.slice(-PROFILE_DAYS);
  const profiles = new Map<string, number[]>();
  for (const type of ['weekday', 'weekend']) {
    const same = recent.filter((d) => dayType(d.weekday) === type);
    const sum = new Array<number>(24).fill(0);
    for (const d of same) row(d)?.forEach((u, h) => (sum[h]! += u));
    profiles.set(
      type,
      sum.map((s) => (same.length > 0 ? s / same.length : 0)),
    );
  }
  let actual = 0;
  let fitted = 0;
  for (const d of history.slice(-LEVEL_DAYS)) {
    actual += row(d)?.reduce((a, b) => a + b, 0) ?? 0;
    fitted += profiles.get(dayType(d.weekday))!.reduce((a, b) => a + b, 0);
  }
  const level = fitted > 0 ? actual / fitted : 1;
  return profiles.get(dayType(weekday))!.map((u) => u * level);
}

/** Mean absolute percentage error over the hours that sold anything. */
function mape(pairs: readonly [forecast: number, actual: number][]): number | null {
  const sold = pairs.filter(([, a]) => a > 0);
  return sold.length > 0 ? sold.reduce((s, [f, a]) => s + Math.abs(f - a) / a, 0) / sold.length : null;
}

/** Tomorrow's forecast per hour (all units and per SKU), and its error on the last days held back against seasonal naive. */
export function demandForecast(days: readonly DayCells[]): DemandForecast {
  const total = (d: DayCells) => d.totalDemand();
  const last = days.at(-1);
  const day = last ? nextDay(last.day) : '';
  const weekday = day ? weekdayOf(day) : 0;
  const skus = [...new Set(days.flatMap((d) => [...d.demand.keys()]))].sort();
  const bySku = Object.fromEntries(skus.map((sku) => [sku, forecastDay(days, weekday, (d) => d.demand.get(sku))]));
  const held = Math.max(0, Math.min(HELD_BACK, days.length - SEASON - 1));
  const model: [number, number][] = [];
  const naive: [number, number][] = [];
  for (let i = days.length - held; i < days.length; i++) {
    const actual = total(days[i]!);
    const f = forecastDay(days.slice(0, i), days[i]!.weekday, total);
    const lastWeek = total(days[i - SEASON]!);
    actual.forEach((a, h) => {
      model.push([f[h]!, a]);
      naive.push([lastWeek[h]!, a]);
    });
  }
  const m = mape(model);
  const n = mape(naive);
  return {
    day,
    method: 'day-type-profile',
    hourly: forecastDay(days, weekday, total),
    bySku,
    evaluation: {
      heldBackDays: days.slice(days.length - held).map((d) => d.day),
      mape: m,
      seasonalNaiveMape: n,
      improvement: m !== null && n ? 1 - m / n : null,
    },
  };
}
