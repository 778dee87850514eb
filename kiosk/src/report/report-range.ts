import { storeDay } from '../../../shared/store-time.js';

/** The ranges the page offers: the store's today, its week so far (Monday first), the pilot's days, the pilot and its baseline. */
export type RangeKind = 'today' | 'week' | 'pilot' | 'compare';

/** The store's Monday of the week `day` (`YYYY-MM-DD`) falls in: calendar arithmetic on the date alone, zone-free. */
export function mondayOf(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

/** The query for a range on the store's clock: without from/to the hub answers the pilot's days (docs/protocol.md). */
export function rangeQuery(kind: RangeKind, now: number, timeZone: string | undefined): string {
  const today = storeDay(now, timeZone);
  if (kind === 'today') return `from=${today}&to=${today}`;
  if (kind === 'week') return `from=${mondayOf(today)}&to=${today}`;
  if (kind === 'compare') return 'compare=baseline';
  return '';
}
