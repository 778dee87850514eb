import { dayEndOf, storeDay, wallTimeOn, type TimeZone } from '../../shared/store-time.js';

/**
 * When the store closes on the day `now` falls in: `closesAt` (HH:MM on its clock) that day, or the day's last
 * millisecond when the store names no closing time.
 */
export function closingOn(now: number, closesAt: string | undefined, timeZone?: TimeZone): number {
  const day = storeDay(now, timeZone);
  return closesAt === undefined ? dayEndOf(day, timeZone) + 1 : wallTimeOn(day, closesAt, timeZone);
}
