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

/** A rule's highlight: when it fires, the replay buffer is saved `afterSeconds` later (the moment and what follows). */
export const ClipSpec = z.object({ afterSeconds: z.number().min(0).max(60) }).strict();
export type ClipSpec = z.infer<typeof ClipSpec>;

/** One production rule: while `machine` is in `state` (for at most `seconds`, if given), show `scene`. */
export const MachineSceneRule = z
  .object({
    name: RuleName,
    machine: Id,
    state: MachineState,
    scene: SceneName,
    seconds: z.number().positive().max(86_400).optional(),
    priority: z.number().int().min(0).max(1000).default(0),
    clip: ClipSpec.optional(),
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
    clip: ClipSpec.optional(),
  })
  .strict();
export type RunSceneRule = z.infer<typeof RunSceneRule>;

export const SceneRule = z.union([MachineSceneRule, RunSceneRule]);
export type SceneRule = z.infer<typeof SceneRule>;

export const REPLAY_BUFFER_MODES = ['auto', 'always', 'off'] as const;
export const ReplayBufferMode = z.enum(REPLAY_BUFFER_MODES);
export type ReplayBufferMode = z.infer<typeof ReplayBufferMode>;

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
    /**
     * OBS's replay buffer, which highlight clips are saved from: `auto` runs it while OBS streams or records,
     * `always` from the moment OBS connects, `off` leaves it to the operator.
     */
    replayBuffer: ReplayBufferMode.default('auto'),
    highlights: z
      .object({
        /** Each highlight is POSTed here as JSON (the social team's chat), with its own budget. */
        webhook: z
          .object({
            url: z.url({ protocol: /^https?$/ }),
            timeoutMs: z.number().int().min(100).max(60_000).default(5_000),
            retries: z.number().int().min(0).max(10).default(3),
            /** At most this many posts an hour; beyond it they are dropped and counted. */
            perHour: z.number().int().min(1).max(3_600).default(30),
          })
          .strict()
          .optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type DirectorConfig = z.infer<typeof DirectorConfig>;

/** `POST /api/director/clip`: "Clip that" on the console, or a Stream Deck. */
export const ClipRequest = z.object({ afterSeconds: z.number().min(0).max(60).default(0) }).strict();
export type ClipRequest = z.infer<typeof ClipRequest>;

/** `GET /api/director/clips/:name`: a file name only, of a video OBS writes; never a path. */
export const CLIP_NAME = /^(?![.])(?!.*[.][.])[^/\\\p{Cc}]{1,200}[.](mkv|mp4|mov|flv|ts|m3u8)$/u;
export const ClipName = z.string().regex(CLIP_NAME, 'a clip file name: no folders, no leading dot, a video extension');

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

export const HighlightCause = z.enum(['rule', 'staff', 'api']);
export type HighlightCause = z.infer<typeof HighlightCause>;

/** Order numbers a highlight names at most. */
export const HIGHLIGHT_MAX_ORDERS = 50;

/** A clip saved from OBS's replay buffer: a moment of production, with what caused it. */
export const Highlight = z.object({
  id: z.string(),
  /** When OBS saved the clip (ms epoch). */
  at: z.number().int(),
  /** When the rule fired, or staff or the API asked. */
  firedAt: z.number().int(),
  cause: HighlightCause,
  rule: z.string().optional(),
  machine: z.string().optional(),
  state: MachineState.optional(),
  run: z.string().optional(),
  event: RunEventName.optional(),
  /** Order numbers involved: the run's orders, or those of the run on the machine. */
  orders: z.array(z.string()).max(HIGHLIGHT_MAX_ORDERS),
  /** The program at save time. */
  scene: z.string().nullable(),
  /** The clip's file name (never a path): `GET /api/director/clips/:name`. */
  file: z.string(),
  /** The clip's length: the buffer's, capped by how long it had been running; null when unknown. */
  durationSeconds: z.number().nullable(),
  /** Who asked (staff name or "api"). */
  by: z.string().optional(),
  /** Whether `GET /api/director/highlights/:id/thumbnail` has a picture of it. */
  thumbnail: z.boolean(),
});
export type Highlight = z.infer<typeof Highlight>;

export interface ReplayBufferStatus {
  mode: ReplayBufferMode;
  /** The buffer is recording now: a clip can be saved. */
  active: boolean;
  /** OBS's profile has the replay buffer (`RecRB=true`); false after OBS answered "not available". */
  available: boolean;
}

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
  replayBuffer: ReplayBufferStatus;
  /** Highlights saved today (the store's day): the console fetches the list again when it changes. */
  highlightsToday: number;
}
