import { describe, expect, it } from 'vitest';
import { SceneRules, type FiredRule } from '../server/director/scene-rules.js';
import type { Run } from '../shared/schemas/run.js';
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

describe('the scene rules on production runs', () => {
  const RUN_RULES = [
    { run: 'run_started' as const, sku: 'tote-print', scene: 'Printer Cam', seconds: 20, beforeSeconds: 30, priority: 5 },
    { run: 'run_finishing' as const, machine: 'oven-1', scene: 'Oven Cam', seconds: 40, beforeSeconds: 30, priority: 10 },
    { run: 'run_done' as const, scene: 'Shelf Cam', seconds: 15, beforeSeconds: 30, priority: 1 },
  ];
  const run = (over: Partial<Run>): Run => ({
    id: 'r1',
    sku: 'cardamom-bun',
    qty: 12,
    status: 'planned',
    allocations: [],
    plannedStart: 0,
    updatedAt: 0,
    ...over,
  });

  it('cut to the oven 30 s before its run comes out, for 40 s, waking the director for it', () => {
    const r = new SceneRules(RUN_RULES, 'Board');
    // Started at 0, out at 20 min: the finishing rule wants the oven from 19:30 to 20:10.
    expect(r.observeRun(run({ status: 'running', machine: 'oven-1', startedAt: 0, endsAt: 1_200_000 }), 0)).toBe(true);
    expect(r.wanted(0).scene).toBe('Board');
    expect(r.nextExpiry(0)).toBe(1_170_000);
    expect(r.wanted(1_169_999).scene).toBe('Board');
    expect(r.wanted(1_170_000)).toMatchObject({ scene: 'Oven Cam', trigger: { run: 'r1', event: 'run_finishing', machine: 'oven-1' } });
    expect(r.wanted(1_209_999).scene).toBe('Oven Cam');
    expect(r.wanted(1_210_000).scene).toBe('Board');
  });

  it('cut on a run starting only for its SKU, and on a run done for any, each for its seconds', () => {
    const r = new SceneRules(RUN_RULES, 'Board');
    expect(r.observeRun(run({ status: 'running', startedAt: 0, endsAt: 60_000 }), 0)).toBe(false);
    expect(r.wanted(0).scene).toBe('Board');
    expect(r.observeRun(run({ id: 't1', sku: 'tote-print', status: 'running', startedAt: 1_000, endsAt: 361_000 }), 1_000)).toBe(true);
    expect(r.wanted(1_000)).toMatchObject({ scene: 'Printer Cam', trigger: { run: 't1', event: 'run_started' } });
    expect(r.wanted(21_000).scene).toBe('Board');
    expect(r.observeRun(run({ id: 't1', sku: 'tote-print', status: 'done' }), 400_000)).toBe(true);
    expect(r.wanted(400_000).scene).toBe('Shelf Cam');
    expect(r.wanted(415_000).scene).toBe('Board');
  });

  it('fire nothing for the runs already running when the director starts, but still cut before they come out', () => {
    const r = new SceneRules(RUN_RULES, 'Board');
    r.observeRun(run({ id: 't2', sku: 'tote-print', status: 'running', machine: 'oven-1', startedAt: 0, endsAt: 100_000 }), 10_000, true);
    expect(r.wanted(10_000).scene).toBe('Board');
    expect(r.wanted(70_000).scene).toBe('Oven Cam');
    expect(r.scenes()).toEqual(['Board', 'Printer Cam', 'Oven Cam', 'Shelf Cam']);
  });

  it('report which rules fired, and when, for their clips: a machine entering a state, a run’s moments, a run_finishing ahead', () => {
    const r = new SceneRules([...RUN_RULES, ...RULES], 'Board');
    const fired: FiredRule[] = [];
    r.observe(machine({ id: 'oven-1', state: 'unloading' }), 1_000, fired);
    expect(fired.map((f) => [f.rule.label, f.at, f.trigger])).toEqual([['oven-1:unloading#4', 1_000, { machine: 'oven-1', state: 'unloading' }]]);
    fired.length = 0;
    // The same state again fires nothing; a state no rule watches fires nothing.
    r.observe(machine({ id: 'oven-1', state: 'unloading' }), 2_000, fired);
    r.observe(machine({ id: 'oven-1', state: 'cleaning' }), 3_000, fired);
    expect(fired).toEqual([]);
    // A tote run starting on the oven: run_started now, and run_finishing 30 s before its end.
    r.observeRun(run({ id: 't3', sku: 'tote-print', status: 'running', machine: 'oven-1', startedAt: 10_000, endsAt: 610_000 }), 10_000, false, fired);
    expect(fired.map((f) => [f.rule.label, f.at, f.trigger])).toEqual([
      ['run_started:tote-print#1', 10_000, { run: 't3', event: 'run_started', machine: 'oven-1' }],
      ['run_finishing#2', 580_000, { run: 't3', event: 'run_finishing', machine: 'oven-1' }],
    ]);
    fired.length = 0;
    r.observeRun(run({ id: 't3', sku: 'tote-print', status: 'done', machine: 'oven-1' }), 600_000, false, fired);
    expect(fired.map((f) => [f.rule.label, f.at])).toEqual([['run_done#3', 600_000]]);
  });
});
