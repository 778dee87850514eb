import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../server/config.js';
import { displayConfigOf } from '../server/screens/display-config.js';
import { chooseEstimate, runPlan } from '../server/ordering/track-estimate.js';
import { SAMPLE_CATALOGUE } from '../server/ordering/sample-catalogue.js';
import { waitWords } from '../kiosk/src/track/estimate.js';
import { makingByOrder, runLines } from '../display/src/runs.js';
import type { Run } from '../shared/schemas/run.js';
import { machine, order } from './helpers/fixtures.js';

const MIN = 60_000;
const NOW = 1_800_000_000_000;
const product = (sku: string) => SAMPLE_CATALOGUE.find((p) => p.sku === sku);
const oven = machine({ id: 'oven-1', kind: 'oven' });
const printer = machine({ id: 'printer-1', kind: 'printer' });

function run(over: Partial<Run> = {}): Run {
  return { id: 'run-1', sku: 'cardamom-bun', qty: 12, status: 'planned', allocations: [{ orderId: 'o1', qty: 2 }], plannedStart: NOW, updatedAt: NOW, ...over };
}

describe('the tracker estimate: the plan where a run holds the order, else the mean gap', () => {
  const meanGap = { etaMinutes: 9, readyBy: NOW + 9 * MIN };

  it('a running run beats the mean gap: ready at its endsAt, in the kind of its machine', () => {
    const plan = runPlan('o1', [run({ status: 'running', machine: 'oven-1', startedAt: NOW - 5 * MIN, endsAt: NOW + 15 * MIN })], [oven], product, NOW);
    expect(plan).toEqual({ machineKind: 'oven', status: 'running', readyAt: NOW + 15 * MIN });
    expect(chooseEstimate(plan, meanGap, NOW)).toEqual({ etaMinutes: 15, readyBy: NOW + 15 * MIN, run: plan });
  });

  it('a planned run is ready its runMinutes after its planned start, or after now once that start has passed', () => {
    expect(runPlan('o1', [run({ plannedStart: NOW + 10 * MIN })], [oven], product, NOW)?.readyAt).toBe(NOW + 30 * MIN);
    expect(runPlan('o1', [run({ plannedStart: NOW - 10 * MIN })], [oven], product, NOW)?.readyAt).toBe(NOW + 20 * MIN);
    // No machine named yet: the catalogue says what makes it (totes print, 6 minutes).
    expect(runPlan('o1', [run({ sku: 'tote-print', qty: 4, status: 'loading' })], [oven, printer], product, NOW)).toEqual({
      machineKind: 'printer',
      status: 'loading',
      readyAt: NOW + 6 * MIN,
    });
  });

  it('of two runs holding the order, the last out decides', () => {
    const runs = [
      run({ id: 'a', status: 'running', machine: 'oven-1', startedAt: NOW, endsAt: NOW + 4 * MIN }),
      run({ id: 'b', plannedStart: NOW + 4 * MIN, allocations: [{ orderId: 'o1', qty: 1 }] }),
    ];
    expect(runPlan('o1', runs, [oven], product, NOW)).toEqual({ machineKind: 'oven', status: 'planned', readyAt: NOW + 24 * MIN });
  });

  it('falls back to the mean gap without a run, or when the run is done, cancelled or past its end', () => {
    expect(runPlan('o2', [run()], [oven], product, NOW)).toBeNull();
    expect(runPlan('o1', [run({ status: 'done' }), run({ id: 'c', status: 'cancelled' })], [oven], product, NOW)).toBeNull();
    expect(chooseEstimate(null, meanGap, NOW)).toEqual({ ...meanGap, run: null });
    expect(chooseEstimate(null, null, NOW)).toEqual({ etaMinutes: null, readyBy: null, run: null });
    const overrun = runPlan('o1', [run({ status: 'running', machine: 'oven-1', startedAt: NOW - 25 * MIN, endsAt: NOW - MIN })], [oven], product, NOW);
    expect(chooseEstimate(overrun, meanGap, NOW)).toEqual({ ...meanGap, run: null });
  });

  it('the tracker words a run ahead as its clock time, even past the promise; without one, as before', () => {
    const plan = { machineKind: 'oven' as const, status: 'running' as const, readyAt: NOW + 3 * MIN };
    expect(waitWords(NOW, 'queued', plan.readyAt, NOW - MIN, plan)).toEqual({ kind: 'run', run: plan });
    expect(waitWords(NOW + 4 * MIN, 'queued', plan.readyAt, NOW - MIN, plan)).toEqual({ kind: 'late' });
    expect(waitWords(NOW, 'ready', plan.readyAt, null, plan)).toBeNull();
  });
});

describe('the production strip and the cards', () => {
  const orders = [order({ id: 'o1', number: '102' }), order({ id: 'o2', number: '99' }), order({ id: 'o3', number: '103', status: 'ready' })];
  const allocations = ['o1', 'o2', 'o3', 'gone'].map((orderId) => ({ orderId, qty: 1 }));

  it('names the running run on each machine with the numbers of its orders on the board, by number', () => {
    const lines = runLines([run({ status: 'running', machine: 'oven-1', allocations, startedAt: NOW, endsAt: NOW + 20 * MIN }), run({ id: 'p' })], orders, {
      'cardamom-bun': 'Cardamom bun',
    });
    expect([...lines.keys()]).toEqual(['oven-1']);
    expect(lines.get('oven-1')).toMatchObject({ product: 'Cardamom bun', qty: 12, numbers: ['99', '102', '103'], endsAt: NOW + 20 * MIN });
  });

  it('marks only the waiting orders of running runs, by their machine kind', () => {
    const runs = [run({ status: 'running', machine: 'printer-1', allocations }), run({ id: 'p', allocations: [{ orderId: 'o2', qty: 1 }] })];
    expect(makingByOrder(runs, [oven, printer], orders)).toEqual(
      new Map([
        ['o1', 'printer'],
        ['o2', 'printer'],
      ]),
    );
  });
});

describe("the store's words for it", () => {
  it('tells screens the product names, and lets a store reword where an order is, like any key', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'batchboard-making-'));
    writeFileSync(path.join(dir, 'store.json'), JSON.stringify({ locale: 'sv', locales: { sv: { messages: { 'making.oven': 'Bakas nu' } } } }));
    const display = displayConfigOf(loadConfig({ CONFIG: path.join(dir, 'store.json') }).shop);
    expect(display.text.messages['making.oven']).toBe('Bakas nu');
    expect(display.text.messages['making.printer']).toBe('Trycks just nu');
    expect(display.productNames).toEqual({ 'cardamom-bun': 'Cardamom bun', 'cinnamon-knot': 'Cinnamon knot', 'tote-print': 'Printed tote' });
  });
});
