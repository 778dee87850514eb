import { describe, expect, it } from 'vitest';
import { Figures, nearestRank } from '../server/insight/figures.js';
import type { Machine } from '../shared/schemas/machine.js';
import type { Order, OrderStatus } from '../shared/schemas/order.js';

const DAY = new Date(2026, 10, 24).getTime();
const at = (hhmm: string) => DAY + (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * 60_000;

function o(id: string, sku: string, status: OrderStatus, time: string): Order {
  return { id, number: id, items: [{ sku, qty: 1 }], status, updatedAt: at(time) };
}
function m(state: Machine['state'], time: string): Machine {
  return { id: 'oven-1', name: 'Oven', kind: 'oven', state, updatedAt: at(time) };
}

/** A scripted morning: every figure below is worked out by hand in the comments. */
function scriptedDay(): { figures: Figures; active: Order[] } {
  const figures = new Figures();
  const script: (Order | Machine)[] = [
    m('idle', '09:00'),
    o('A', 'bun', 'queued', '09:30'),
    m('running', '09:30'),
    o('A', 'bun', 'ready', '09:35'), // 300 s
    o('A', 'bun', 'picked_up', '09:40'),
    o('B', 'bun', 'queued', '09:45'),
    o('B', 'bun', 'ready', '09:55'), // 600 s, never picked up
    m('fault', '10:00'),
    o('C', 'tote', 'queued', '10:05'),
    o('C', 'tote', 'in_production', '10:06'),
    o('D', 'bun', 'queued', '10:10'),
    m('running', '10:10'),
    o('C', 'tote', 'ready', '10:12'), // 420 s
    o('C', 'tote', 'picked_up', '10:15'),
    o('E', 'tote', 'queued', '10:20'),
    o('E', 'tote', 'ready', '10:24'), // 240 s
    o('D', 'bun', 'ready', '10:25'), // 900 s
    o('D', 'bun', 'picked_up', '10:30'),
    o('F', 'bun', 'ready', '10:40'), // first seen ready: counted as ready, not timed
    m('idle', '10:40'),
    o('G', 'bun', 'queued', '10:50'),
    o('H', 'tote', 'queued', '10:55'),
  ];
  for (const e of script) {
    if ('items' in e) figures.observeOrder(e);
    else figures.observeMachine(e);
  }
  return { figures, active: [o('G', 'bun', 'queued', '10:50'), o('H', 'tote', 'queued', '10:55')] };
}

describe('production figures', () => {
  it('gives the exact figures of a scripted day', () => {
    const { figures, active } = scriptedDay();
    const f = figures.compute(at('11:00'), active);
    // Today: 240 300 420 600 900 -> nearest rank p50 = 3rd = 420, p90 = 5th = 900.
    expect(f.orderToReady.today).toEqual({ count: 5, p50: 420, p90: 900 });
    // Last hour (ready at or after 10:00): 240 420 900.
    expect(f.orderToReady.lastHour).toEqual({ count: 3, p50: 420, p90: 900 });
    // Ready in the last hour: C, E, D, F; bun: D, F; tote: C, E. Today: A–F over 1.5 h since 09:30.
    expect(f.throughput).toEqual({ readyLastHour: 4, readyToday: 6, perHourToday: 4, bySkuLastHour: { bun: 2, tote: 2 } });
    // Picked up today: A, C, D of six ready.
    expect(f.pickup).toEqual({ readyToday: 6, pickedUpToday: 3, rate: 0.5 });
    expect(f.queue).toEqual({ length: 2, oldestAgeSeconds: 600 });
    // Reporting since 09:00 (2 h); running 09:30–10:00 and 10:10–10:40; fault 10:00–10:10.
    expect(f.machines['oven-1']).toEqual({ name: 'Oven', utilisation: 0.5, runningSeconds: 3600, faultSeconds: 600, observedSeconds: 7200 });
  });

  it('estimates waits from the queue ahead and the recent pace, and refuses to guess without a basis', () => {
    const { figures, active } = scriptedDay();
    // Ready in the last hour at 10:12, 10:24, 10:25, 10:40: one every 28/3 min, but nothing since,
    // 20 min: counted as one more gap, 48 min for four is one every 12 min. G is first, H second; both
    // wait 20 min already spent, at most half a pace of it: G 12 - 6 = 6, H 24 - 6 = 18.
    expect(figures.etaMinutes('G', at('11:00'), active)).toBe(6);
    expect(figures.etaMinutes('H', at('11:00'), active)).toBe(18);
    expect(figures.etaMinutes('A', at('11:00'), active)).toBeNull();
    expect(new Figures().etaMinutes('G', at('11:00'), active)).toBeNull();
  });

  it('counts the wait down as time passes on pace, and lengthens it while nothing turns ready', () => {
    const figures = new Figures();
    for (const e of [o('P', 'bun', 'queued', '10:00'), o('Q', 'bun', 'queued', '10:02'), o('X', 'bun', 'queued', '10:05')]) figures.observeOrder(e);
    figures.observeOrder(o('P', 'bun', 'ready', '10:00'));
    figures.observeOrder(o('Q', 'bun', 'ready', '10:10'));
    const active = [o('X', 'bun', 'queued', '10:05')];
    // One every 10 min, X next: 10 min after the last, less the time since (at most half a pace).
    expect(figures.estimate('X', at('10:11'), active)).toEqual({ etaMinutes: 9, readyBy: at('10:20') });
    expect(figures.etaMinutes('X', at('10:14'), active)).toBe(6);
    expect(figures.etaMinutes('X', at('10:16'), active)).toBe(5);
    // Nothing since 10:10: at 10:40 the pace counted so far is 40 min for two, one every 20 min.
    expect(figures.estimate('X', at('10:40'), active)).toEqual({ etaMinutes: 10, readyBy: at('10:50') });
    // The queue moves: another order placed after X waits behind it.
    const behind = [...active, o('Y', 'bun', 'queued', '10:12')];
    figures.observeOrder(behind[1]!);
    expect(figures.etaMinutes('Y', at('10:13'), behind)).toBe(17);
  });

  it('ranks by nearest rank', () => {
    expect(nearestRank([], 0.5)).toBeNull();
    expect(nearestRank([7], 0.9)).toBe(7);
    expect(nearestRank([1, 2, 3, 4], 0.5)).toBe(2);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
  });
});
