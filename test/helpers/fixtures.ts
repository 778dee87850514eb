import type { Machine } from '../../shared/schemas/machine.js';
import type { Order } from '../../shared/schemas/order.js';

let n = 0;
// Recent, so no fixture is already past the 30-minute ready time-out when a test starts.
const BASE = Date.now() - 600_000;

export function order(over: Partial<Order> = {}): Order {
  n++;
  return { id: `o-${n}-${Math.random().toString(36).slice(2, 8)}`, number: String(100 + (n % 900)), name: 'Ana', items: [{ sku: 'cardamom-bun', qty: 2 }], status: 'queued', updatedAt: BASE + n, ...over };
}

export function machine(over: Partial<Machine> = {}): Machine {
  return { id: 'oven-1', name: 'Oven 1', kind: 'oven', state: 'running', readings: { tempC: 218 }, updatedAt: BASE + ++n, ...over };
}
