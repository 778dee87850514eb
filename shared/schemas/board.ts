import { z } from 'zod';
import { EpochMs, Id } from './common.js';
import { Machine, MachineReadings } from './machine.js';
import { Order } from './order.js';
import { Run } from './run.js';

export const ObsStatus = z.enum(['connected', 'disconnected', 'disabled']);
export const DirectorMode = z.enum(['auto', 'manual', 'hold']);

export const Scene = z.object({
  program: z.string().max(256).nullable(),
  obs: ObsStatus,
  mode: DirectorMode.optional(),
});
export type Scene = z.infer<typeof Scene>;

export { DISABLED_SCENE } from '../contract-values.js';

export const Seq = z.number().int().min(0);

export const Snapshot = z.object({
  seq: Seq,
  orders: z.array(Order),
  machines: z.array(Machine),
  scene: Scene,
  /** Production runs not yet done or called off (docs/protocol.md, "Production runs"). */
  runs: z.array(Run),
});
export type Snapshot = z.infer<typeof Snapshot>;

/** `removed` marks an order that left the board while still `ready` (the ready time-out). */
export const OrderEvent = z.object({ seq: Seq, order: Order, removed: z.literal(true).optional() });
export const MachineEvent = z.object({ seq: Seq, machine: Machine });
export const SceneEvent = z.object({ seq: Seq, scene: Scene });
/** A run planned, started, finished or called off; a done or cancelled run leaves the board. */
export const RunEvent = z.object({ seq: Seq, run: Run });
export type OrderEvent = z.infer<typeof OrderEvent>;
export type MachineEvent = z.infer<typeof MachineEvent>;
export type SceneEvent = z.infer<typeof SceneEvent>;
export type RunEvent = z.infer<typeof RunEvent>;

/**
 * Telemetry: a machine's new readings while nothing else about it changed.
 * Outside the seq order on purpose (docs/protocol.md, "Telemetry"): latest
 * wins by `updatedAt`, so a screen may miss any number of them without a gap.
 */
export const ReadingsUpdate = z.object({ id: Id, readings: MachineReadings, updatedAt: EpochMs });
export type ReadingsUpdate = z.infer<typeof ReadingsUpdate>;

/** One change to the board, as the store announces it and screens apply it. */
export type BoardChange =
  ({ type: 'order' } & OrderEvent) | ({ type: 'machine' } & MachineEvent) | ({ type: 'scene' } & SceneEvent) | ({ type: 'run' } & RunEvent);

/** One change inside a `batch` frame: the event's name and the payload it would have had alone. */
export type BatchItem = ['order', OrderEvent] | ['machine', MachineEvent] | ['scene', SceneEvent] | ['run', RunEvent];
