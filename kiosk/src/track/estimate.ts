import type { TrackedRun } from '../../../shared/schemas/kiosk.js';
import type { OrderStatus } from '../../../shared/schemas/order.js';
import type { Run } from '../../../shared/schemas/run.js';

/**
 * What the tracker says about the wait: when the run it is in comes out, minutes to go, running late, or nothing
 * (no basis, or not waiting).
 */
export type WaitWords = { kind: 'run'; run: TrackedRun } | { kind: 'minutes'; minutes: number } | { kind: 'late' } | null;

/**
 * The wait as the customer reads it, at `now` on the phone's clock. A run that holds the order says when it
 * comes out, a clock time, even past the promise: a tray in the oven is a better answer than "late". Without
 * one (or once its end has passed), past the promise it says the order is running late instead of a number
 * that keeps shrinking; before it, the minutes to the hub's `readyBy`, counted down between the hub's
 * answers, never under 1.
 */
export function waitWords(now: number, status: OrderStatus, readyBy: number | null, dueAt: number | null, run: TrackedRun | null = null): WaitWords {
  if (status !== 'queued' && status !== 'in_production') return null;
  if (run && run.readyAt > now) return { kind: 'run', run };
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

/** What in the plan moves an order's estimate: a run coming, starting, moving or leaving; not telemetry. */
export function runsKey(runs: readonly Pick<Run, 'id' | 'status' | 'plannedStart' | 'endsAt' | 'allocations'>[]): string {
  return runs
    .map((r) => `${r.id}:${r.status}:${r.plannedStart}:${r.endsAt ?? ''}:${r.allocations.length}`)
    .sort()
    .join(',');
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/** "14:32" in the store's zone (from the hub's hello): a phone from abroad still reads the store's clock. */
export function storeClock(ms: number, locale: string, timeZone: string | undefined): string {
  const key = `${locale}|${timeZone ?? ''}`;
  let format = clocks.get(key);
  if (!format) clocks.set(key, (format = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone })));
  return format.format(ms);
}
