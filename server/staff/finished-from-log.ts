import { isActiveOrder, type Order } from '../../shared/schemas/order.js';
import type { EventLog } from '../state/event-log.js';

/**
 * The orders the log saw leave the board between `from` and `to` and not back on it since (each as its last entry
 * has it), newest first, at most `max`: the console's Recall list as it stood before a restart. Read a page at a
 * time; only the latest entry per order is held.
 */
export async function finishedFromLog(events: EventLog, from: number, to: number, max: number): Promise<Order[]> {
  const last = new Map<string, { order: Order; off: boolean }>();
  for await (const page of events.pages(from, to)) {
    for (const entry of page) {
      if (entry.type !== 'order') continue;
      // Deleted and set again, so the map's order is the order of each one's latest entry.
      last.delete(entry.order.id);
      // Off the board: picked up, cancelled, or removed (the ready time-out, a sweep).
      last.set(entry.order.id, { order: entry.order, off: entry.removed === true || !isActiveOrder(entry.order) });
    }
  }
  const off = [...last.values()].filter((e) => e.off);
  return off
    .slice(-max)
    .reverse()
    .map((e) => e.order);
}
