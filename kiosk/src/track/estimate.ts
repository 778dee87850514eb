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
