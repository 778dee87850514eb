import type { ReadingsUpdate } from '../../shared/schemas/board.js';
import type { Machine } from '../../shared/schemas/machine.js';

/**
 * Last-write-wins by `updatedAt`. On a tie the larger serialisation wins, so
 * every hub and every delivery order converges on the same record; an exact
 * repeat is a duplicate. The Redis store runs the same rule in Lua
 * (store-redis-scripts.ts); the store contract tests hold both to it.
 */
export type Verdict = 'apply' | 'stale' | 'duplicate';

export interface Versioned {
  updatedAt: number;
  json: string;
}

export function decide(current: Versioned | undefined, next: Versioned): Verdict {
  if (!current) return 'apply';
  if (next.updatedAt !== current.updatedAt) return next.updatedAt > current.updatedAt ? 'apply' : 'stale';
  if (next.json === current.json) return 'duplicate';
  return next.json > current.json ? 'apply' : 'stale';
}

/**
 * True when `next` differs from `current` in its readings (and time) only: a
 * telemetry update, which takes no seq and is not logged (docs/protocol.md,
 * "Telemetry"). Every other Machine field counts; a new field must be added
 * here and to the Lua twin in store-redis-scripts.ts, which the store contract
 * tests hold to the same answers.
 */
export function readingsOnly(current: Machine | undefined, next: Machine): boolean {
  // A tie on updatedAt (settled by the larger serialisation) and readings taken away are changes:
  // latest-wins telemetry needs a strictly newer time, and a screen cannot be told to drop readings by one.
  if (!current || next.updatedAt <= current.updatedAt || next.readings === undefined) return false;
  if (current.name !== next.name || current.kind !== next.kind || current.state !== next.state) return false;
  const a = current.batch;
  const b = next.batch;
  if (!a || !b) return a === b;
  return a.sku === b.sku && a.label === b.label && a.qty === b.qty && a.startedAt === b.startedAt && a.endsAt === b.endsAt && a.runId === b.runId;
}

export function readingsUpdate(machine: Machine): ReadingsUpdate {
  return { id: machine.id, readings: machine.readings ?? {}, updatedAt: machine.updatedAt };
}
