import { describe, expect, it } from 'vitest';
import { Machine } from '../shared/schemas/machine.js';
import { Order } from '../shared/schemas/order.js';
import { PopUpSimulator } from '../scripts/simulator.js';

describe('the demo simulator', () => {
  it('plays a believable hour in which every event passes the contract', () => {
    const start = Date.UTC(2026, 10, 24, 10);
    const sim = new PopUpSimulator(start);
    const events = [];
    for (let t = start; t <= start + 3_600_000; t += 500) events.push(...sim.step(t));
    for (const e of events) {
      const parsed = e.kind === 'order' ? Order.safeParse(e.order) : Machine.safeParse(e.machine);
      expect(parsed.success, JSON.stringify(e)).toBe(true);
    }
    const orders = events.flatMap((e) => (e.kind === 'order' ? [e.order] : []));
    const statuses = new Set(orders.map((o) => o.status));
    expect([...statuses].sort()).toEqual(['in_production', 'picked_up', 'queued', 'ready']);
    expect(new Set(orders.map((o) => o.id)).size).toBeGreaterThan(300);
    const ovenStates = new Set(events.flatMap((e) => (e.kind === 'machine' && e.machine.id === 'oven-1' ? [e.machine.state] : [])));
    expect(ovenStates).toEqual(new Set(['idle', 'preheating', 'running', 'unloading', 'cleaning']));
  });
});
