import { HIGHLIGHT_MAX_ORDERS } from '../../shared/schemas/director.js';
import type { Run } from '../../shared/schemas/run.js';
import type { Board } from '../board/board.js';

/**
 * The run a highlight is about and its order numbers: its own run, or the run in its machine (the one the
 * machine's event names, else the one running on it). Numbers, not ids: they are what the social team and
 * the customers see. Orders no longer on the board are left out; at most HIGHLIGHT_MAX_ORDERS.
 */
export function highlightOrders(
  board: Board,
  about: { run?: Run | undefined; runId?: string | undefined; machine?: string | undefined },
): { run?: string; orders: string[] } {
  const runs = [...board.runs()];
  const runId = about.runId ?? (about.machine ? board.machine(about.machine)?.batch?.runId : undefined);
  const run =
    about.run ??
    runs.find((r) => r.id === runId) ??
    (about.machine ? runs.find((r) => r.machine === about.machine && (r.status === 'running' || r.status === 'loading')) : undefined);
  if (!run) return { orders: [] };
  if (run.allocations.length === 0) return { run: run.id, orders: [] };
  const wanted = new Set(run.allocations.map((a) => a.orderId));
  const numbers: string[] = [];
  for (const order of board.orders()) {
    if (wanted.has(order.id)) numbers.push(order.number);
    if (numbers.length >= HIGHLIGHT_MAX_ORDERS) break;
  }
  return { run: run.id, orders: numbers.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })) };
}
