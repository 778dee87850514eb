import type { DayCells } from './day-cells.js';

/** What a lift compares, hour by hour: the figure's numerator and denominator, and which hours take part. */
export interface HourMeasure {
  /** The hours that take part (open hours, less those another effect would muddle). */
  eligible(day: DayCells, hour: number): boolean;
  /** The hours that got the treatment (a production window, the hour after a clip). */
  treated(day: DayCells, hour: number): boolean;
  /** Hours are compared only with hours of the same stratum: the same hour of the week, as a rule. */
  stratum(day: DayCells, hour: number): number;
  /** Walk-ins (for walk-ins per open hour) or adjacent units (per walk-in). */
  value(day: DayCells, hour: number): number;
  /** 1 (per open hour) or walk-ins (per walk-in). */
  weight(day: DayCells, hour: number): number;
}

/**
 * Lift of treated hours over untreated ones, by indirect standardisation: each treated hour is expected to do what
 * the untreated hours of its stratum did on average (per unit of weight), and the lift is observed ÷ expected − 1,
 * over the strata that have both. Comparing like hours with like (12:00 on a Tuesday with 12:00 on a Tuesday) keeps
 * the day's own rhythm from passing for an effect. Null when no treated hour has an untreated one to compare with.
 */
export function stratifiedLift(days: readonly DayCells[], m: HourMeasure): number | null {
  const control = new Map<number, { value: number; weight: number }>();
  const treated = new Map<number, { value: number; weight: number }>();
  for (const day of days) {
    for (let h = 0; h < 24; h++) {
      if (!m.eligible(day, h)) continue;
      const into = m.treated(day, h) ? treated : control;
      const key = m.stratum(day, h);
      const cell = into.get(key) ?? { value: 0, weight: 0 };
      cell.value += m.value(day, h);
      cell.weight += m.weight(day, h);
      into.set(key, cell);
    }
  }
  let observed = 0;
  let expected = 0;
  for (const [key, t] of treated) {
    const c = control.get(key);
    if (!c || c.weight === 0) continue;
    observed += t.value;
    expected += (t.weight * c.value) / c.weight;
  }
  return expected > 0 ? observed / expected - 1 : null;
}

/** The rate Σ value ÷ Σ weight over the eligible hours of some days, or null without weight. */
export function rate(days: readonly DayCells[], m: Pick<HourMeasure, 'eligible' | 'value' | 'weight'>): number | null {
  let value = 0;
  let weight = 0;
  for (const day of days) {
    for (let h = 0; h < 24; h++) {
      if (!m.eligible(day, h)) continue;
      value += m.value(day, h);
      weight += m.weight(day, h);
    }
  }
  return weight > 0 ? value / weight : null;
}

/** One period's rate against another's, − 1: the pilot against the baseline. */
export function periodLift(pilot: readonly DayCells[], baseline: readonly DayCells[], m: Pick<HourMeasure, 'eligible' | 'value' | 'weight'>): number | null {
  const a = rate(pilot, m);
  const b = rate(baseline, m);
  return a === null || b === null || b === 0 ? null : a / b - 1;
}
