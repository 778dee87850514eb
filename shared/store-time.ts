/**
 * The store's calendar, in its own time zone (`timeZone` in the config). The hub may run in UTC on a
 * server, and a phone may be set to anything: the day a kiosk number restarts, "today" in the figures
 * and a date in an export link all mean the store's day. Pure: Intl only, so every page can use it.
 */

/** `undefined` means the zone of the machine running the code (the hub's default). */
export type TimeZone = string | undefined;

const dayFormats = new Map<string, Intl.DateTimeFormat>();

// en-CA formats a date as YYYY-MM-DD; the parts are read by type, so the locale only fixes digits.
function dayFormat(timeZone: TimeZone): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = dayFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    dayFormats.set(key, f);
  }
  return f;
}

interface Wall {
  y: number;
  m: number;
  d: number;
  h: number;
  min: number;
  s: number;
}

function wall(at: number, timeZone: TimeZone): Wall {
  const parts: Record<string, number> = {};
  for (const p of dayFormat(timeZone).formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { y: parts.year!, m: parts.month!, d: parts.day!, h: parts.hour!, min: parts.minute!, s: parts.second! };
}

/** Whether Intl knows the zone (`Europe/Stockholm`, `UTC`); a typo must be refused at start, not at midnight. */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

/** The store's calendar day of `at`, `YYYY-MM-DD`. */
export function storeDay(at: number, timeZone?: TimeZone): string {
  const w = wall(at, timeZone);
  return `${w.y}-${String(w.m).padStart(2, '0')}-${String(w.d).padStart(2, '0')}`;
}

/** The first instant of calendar day `day` (`YYYY-MM-DD`) in the zone, epoch ms. */
export function dayStartOf(day: string, timeZone?: TimeZone): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  // Every zone's midnight lies within 15 h of UTC's. Search, to the second, for the first instant the zone
  // calls `day` or later: the day string only moves forward, so this holds where a clock change skips
  // midnight (the day starts at 01:00), repeats it (the first 00:00), or moves by other than an hour.
  let lo = Math.floor((Date.UTC(y, m - 1, d) - 15 * 3_600_000) / 1000); // before the day, in seconds
  let hi = Math.floor((Date.UTC(y, m - 1, d) + 15 * 3_600_000) / 1000); // within or after it
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (storeDay(mid * 1000, timeZone) >= day) hi = mid;
    else lo = mid;
  }
  return hi * 1000;
}

/** The first instant of the store's day that `at` falls in, epoch ms. */
export function dayStart(at: number, timeZone?: TimeZone): number {
  return dayStartOf(storeDay(at, timeZone), timeZone);
}

/** The last millisecond of calendar day `day` in the zone. */
export function dayEndOf(day: string, timeZone?: TimeZone): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
  return dayStartOf(next, timeZone) - 1;
}

/** `HH:MM` on calendar day `day` in the zone, epoch ms: the first instant the zone's clock reads that time or later that day (a time a clock change skips is the first moment after it). */
export function wallTimeOn(day: string, hhmm: string, timeZone?: TimeZone): number {
  const [h, min] = hhmm.split(':').map(Number) as [number, number];
  const target = h * 60 + min;
  const start = dayStartOf(day, timeZone);
  const end = dayEndOf(day, timeZone) + 1;
  // The zone's clock only moves forward within a day but for a repeated hour: a search finds the first instant at
  // or past the target (for a time within a repeated hour, one of the two instants that read it).
  let lo = Math.floor(start / 60_000) - 1;
  let hi = Math.ceil(end / 60_000);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const d = storeDay(mid * 60_000, timeZone);
    const w = wall(mid * 60_000, timeZone);
    const reached = d > day || (d === day && w.h * 60 + w.min >= target);
    if (reached) hi = mid;
    else lo = mid;
  }
  return Math.max(start, Math.min(hi * 60_000, end));
}

/** The store's clock at `at`: hour (0–23), minute and second. */
export function wallClock(at: number, timeZone?: TimeZone): { h: number; min: number; s: number } {
  const w = wall(at, timeZone);
  return { h: w.h, min: w.min, s: w.s };
}
