import { randomBytes } from 'node:crypto';
import { apiError, type ApiError } from '../../shared/errors.js';
import type { Product } from '../../shared/schemas/catalogue.js';
import type { Machine } from '../../shared/schemas/machine.js';
import type { Order } from '../../shared/schemas/order.js';
import type { NewRun, Run, RunStatus } from '../../shared/schemas/run.js';
import type { Board } from '../board/board.js';
import type { Logger } from '../log.js';
import type { WriteResult } from '../state/board-store.js';

export type RunResult = { ok: true; run: Run } | { ok: false; error: ApiError };

/** Statuses each action is taken from: a second tap on "Loaded" or "Unloaded" finds the run moved on. */
const FROM: Record<'start' | 'finish' | 'cancel', readonly RunStatus[]> = {
  start: ['planned', 'loading'],
  finish: ['loading', 'running'],
  cancel: ['planned', 'loading', 'running'],
};

/** Orders a finished run makes ready: those still waiting for it. */
const WAITING: ReadonlySet<Order['status']> = new Set(['queued', 'in_production']);
const QUEUED: ReadonlySet<Order['status']> = new Set(['queued']);

/**
 * Production runs on the board: made by staff or a scheduler, started ("Loaded") and finished ("Unloaded") by
 * staff or by the machine itself (a machine event whose `batch.runId` names the run). Every step is a conditional
 * write in the store, so of two hubs (or two taps) acting on one run, one acts; the one whose finish lands makes
 * the run's orders ready, once.
 */
export class ProductionRuns {
  #board: Board;
  #catalogue: ReadonlyMap<string, Product>;
  #log: Logger;
  #now: () => number;

  constructor(board: Board, catalogue: readonly Product[], log: Logger, now: () => number = Date.now) {
    this.#board = board;
    this.#catalogue = new Map(catalogue.map((p) => [p.sku, p]));
    this.#log = log;
    this.#now = now;
  }

  /** The runs on the board, by planned start (then id, so every hub lists them alike). */
  list(): Run[] {
    return [...this.#board.runs()].sort((a, b) => a.plannedStart - b.plannedStart || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async create(input: NewRun): Promise<RunResult> {
    const product = this.#catalogue.get(input.sku);
    if (!product) {
      return refused(
        apiError('invalid_input', { issues: [{ field: 'sku', problem: 'unknown_product', value: input.sku }] }, `no SKU '${input.sku}' in the catalogue`),
      );
    }
    if (input.variant !== undefined && !product.variants.some((v) => v.id === input.variant)) {
      const issue = { field: 'variant', problem: 'not_a_variant' as const, value: input.variant, options: product.variants.map((v) => v.id) };
      return refused(apiError('invalid_input', { issues: [issue] }, `SKU '${input.sku}' has no variant '${input.variant}'`));
    }
    const id = input.id ?? `run-${randomBytes(6).toString('hex')}`;
    const held = await this.#board.run(id);
    if (held) return refused(apiError('run_moved', { status: held.status }, `run ${id} exists already`));
    const now = this.#now();
    const run: Run = {
      id,
      sku: input.sku,
      ...(input.variant ? { variant: input.variant } : {}),
      qty: input.qty,
      ...(input.machine ? { machine: input.machine } : {}),
      status: 'planned',
      allocations: input.allocations,
      plannedStart: now,
      updatedAt: now,
    };
    return this.#answer(run, await this.#board.upsertRun(run));
  }

  async start(id: string, machine: string, at?: { startedAt: number; endsAt: number }): Promise<RunResult> {
    const result = await this.#step(id, 'start', (run, now) => {
      const minutes = this.#catalogue.get(run.sku)?.runMinutes ?? 0;
      return { status: 'running', machine, startedAt: at?.startedAt ?? now, endsAt: at?.endsAt ?? now + minutes * 60_000 };
    });
    // Its orders are being made now: the board says so by their status too.
    if (result.ok) await this.#moveOrders(result.run, QUEUED, 'in_production');
    return result;
  }

  async finish(id: string, produced: number, wasted: number): Promise<RunResult> {
    const result = await this.#step(id, 'finish', (_run, now) => ({ status: 'done', doneAt: now, produced, wasted }));
    if (result.ok) await this.#moveOrders(result.run, WAITING, 'ready');
    return result;
  }

  cancel(id: string): Promise<RunResult> {
    return this.#step(id, 'cancel', () => ({ status: 'cancelled' }));
  }

  /** A machine running a batch with a `runId` starts that run; unloading it finishes it with the batch's quantity. */
  onMachine(machine: Machine): void {
    const runId = machine.batch?.runId;
    if (!runId || !machine.batch) return;
    const step =
      machine.state === 'running'
        ? this.start(runId, machine.id, { startedAt: machine.batch.startedAt, endsAt: machine.batch.endsAt })
        : machine.state === 'unloading'
          ? this.finish(runId, machine.batch.qty, 0)
          : undefined;
    // Every hub hears the machine: all but one find the run moved on, which is the point.
    void step?.then(
      (r) => {
        if (!r.ok && r.error.code !== 'run_moved') this.#log.warn({ runId, machine: machine.id, code: r.error.code }, 'machine event could not move its run');
      },
      (err: unknown) => this.#log.warn({ err, runId }, 'machine event could not move its run'),
    );
  }

  async #step(id: string, action: keyof typeof FROM, change: (run: Run, now: number) => Partial<Run>): Promise<RunResult> {
    const held = await this.#board.run(id);
    if (!held) return refused(apiError('unknown_run', { run: id }, `no run '${id}' on the board or done lately`));
    if (!FROM[action].includes(held.status)) return refused(apiError('run_moved', { status: held.status }, `run ${id} is ${held.status}`));
    const now = this.#now();
    const next: Run = { ...held, ...change(held, now), updatedAt: Math.max(now, held.updatedAt + 1) };
    return this.#answer(next, await this.#board.upsertRun(next, FROM[action]));
  }

  #answer(run: Run, result: WriteResult): RunResult {
    if (result.applied) return { ok: true, run };
    if (result.reason === 'run_moved') return refused(apiError('run_moved', { status: result.status }, `run ${run.id} moved on`));
    // stale or duplicate: another write to the run came first.
    return refused(apiError('run_moved', { status: null }, `run ${run.id} was changed meanwhile (${result.reason})`));
  }

  /** Each allocated order still in one of `from` moves to `to`, conditionally on the status it was read in. */
  async #moveOrders(run: Run, from: ReadonlySet<Order['status']>, to: Order['status']): Promise<void> {
    for (const { orderId } of run.allocations) {
      const order = await this.#board.order(orderId);
      if (!order || !from.has(order.status)) continue;
      const moved: Order = { ...order, status: to, updatedAt: Math.max(this.#now(), order.updatedAt + 1) };
      const result = await this.#board.upsertOrder(moved, order.status);
      if (!result.applied && result.reason !== 'moved') this.#log.warn({ orderId, run: run.id, to, reason: result.reason }, 'a run could not move its order');
    }
  }
}

function refused(error: ApiError): RunResult {
  return { ok: false, error };
}
