import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DISABLED_SCENE, Scene, Seq } from '../../../shared/schemas/board.js';
import { Machine } from '../../../shared/schemas/machine.js';
import { Order, isActiveOrder, type OrderStatus } from '../../../shared/schemas/order.js';
import { Run, type RunStatus } from '../../../shared/schemas/run.js';
import { isActiveRun } from '../../../shared/contract-values.js';
import type { Logger } from '../../log.js';
import { decide, readingsOnly, readingsUpdate } from '../last-write-wins.js';
import type { BoardStore, StoreFeedHandlers, StoredChange, StoredSnapshot, WriteResult } from '../board-store.js';
import { parseJson } from '../../../shared/parse-json.js';
import { replaceFile } from '../../files/durable-file.js';
import type { EventLog } from '../event-log.js';

/** How long a finished order is remembered, so a late, older update cannot bring it back. */
export const TOMBSTONE_MS = 48 * 3600_000;
const COMPACT_EVERY = 5_000;

const Persisted = z.object({
  /** Absent in files written before epochs: such a board gets one at its next start. */
  epoch: z.string().optional(),
  seq: Seq,
  orders: z.array(Order),
  tombstones: z.array(Order),
  machines: z.array(Machine),
  scene: Scene,
  /** Absent in files written before production runs. */
  runs: z.array(Run).default([]),
  runTombstones: z.array(Run).default([]),
});
type Persisted = z.infer<typeof Persisted>;

const JournalEntry = z.discriminatedUnion('t', [
  z.object({ t: z.literal('order'), seq: Seq.nullable(), order: Order }),
  z.object({ t: z.literal('expire'), seq: Seq, order: Order }),
  z.object({ t: z.literal('machine'), seq: Seq, machine: Machine }),
  z.object({ t: z.literal('scene'), seq: Seq, scene: Scene }),
  z.object({ t: z.literal('run'), seq: Seq, run: Run }),
]);
type JournalEntry = z.infer<typeof JournalEntry>;

/**
 * The board in one process, kept on local disk: a snapshot file plus an
 * append-only journal written synchronously before a change is announced, so
 * a kill -9 loses nothing that a screen has seen. The journal is folded into
 * the snapshot at start and every few thousand changes.
 */
export class EmbeddedStore implements BoardStore {
  readonly kind = 'embedded';
  #dir: string;
  #log: Logger;
  #epoch = newEpoch();
  #seq = 0;
  #orders = new Map<string, Order>();
  #tombstones = new Map<string, Order>();
  #machines = new Map<string, Machine>();
  #scene: Scene = DISABLED_SCENE;
  #runs = new Map<string, Run>();
  /** Done and cancelled runs, kept like finished orders so a late, older update cannot bring one back. */
  #runTombstones = new Map<string, Run>();
  #journalLines = 0;
  #feed = new EventEmitter();
  #now: () => number;

  #maxActive: number;

  #events: EventLog | undefined;

  /** `events`: where each change is logged, in the same synchronous step as its journal line. */
  constructor(dir: string, log: Logger, opts: { now?: () => number; maxActiveOrders?: number; events?: EventLog } = {}) {
    this.#events = opts.events;
    this.#dir = dir;
    this.#log = log;
    this.#now = opts.now ?? Date.now;
    this.#maxActive = opts.maxActiveOrders ?? Number.POSITIVE_INFINITY;
  }

  get #snapshotFile(): string {
    return path.join(this.#dir, 'board.json');
  }
  get #journalFile(): string {
    return path.join(this.#dir, 'board.journal');
  }

