import { describe, expect, it } from 'vitest';
import { SceneRules } from '../server/director/scene-rules.js';
import { machine } from './helpers/fixtures.js';

const RULES = [
  { machine: 'oven-1', state: 'unloading' as const, scene: 'Oven Cam', seconds: 40, priority: 10 },
  { machine: 'finishing-1', state: 'running' as const, scene: 'Finishing Station', priority: 5 },
];

describe('the scene rules', () => {
  it('show the oven for 40 s when it starts unloading, then fall back to the default', () => {
    const r = new SceneRules(RULES, 'Board');
    expect(r.wanted(0).scene).toBe('Board');
    expect(r.observe(machine({ id: 'oven-1', state: 'unloading' }), 1_000)).toBe(true);
    expect(r.wanted(1_000)).toMatchObject({ scene: 'Oven Cam', trigger: { machine: 'oven-1', state: 'unloading' } });
    expect(r.nextExpiry(1_000)).toBe(41_000);
    expect(r.wanted(40_999).scene).toBe('Oven Cam');
    expect(r.wanted(41_000).scene).toBe('Board');
  });

  it('let the highest-priority rule still active win when the shown one ends', () => {
    const r = new SceneRules(RULES, 'Board');
    r.observe(machine({ id: 'finishing-1', state: 'running' }), 0);
    expect(r.wanted(0).scene).toBe('Finishing Station');
    r.observe(machine({ id: 'oven-1', state: 'unloading' }), 5_000);
    expect(r.wanted(5_000).scene).toBe('Oven Cam');
    expect(r.wanted(45_000).scene).toBe('Finishing Station');
    r.observe(machine({ id: 'finishing-1', state: 'idle' }), 50_000);
    expect(r.wanted(50_000).scene).toBe('Board');
  });

  it('end a rule when its machine leaves the state, and do not refire on a repeat of the same state', () => {
    const r = new SceneRules(RULES, 'Board');
    r.observe(machine({ id: 'oven-1', state: 'unloading' }), 0);
    expect(r.observe(machine({ id: 'oven-1', state: 'unloading' }), 10_000)).toBe(false);
    expect(r.wanted(39_000).scene).toBe('Oven Cam');
    r.observe(machine({ id: 'oven-1', state: 'cleaning' }), 20_000);
    expect(r.wanted(20_000).scene).toBe('Board');
  });

  it('list every scene it may ask for', () => {
    expect(new SceneRules(RULES, 'Board').scenes().sort()).toEqual(['Board', 'Finishing Station', 'Oven Cam']);
  });
});
