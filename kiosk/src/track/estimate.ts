import type { OrderStatus } from '../../../shared/schemas/order.js';

/** What the tracker says about the wait: minutes to go, running late, or nothing (no basis, or not waiting). */
export type WaitWords = { kind: 'minutes'; minutes: number } | { kind: 'late' } | null;

/**
 * The wait as the customer reads it, at `now` on the phone's clock. Past the promise it says the
 * order is running late instead of a number that keeps shrinking; before it, the minutes to the
 * hub's `readyBy`, counted down between the hub's answers, never under 1.
 */
export function waitWords(now: number, status: OrderStatus, readyBy: number | null, dueAt: number | null): WaitWords {
  if (status !== 'queued' && status !== 'in_production') return null;
  if (dueAt !== null && now >= dueAt) return { kind: 'late' };
  if (readyBy === null) return null;
  return { kind: 'minutes', minutes: Math.max(1, Math.ceil((readyBy - now) / 60_000)) };
}

/**
 * What the hub's estimate depends on, in a word: how many orders wait and how many are ready. It
 * changes when the queue moves (an order leaves it or turns ready), not when a machine reports.
 */
export function queueKey(orders: readonly { status: OrderStatus }[]): string {
  let waiting = 0;
  let ready = 0;
  for (const o of orders) {
    if (o.status === 'queued' || o.status === 'in_production') waiting++;
    else if (o.status === 'ready') ready++;
  }
  return `${waiting}/${ready}`;
}