  async start(handlers: StoreFeedHandlers): Promise<void> {
    mkdirSync(this.#dir, { recursive: true });
    this.#restore();
    this.#compact();
    this.#feed.on('change', handlers.change);
    if (handlers.readings) this.#feed.on('readings', handlers.readings);
    return Promise.resolve();
  }

  #restore(): void {
    let raw: string | undefined;
    try {
      raw = readFileSync(this.#snapshotFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (raw !== undefined) {
      const parsed = safeJson(raw, Persisted);
      if (parsed) {
        if (parsed.epoch) this.#epoch = parsed.epoch;
        this.#seq = parsed.seq;
        for (const o of parsed.orders) this.#orders.set(o.id, o);
        for (const o of parsed.tombstones) this.#tombstones.set(o.id, o);
        for (const m of parsed.machines) this.#machines.set(m.id, m);
        this.#scene = parsed.scene;
        for (const r of parsed.runs) this.#putRun(r);
        for (const r of parsed.runTombstones) this.#putRun(r);
      } else {
        // Keep the damaged file for a human, start from an empty board rather than not at all.
        const aside = `${this.#snapshotFile}.corrupt-${Date.now()}`;
        renameSync(this.#snapshotFile, aside);
        this.#log.error({ file: aside }, 'board snapshot unreadable; moved aside, starting empty');
      }
    }
    let journal = '';
    try {
      journal = readFileSync(this.#journalFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    let skipped = 0;
    for (const line of journal.split('\n')) {
      if (!line) continue;
      const entry = safeJson(line, JournalEntry);
      if (entry) this.#replay(entry);
      else skipped++;
    }
    // A torn last line is what a crash mid-append leaves; anything else is worth a look.
    if (skipped > 0) this.#log.warn({ skipped }, 'skipped unreadable journal lines');
  }

  #replay(entry: JournalEntry): void {
    if (entry.seq !== null && entry.seq > this.#seq) this.#seq = entry.seq;
    switch (entry.t) {
      case 'order':
        this.#putOrder(entry.order);
        break;
      case 'expire':
        this.#orders.delete(entry.order.id);
        this.#tombstones.set(entry.order.id, entry.order);
        break;
      case 'machine':
        this.#machines.set(entry.machine.id, entry.machine);
        break;
      case 'scene':
        this.#scene = entry.scene;
        break;
      case 'run':
        this.#putRun(entry.run);
        break;
    }
  }

  #putRun(run: Run): void {
    if (isActiveRun(run)) {
      this.#runs.set(run.id, run);
      this.#runTombstones.delete(run.id);
    } else {
      this.#runs.delete(run.id);
      this.#runTombstones.set(run.id, run);
    }
  }

  #putOrder(order: Order): void {
    if (isActiveOrder(order)) {
      this.#orders.set(order.id, order);
      this.#tombstones.delete(order.id);
    } else {
      this.#orders.delete(order.id);
      this.#tombstones.set(order.id, order);
    }
  }

  #compact(): void {
    const cutoff = this.#now() - TOMBSTONE_MS;
    for (const [id, o] of this.#tombstones) if (o.updatedAt < cutoff) this.#tombstones.delete(id);
    for (const [id, r] of this.#runTombstones) if (r.updatedAt < cutoff) this.#runTombstones.delete(id);
    const state: Persisted = {
      epoch: this.#epoch,
      seq: this.#seq,
      orders: [...this.#orders.values()],
      tombstones: [...this.#tombstones.values()],
      machines: [...this.#machines.values()],
      scene: this.#scene,
      runs: [...this.#runs.values()],
      runTombstones: [...this.#runTombstones.values()],
    };
    replaceFile(this.#snapshotFile, JSON.stringify(state));
    writeFileSync(this.#journalFile, '');
    this.#journalLines = 0;
  }

  #record(entry: JournalEntry): void {
    appendFileSync(this.#journalFile, JSON.stringify(entry) + '\n');
    if (++this.#journalLines >= COMPACT_EVERY) this.#compact();
  }

  #announce(change: StoredChange): WriteResult {
    const { epoch: _epoch, ...logged } = change;
    // The change is journalled already: a log that cannot be written (a full disk) costs its line, not the change.
    try {
      void this.#events?.append(logged).catch((err: unknown) => this.#log.error({ err }, 'event log append failed'));
    } catch (err) {
      this.#log.error({ err }, 'event log append failed');
    }
    this.#feed.emit('change', change);
    return { applied: true, change };
  }

  load(): Promise<StoredSnapshot> {
    return Promise.resolve({
      epoch: this.#epoch,
      seq: this.#seq,
      orders: [...this.#orders.values()],
      machines: [...this.#machines.values()],
      scene: this.#scene,
      runs: [...this.#runs.values()],
    });
  }

  upsertOrder(order: Order, expected?: OrderStatus): Promise<WriteResult> {
    const current = this.#orders.get(order.id) ?? this.#tombstones.get(order.id);
    // Nothing runs between this look and the write below: one process, no await.
    if (expected !== undefined && current?.status !== expected) return Promise.resolve({ applied: false, reason: 'moved', status: current?.status ?? null });
    const json = JSON.stringify(order);
    const verdict = decide(current && { updatedAt: current.updatedAt, json: JSON.stringify(current) }, { updatedAt: order.updatedAt, json });
    if (verdict !== 'apply') return Promise.resolve({ applied: false, reason: verdict });
    const held = this.#orders.has(order.id);
    if (!held && isActiveOrder(order) && this.#orders.size >= this.#maxActive) {
      return Promise.resolve({ applied: false, reason: 'board_full', max: this.#maxActive });
    }
    const onBoard = held || isActiveOrder(order);
    if (!onBoard) {
      this.#record({ t: 'order', seq: null, order });
      this.#putOrder(order);
      return Promise.resolve({ applied: false, reason: 'not_on_board' });
    }
    const seq = ++this.#seq;
    this.#record({ t: 'order', seq, order });
    this.#putOrder(order);
    return Promise.resolve(this.#announce({ type: 'order', seq, order, at: this.#now(), epoch: this.#epoch }));
  }

  epoch(): Promise<string> {
    return Promise.resolve(this.#epoch);
  }

  seq(): Promise<number> {
    return Promise.resolve(this.#seq);
  }

  order(id: string): Promise<Order | undefined> {
    return Promise.resolve(this.#orders.get(id) ?? this.#tombstones.get(id));
  }

  expireOrder(order: Order): Promise<WriteResult> {
    const current = this.#orders.get(order.id);
    if (!current || JSON.stringify(current) !== JSON.stringify(order)) return Promise.resolve({ applied: false, reason: 'stale' });
    const seq = ++this.#seq;
    this.#record({ t: 'expire', seq, order });
    this.#orders.delete(order.id);
    this.#tombstones.set(order.id, order);
    return Promise.resolve(this.#announce({ type: 'order', seq, order, removed: true, at: this.#now(), epoch: this.#epoch }));
  }

  upsertMachine(machine: Machine): Promise<WriteResult> {
    const current = this.#machines.get(machine.id);
    const json = JSON.stringify(machine);
    const verdict = decide(current && { updatedAt: current.updatedAt, json: JSON.stringify(current) }, { updatedAt: machine.updatedAt, json });
    if (verdict !== 'apply') return Promise.resolve({ applied: false, reason: verdict });
    if (readingsOnly(current, machine)) {
      // Telemetry is not journalled: at 20 readings a second a synchronous append each would be most of the disk work,
      // and a crash costs only the newest readings, which the next reading brings back. Compaction keeps the latest.
      this.#machines.set(machine.id, machine);
      const readings = readingsUpdate(machine);
      this.#feed.emit('readings', readings);
      return Promise.resolve({ applied: true, readings });
    }
    const seq = ++this.#seq;
    this.#record({ t: 'machine', seq, machine });
    this.#machines.set(machine.id, machine);
    return Promise.resolve(this.#announce({ type: 'machine', seq, machine, at: this.#now(), epoch: this.#epoch }));
  }

  setScene(scene: Scene): Promise<WriteResult> {
    if (JSON.stringify(scene) === JSON.stringify(this.#scene)) return Promise.resolve({ applied: false, reason: 'unchanged' });
    const seq = ++this.#seq;
    this.#record({ t: 'scene', seq, scene });
    this.#scene = scene;
    return Promise.resolve(this.#announce({ type: 'scene', seq, scene, at: this.#now(), epoch: this.#epoch }));
  }

  upsertRun(run: Run, expected?: readonly RunStatus[]): Promise<WriteResult> {
    const current = this.#runs.get(run.id) ?? this.#runTombstones.get(run.id);
    // As for orders: nothing runs between this look and the write below.
    if (expected !== undefined && (!current || !expected.includes(current.status))) {
      return Promise.resolve({ applied: false, reason: 'run_moved', status: current?.status ?? null });
    }
    const verdict = decide(current && { updatedAt: current.updatedAt, json: JSON.stringify(current) }, { updatedAt: run.updatedAt, json: JSON.stringify(run) });
    if (verdict !== 'apply') return Promise.resolve({ applied: false, reason: verdict });
    const seq = ++this.#seq;
    this.#record({ t: 'run', seq, run });
    this.#putRun(run);
    return Promise.resolve(this.#announce({ type: 'run', seq, run, at: this.#now(), epoch: this.#epoch }));
  }

  run(id: string): Promise<Run | undefined> {
    return Promise.resolve(this.#runs.get(id) ?? this.#runTombstones.get(id));
  }

  healthy(): Promise<boolean> {
    return Promise.resolve(true);
  }

  close(): Promise<void> {
    this.#feed.removeAllListeners();
    this.#compact();
    return Promise.resolve();
  }
}

/** Random, so a store made again from nothing can never repeat an earlier one. */
export function newEpoch(): string {
  return randomBytes(8).toString('hex');
}

function safeJson<T>(raw: string, schema: z.ZodType<T>): T | undefined {
  return parseJson(schema, raw);
}
