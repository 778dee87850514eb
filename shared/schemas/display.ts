import { z } from 'zod';
import { MACHINE_STATES } from './machine.js';
import { label } from './common.js';
import { SCREEN_NAME, STATION_NAME } from '../screen-names.js';
import { StoreText } from './text.js';

const Colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'use #rrggbb');

/**
 * The board's labels of old (`display.labels` in the config file). Still honoured, each as the catalogue key it
 * became (shared/text/catalogue.ts `legacyLabelMessages`); no defaults here: the catalogue has the words.
 */
export const DisplayLabels = z
  .object({
    preparing: label(40),
    ready: label(40),
    queued: label(30),
    inProduction: label(30),
    readyBadge: label(30),
    nowLive: label(40),
    offlineSince: label(60),
    page: label(40),
    emptyPreparing: label(60),
    emptyReady: label(60),
    justReady: label(30),
    machineResting: label(40),
    machineStates: z
      .object(Object.fromEntries(MACHINE_STATES.map((s) => [s, label(30)])) as Record<(typeof MACHINE_STATES)[number], ReturnType<typeof label>>)
      .partial()
      .strict(),
  })
  .partial()
  .strict();
export type DisplayLabels = z.infer<typeof DisplayLabels>;

export const DisplayTheme = z.object({
  background: Colour.default('#101318'),
  surface: Colour.default('#1c212b'),
  text: Colour.default('#f4f1ea'),
  muted: Colour.default('#b9b4a8'),
  accent: Colour.default('#f2b544'),
  ready: Colour.default('#3ddc84'),
  fault: Colour.default('#ff5a4f'),
});
export type DisplayTheme = z.infer<typeof DisplayTheme>;

/** How the public board shows the production strip: every machine, the calm part only, or none. */
export const MachinesOnBoard = z.enum(['all', 'calm', 'hidden']);
export type MachinesOnBoard = z.infer<typeof MachinesOnBoard>;

/** How long a just-ready order stays marked (and first in its column); 0 turns the mark off. */
export const JustReadySeconds = z.number().int().min(0).max(3_600);

/** What every screen is told about its store on connect. */
export const DisplayConfig = z.object({
  storeName: label(64).default('Batchboard'),
  /** Served by the hub at /branding/logo when the config file names a logo file. */
  logoUrl: z.string().max(200).nullable().default(null),
  locale: z.string().min(2).max(35).default('en'),
  /** The store's IANA zone (`timeZone`): the screen's clock shows the store's time, whatever the TV is set to. */
  timeZone: z.string().max(64).optional(),
  /** Every word the pages show, resolved by the hub from the catalogue and the store's overrides. */
  text: StoreText.prefault({}),
  theme: DisplayTheme.prefault({}),
  /** A short chime when an order turns ready. */
  chime: z.boolean().default(false),
  justReadySeconds: JustReadySeconds.default(60),
  /** Whether a board sends `painted` acks (sampled) so the hub can time source to screen (`display.reportPainted`). */
  reportPainted: z.boolean().default(true),
  /**
   * `all`: each machine's state, batch, progress and readings; `calm`: its name, state and progress,
   * no readings; `hidden`: no strip. Either way a fault reads `board.machineResting`, without alarm.
   */
  machines: MachinesOnBoard.default('all'),
  /** The catalogue's product names by SKU: the production strip says what a machine is making in the store's words, not its SKU. */
  productNames: z.record(z.string(), label(40)).default({}),
});
export type DisplayConfig = z.infer<typeof DisplayConfig>;

/**
 * A board's `painted` ack: it painted the board up to `seq`, at `at` on its own clock (the hub times the ack by its
 * own clock when it arrives; `at` is kept for a screen's own logs). At most one every `PAINTED_EVERY_MS` (shared/protocol.ts) a screen.
 */
export const PaintedAck = z.object({ seq: z.number().int().min(0), at: z.number().int().min(0) }).strict();
export type PaintedAck = z.infer<typeof PaintedAck>;

/** Sent first on every connection to /board. */
export const Hello = z.object({
  protocol: z.number().int(),
  /** Changes with every deploy of the screens: a screen that sees it change reloads itself. */
  appVersion: z.string().min(1).max(64),
  display: DisplayConfig,
});
export type Hello = z.infer<typeof Hello>;

/** A screen's name: what a screen says in `?screen=`, and what staff add on the console or by the API. */
export const ScreenName = z.string().regex(SCREEN_NAME, '1–48 letters, digits, . _ -');

/** What a screen says about itself in the socket.io handshake query. */
export const ScreenQuery = z.object({
  screen: ScreenName.optional(),
  station: z.string().regex(STATION_NAME).optional(),
  overlay: z.enum(['0', '1']).optional(),
  version: z.string().max(64).optional(),
});
export type ScreenQuery = z.infer<typeof ScreenQuery>;

/** `POST /api/screens`: staff add a screen by its name. */
export const NewScreen = z.object({ name: ScreenName });
export type NewScreen = z.infer<typeof NewScreen>;

/** What a hub records about a named screen it holds (one row of the Redis hash `batchboard:screens`). */
export const ScreenSeen = z.object({
  name: z.string(),
  hub: z.string(),
  online: z.boolean(),
  connections: z.number().int().min(0),
  lastSeen: z.number().int(),
  appVersion: z.string().nullable(),
  station: z.string().nullable(),
  overlay: z.boolean(),
});
export type ScreenSeen = z.infer<typeof ScreenSeen>;

/** A screen staff added, with what was last seen of it (`GET /api/screens`): `hub` and `lastSeen` are null until it first connects. */
export const ScreenInfo = ScreenSeen.extend({
  /** When staff added it (ms since the epoch). */
  addedAt: z.number().int(),
  hub: z.string().nullable(),
  lastSeen: z.number().int().nullable(),
});
export type ScreenInfo = z.infer<typeof ScreenInfo>;
