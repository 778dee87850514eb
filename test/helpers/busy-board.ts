import type { Machine } from '../../shared/schemas/machine.js';
import type { Order } from '../../shared/schemas/order.js';

const NAMES = ['Ana', 'Ben', 'Chloé', 'Dev', 'Emre', 'Freya', 'Gus', 'Hana', 'Ivo', 'Jun', 'Kai', 'Lena', 'Mo', 'Nia', 'Oskar', 'Priya', 'Quinn', 'Rosa', 'Sami', 'Tove', 'Ulla', 'Vik', 'Wen', 'Xavi', 'Yara', 'Zoe', 'Alma', 'Bo'];

/** The busy board the issue asks screenshots of: 20 preparing, 8 ready, 3 machines (one in fault). */
export function busyBoard(now: number): { orders: Order[]; machines: Machine[] } {
  const orders: Order[] = Array.from({ length: 28 }, (_, i) => ({
    id: `busy-${i}`,
    number: String(201 + i),
    ...(i % 5 === 4 ? {} : { name: NAMES[i]! }),
    items: [{ sku: 'cardamom-bun', qty: 1 + (i % 3) }],
    status: i < 8 ? 'ready' : i < 16 ? 'in_production' : 'queued',
    updatedAt: now - 600_000 + i * 1_000,
  }));
  const machines: Machine[] = [
    { id: 'oven-1', name: 'Stone oven', kind: 'oven', state: 'running', batch: { sku: 'cardamom-bun', label: 'Cardamom buns', qty: 12, startedAt: now - 540_000, endsAt: now + 360_000 }, readings: { tempC: 218 }, updatedAt: now },
    { id: 'finishing-1', name: 'Glazing bench', kind: 'finishing', state: 'fault', readings: { tempC: 41 }, updatedAt: now },
    { id: 'printer-1', name: 'Textile printer', kind: 'printer', state: 'running', batch: { sku: 'tote', label: 'Tote bags', qty: 6, startedAt: now - 60_000, endsAt: now + 240_000 }, readings: { inkPct: 64 }, updatedAt: now },
  ];
  return { orders, machines };
}
