import { z } from 'zod';
import { DirectorMode } from './board.js';
import { Id, label } from './common.js';
import { MachineState } from './machine.js';

/** `GET /api/director/health`'s answer: a plain interface, for pages too. */
export type { ObsOutput, RecordOutputHealth, StreamHealthReport, StreamOutputHealth } from './stream-health.js';

export const SceneName = label(256);

const RuleName = z
  .string()
  .regex(/^[\w.-]{1,48}$/)
  .optional();

/** One production rule: while `machine` is in `state` (for at most `seconds`, if given), show `scene`. */
export const MachineSceneRule = z
  .object({
    name: RuleName,
    machine: Id,
    state: MachineState,
    scene: SceneName,
    seconds: z.number().positive().max(86_400).optional(),
    priority: z.number().int().min(0).max(1000).default(0),
  })
  .strict();
export type MachineSceneRule = z.infer<typeof MachineSceneRule>;

/** The production-run moments a rule can cut on: a run starting, about to come out, out. */
export const RUN_EVENTS = ['run_started', 'run_finishing', 'run_done'] as const;
export const RunEventName = z.enum(RUN_EVENTS);
export type RunEventName = z.infer<typeof RunEventName>;

/**
 * A rule on a production run's moment: when a run (of `sku`, on `machine`, if given) starts, comes within
 * `beforeSeconds` of its end (`run_finishing`), or is done, show `scene` for `seconds`.
 */
export const RunSceneRule = z
  .object({
    name: RuleName,
    run: RunEventName,
    machine: Id.optional(),
    sku: label(64).optional(),
    beforeSeconds: z.number().positive().max(3_600).default(30),
    scene: SceneName,
    seconds: z.number().positive().max(86_400).default(40),
    priority: z.number().int().min(0).max(1000).default(0),
  })
  .strict();
export type RunSceneRule = z.infer<typeof RunSceneRule>;

export const SceneRule = z.union([MachineSceneRule, RunSceneRule]);
export type SceneRule = z.infer<typeof SceneRule>;

export const DirectorConfig = z
  .object({
    defaultScene: SceneName.default('Board'),
    /** The program never changes twice within this window (no flapping). */
    minDwellSeconds: z.number().min(0).max(600).default(8),
    /** How long a staff choice holds before the rules take over again. */
    holdMinutes: z
      .number()
      .positive()
      .max(24 * 60)
      .default(5),
    rules: z.array(SceneRule).max(100).default([]),
  })
  .strict();
export type DirectorConfig = z.infer<typeof DirectorConfig>;

/** `POST /api/scene` and the staff console's scene buttons. */
export const SceneRequest = z.object({ scene: SceneName }).strict();
/** `POST /api/director/mode`. */
export const ModeRequest = z.object({ mode: DirectorMode }).strict();

export const SwitchCause = z.enum(['rule', 'default', 'staff', 'api', 'obs', 'reconnect']);
export type SwitchCause = z.infer<typeof SwitchCause>;

/** One line of the director log: what went on air, when, and why. */
export const DirectorLogEntry = z.object({
  at: z.number().int(),
  scene: z.string(),
  cause: SwitchCause,
  /** The rule that fired, and the machine event (or the run and its moment) that fired it. */
  rule: z.string().optional(),
  machine: z.string().optional(),
  state: MachineState.optional(),
  run: z.string().optional(),
  event: RunEventName.optional(),
  /** Who asked (staff name or "api"). */
  by: z.string().optional(),
});
export type DirectorLogEntry = z.infer<typeof DirectorLogEntry>;

export interface DirectorStatus {
  enabled: boolean;
  obs: 'connected' | 'disconnected' | 'disabled';
  program: string | null;
  mode: z.infer<typeof DirectorMode>;
  holdUntil: number | null;
  scenes: string[];
  /** Scenes the config names that OBS does not have. */
  missingScenes: string[];
  studioMode: boolean;
  streaming: boolean;
  recording: boolean;
}
