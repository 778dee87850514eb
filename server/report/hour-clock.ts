import { dayStartOf, storeDay, wallClock, type TimeZone } from '../../shared/store-time.js';

const SLOT_MS = 15 * 60_000;
const WEEKDAY_OF = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** Where an instant falls on the store's clock: its day, its hour (0–23) and the day's weekday (0 Monday … 6 Sunday). */
export interface StoreHour {
  day: string;
  hour: number;
  weekday: number;
}

/** The weekday of a store day `YYYY-MM-DD`, 0 Monday … 6 Sunday (ISO 8601, as `pilot.productionWindows` names them). */
export function weekdayOf(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7;
}

export function weekdayName(weekday: number): string {
  return WEEKDAY_OF[(weekday + 1) % 7]!;
}

/** The day after `day`, `YYYY-MM-DD`. */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/**
 * The store's hour of an instant, remembered per quarter hour: Intl is slow, and a report asks for every one of a
 * million events. A quarter hour never straddles a change of the store's hour (every zone's offset is a multiple of 15 min).
 */
export class HourClock {
  readonly timeZone: TimeZone;
  #slots = new Map<number, StoreHour>();

  constructor(timeZone: TimeZone) {
    this.timeZone = timeZone;
  }

  of(at: number): StoreHour {
    const slot = Math.floor(at / SLOT_MS);
    let found = this.#slots.get(slot);
    if (!found) {
      const day = storeDay(at, this.timeZone);
      found = { day, hour: wallClock(at, this.timeZone).h, weekday: weekdayOf(day) };
      if (this.#slots.size > 100_000) this.#slots.clear();
      this.#slots.set(slot, found);
    }
    return found;
  }

  dayStart(day: string): number {
    return dayStartOf(day, this.timeZone);
  }
}
