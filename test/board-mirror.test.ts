import { describe, expect, it } from 'vitest';
import { BoardMirror } from '../shared/board-mirror.js';
import { DISABLED_SCENE } from '../shared/schemas/board.js';
import { machine, order } from './helpers/fixtures.js';

function loaded(seq = 5): BoardMirror {
  const m = new BoardMirror();
  m.load({ seq, orders: [], machines: [], scene: DISABLED_SCENE, runs: [] });
  return m;
}

describe('BoardMirror', () => {
  it('reports a gap before it has a snapshot', () => {
    expect(new BoardMirror().apply({ type: 'order', seq: 1, order: order() })).toBe('gap');
  });

  it('applies the next seq, ignores repeats and reports a gap when one is skipped', () => {
    const m = loaded(5);
    const o = order();
    expect(m.apply({ type: 'order', seq: 6, order: o })).toBe('applied');
    expect(m.apply({ type: 'order', seq: 6, order: o })).toBe('stale');
    expect(m.apply({ type: 'machine', seq: 8, machine: machine() })).toBe('gap');
    expect(m.seq).toBe(6);
    expect([...m.orders.keys()]).toEqual([o.id]);
  });

  it('takes an order off when it is picked up, cancelled or removed by the ready time-out', () => {
    const m = loaded(0);
    const [a, b, c] = [order(), order(), order({ status: 'ready' })];
    m.apply({ type: 'order', seq: 1, order: a });
    m.apply({ type: 'order', seq: 2, order: b });
    m.apply({ type: 'order', seq: 3, order: c });
    m.apply({ type: 'order', seq: 4, order: { ...a, status: 'picked_up' } });
    m.apply({ type: 'order', seq: 5, order: { ...b, status: 'cancelled' } });
    m.apply({ type: 'order', seq: 6, order: c, removed: true });
    expect(m.orders.size).toBe(0);
  });

  it('replaces everything with a snapshot, even one with a lower seq (a reset store)', () => {
    const m = loaded(50);
    m.apply({ type: 'order', seq: 51, order: order() });
    m.load({ seq: 3, orders: [order({ id: 'fresh' }), order({ id: 'old', status: 'picked_up' })], machines: [], scene: DISABLED_SCENE, runs: [] });
    expect([...m.orders.keys()]).toEqual(['fresh']);
    expect(m.seq).toBe(3);
  });

  it('takes telemetry only when newer, without touching seq, and keeps newer readings when an older state change lands after them', () => {
    const m = loaded(5);
    const oven = machine({ id: 'oven-1', updatedAt: 100, readings: { tempC: 200 } });
    m.apply({ type: 'machine', seq: 6, machine: oven });
    expect(m.applyReadings({ id: 'oven-1', readings: { tempC: 210 }, updatedAt: 120 })).toBe(true);
    expect(m.applyReadings({ id: 'oven-1', readings: { tempC: 205 }, updatedAt: 110 })).toBe(false);
    expect(m.applyReadings({ id: 'no-such', readings: { tempC: 1 }, updatedAt: 999 })).toBe(false);
    expect(m.seq).toBe(6);
    expect(m.machines.get('oven-1')).toEqual({ ...oven, readings: { tempC: 210 }, updatedAt: 120 });
    // A state change stamped before the telemetry that overtook it: its state counts, the newer readings stay.
    m.apply({ type: 'machine', seq: 7, machine: { ...oven, state: 'fault', readings: { tempC: 201 }, updatedAt: 115 } });
    expect(m.machines.get('oven-1')).toMatchObject({ state: 'fault', readings: { tempC: 210 }, updatedAt: 120 });
    m.apply({ type: 'machine', seq: 8, machine: { ...oven, state: 'running', readings: { tempC: 190 }, updatedAt: 130 } });
    expect(m.machines.get('oven-1')).toMatchObject({ state: 'running', readings: { tempC: 190 }, updatedAt: 130 });
  });
});
