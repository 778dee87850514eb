/**
 * Which order a `/track/NUMBER` link means. Kiosk numbers restart every day while an unfinished
 * order of an earlier day may still be on the board, so the hub and the phone page resolve a
 * number the same way, here. Pure and free of zod: the tracker page imports it.
 */

export { storeDay } from './store-time.js';

/** `kiosk-YYYY-MM-DD-N-XXXXXXXX` (8 random hex digits), or without the tail as kiosks made them before 2026-12-04. */
const KIOSK_ID = /^kiosk-(\d{4}-\d{2}-\d{2})-\d+(?:-[0-9a-f]{8})?$/;

/** The day a kiosk order was placed, from its id; undefined for other doors' orders. */
export function kioskDay(id: string): string | undefined {
  return KIOSK_ID.exec(id)?.[1];
}

interface Trackable {
  id: string;
  number: string;
  name?: string | undefined;
  updatedAt: number;
}

/**
 * The order under `number`: today's first, then one whose day is not known (a POS's), then one of
 * another day, which is given without its name: a customer following today's K101 must never see
 * yesterday's "Yara".
 */
export function trackedOrder<T extends Trackable>(orders: Iterable<T>, number: string, today: string): T | undefined {
  let best: { order: T; rank: number } | undefined;
  for (const order of orders) {
    if (order.number !== number) continue;
    const day = kioskDay(order.id);
    const rank = day === today ? 0 : day === undefined ? 1 : 2;
    if (!best || rank < best.rank || (rank === best.rank && order.updatedAt > best.order.updatedAt)) best = { order, rank };
  }
  if (!best || best.rank < 2 || best.order.name === undefined) return best?.order;
  const { name: _name, ...nameless } = best.order;
  return nameless as T;
}
