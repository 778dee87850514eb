import { z } from 'zod';
import { MACHINE_STATE_NAMES } from '../contract-values.js';
import { EpochMs, Id, label } from './common.js';

export const MACHINE_KINDS = ['oven', 'finishing', 'printer', 'other'] as const;
export const MACHINE_STATES = MACHINE_STATE_NAMES;
export const MachineKind = z.enum(MACHINE_KINDS);
export const MachineState = z.enum(MACHINE_STATES);
export type MachineKind = z.infer<typeof MachineKind>;
export type MachineState = z.infer<typeof MachineState>;

export const MachineBatch = z
  .object({
    sku: label(64),
    label: label(48).optional(),
    qty: z.number().int().min(1).max(9999),
    startedAt: EpochMs,
    endsAt: EpochMs,
    /** The production run in the machine (shared/schemas/run.ts): a machine event naming it starts and finishes that run. */
    runId: Id.optional(),
  })
  .refine((b) => b.endsAt >= b.startedAt, { message: 'must not be before startedAt', path: ['endsAt'] });
export type MachineBatch = z.infer<typeof MachineBatch>;

// Reading names become object keys on every screen: a strict pattern keeps
// out `__proto__`, `constructor` and friends as well as unbounded junk.
const ReadingName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/, 'reading names are 1–32 letters, digits or _');

// zod drops a `__proto__` key silently; refuse it (and `constructor` & co.) with a reason instead.
const NoReservedKeys = z.unknown().superRefine((raw, ctx) => {
  if (raw === null || typeof raw !== 'object') return;
  for (const key of Object.keys(raw)) {
    if (key in Object.prototype) ctx.addIssue({ code: 'custom', path: [key], message: 'is a reserved name' });
  }
});

// A sensor's value, within what any oven, printer or counter reports: 1e308 would fill a screen with digits.
const Reading = z.number().min(-1e9, 'must be at least -1,000,000,000').max(1e9, 'must be at most 1,000,000,000');

export const MachineReadings = NoReservedKeys.pipe(z.record(ReadingName, Reading)).refine((r) => Object.keys(r).length <= 16, {
  message: 'at most 16 readings',
});

export const Machine = z.object({
  id: Id,
  name: label(32).optional(),
  kind: MachineKind,
  state: MachineState,
  batch: MachineBatch.optional(),
  readings: MachineReadings.optional(),
  updatedAt: EpochMs,
});
export type Machine = z.infer<typeof Machine>;
