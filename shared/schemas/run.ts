import { z } from 'zod';
import { RUN_STATUSES } from '../contract-values.js';
import { EpochMs, Id, label } from './common.js';

export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

/** Units of a run promised to one order. */
export const RunAllocation = z.object({ orderId: Id, qty: z.number().int().min(1).max(99) }).strict();
export type RunAllocation = z.infer<typeof RunAllocation>;

/**
 * A production run: `qty` units of one SKU (and variant) made in one go on one machine. docs/protocol.md,
 * "Production runs". Runs take a seq on the board like orders, and are decided last-write-wins by `updatedAt`.
 */
export const Run = z
  .object({
    id: Id,
    sku: label(64),
    variant: label(64).optional(),
    qty: z.number().int().min(1).max(9999),
    /** The machine it is (to be) made on; unset while no machine is free. */
    machine: Id.optional(),
    status: RunStatus,
    /** At most one run's worth of orders of at least one unit each. */
    allocations: z.array(RunAllocation).max(9999),
    plannedStart: EpochMs,
    startedAt: EpochMs.optional(),
    endsAt: EpochMs.optional(),
    doneAt: EpochMs.optional(),
    produced: z.number().int().min(0).max(9999).optional(),
    wasted: z.number().int().min(0).max(9999).optional(),
    updatedAt: EpochMs,
  })
  .strict()
  .superRefine((run, ctx) => {
    const allocated = run.allocations.reduce((sum, a) => sum + a.qty, 0);
    if (allocated > run.qty) ctx.addIssue({ code: 'custom', path: ['allocations'], message: `allocates ${allocated} units of a run of ${run.qty}` });
    const ids = new Set(run.allocations.map((a) => a.orderId));
    if (ids.size !== run.allocations.length) ctx.addIssue({ code: 'custom', path: ['allocations'], message: 'names an order twice' });
  });
export type Run = z.infer<typeof Run>;

/** `POST /api/runs`: a run made by staff or by an outside scheduler. */
export const NewRun = z.object({ id: Id.optional(), sku: label(64), variant: label(64).optional(), qty: z.number().int().min(1).max(9999), machine: Id.optional() }).strict();
export type NewRun = z.infer<typeof NewRun>;

/** `POST /api/runs/:id/start`. */
export const StartRun = z.object({ machine: Id }).strict();
/** `POST /api/runs/:id/finish`: how many came out good and how many were thrown away. */
export const FinishRun = z.object({ produced: z.number().int().min(0).max(9999), wasted: z.number().int().min(0).max(9999).default(0) }).strict();
