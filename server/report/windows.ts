import { WEEKDAYS, type ProductionWindow } from '../../shared/schemas/pilot.js';
import type { DayCells } from './day-cells.js';

const HALF_HOUR_MS = 30 * 60_000;

/** Whether an hour of a day is inside a production window. */
export type WindowTest = (day: DayCells, hour: number) => boolean;

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/**
 * An hour is inside a production window when production was live for at least half of it: by the configured
 * windows (`pilot.productionWindows`, wall-clock times on their weekdays), else by the time any machine was
 * `running` or the stream was live in that hour.
 */
export function windowTest(windows: readonly ProductionWindow[] | undefined): WindowTest {
  if (!windows) return (day, hour) => day.liveMs[hour]! >= HALF_HOUR_MS;
  // Minutes of each hour of each weekday inside any window (windows may overlap: the union counts).
  const live = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => new Set<number>()));
  for (const w of windows) {
    const days = w.days ? w.days.map((d) => WEEKDAYS.indexOf(d)) : [0, 1, 2, 3, 4, 5, 6];
    for (const d of days) for (let m = minutes(w.from); m < minutes(w.to); m++) live[d]![Math.floor(m / 60)]!.add(m);
  }
  return (day, hour) => live[day.weekday]![hour]!.size >= 30;
}

/** The hour after a clip was published: the store hour following the one it was published in. */
export function afterClip(days: readonly DayCells[]): (day: DayCells, hour: number) => boolean {
  const index = new Map(days.map((d, i) => [d, i]));
  return (day, hour) => {
    if (hour > 0) return day.published[hour - 1]! > 0;
    const before = days[(index.get(day) ?? 0) - 1];
    return before !== undefined && before.day < day.day && before.published[23]! > 0;
  };
}
