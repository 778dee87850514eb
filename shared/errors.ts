import { z } from 'zod';
import { FieldIssue } from './field-issues.js';
import { OrderStatus } from './schemas/order.js';
import { RunStatus } from './schemas/run.js';
import { STAFF_ACTIONS } from './schemas/staff.js';

const none = z.object({}).strict();
const seconds = z.number().int().min(0);
const count = z.number().int().min(0);

/**
 * Every error the hub answers (REST routes, the kiosk, staff login and actions, screens, the director,
 * the socket.io handshake limit), each with the values a person needs to be told about it. A page words
 * an error from `code` and `params` in the store's language; `message` is an English hint for developers
 * reading curl output and logs, and pages never show it. docs/protocol.md has the table.
 */
export const ERROR_PARAMS = {
  /** The body is not JSON. */
  invalid_json: none,
  /** The input is JSON but not what the route takes: each field with its problem. */
  invalid_input: z.object({ issues: z.array(FieldIssue) }).strict(),
  /** The body is over `maxBytes`; refused before parsing. */
  too_large: z.object({ maxBytes: count }).strict(),
  /** The body is not declared as UTF-8 JSON (`Content-Type: application/json`). */
  not_json: none,
  /** No API token or staff session. */
  unauthorized: none,
  /** A webhook whose signature (in `header`) is missing or does not match its body: docs/protocol.md, "Webhook door". */
  bad_signature: z.object({ header: z.string() }).strict(),
  /** A signed webhook whose timestamp is more than `toleranceSeconds` away from the hub's clock (a replay, or a clock to set). */
  stale_timestamp: z.object({ toleranceSeconds: count }).strict(),
  /** A staff write with the session cookie but without `header: 1` (a forged cross-site request). */
  csrf: z.object({ header: z.string() }).strict(),
  /** No such route (or no such staff action). */
  not_found: none,
  /** No order `order` (an id, or a number on the tracker) on the board or finished lately. */
  unknown_order: z.object({ order: z.string() }).strict(),
  unknown_screen: z.object({ name: z.string() }).strict(),
  /** No production run `run` on the board or done lately. */
  unknown_run: z.object({ run: z.string() }).strict(),
  /** A run action on a status the run has left (loaded twice, finished twice): `status` is the one it is in now. */
  run_moved: z.object({ status: RunStatus.nullable() }).strict(),
  /** OBS has no scene named `scene`. */
  unknown_scene: z.object({ scene: z.string() }).strict(),
  /** Staff login: the PIN is wrong; `triesLeft` more wrong PINs lock the login. */
  wrong_pin: z.object({ triesLeft: count }).strict(),
  /** Staff login is locked after wrong PINs, for `retryAfterSeconds` more. */
  locked: z.object({ retryAfterSeconds: seconds }).strict(),
  /** Too many requests from this address (kiosk orders, logins); again in `retryAfterSeconds`. */
  rate_limited: z.object({ retryAfterSeconds: seconds }).strict(),
  /** This device ordered more than `limit` items within a minute. */
  items_limited: z.object({ limit: count, retryAfterSeconds: seconds }).strict(),
  /** This device ordered more than `limit` of `sku` within `windowMinutes`. */
  share_limited: z.object({ sku: z.string(), limit: count, windowMinutes: count, retryAfterSeconds: seconds }).strict(),
  /** Too many socket.io handshakes (`rate`) or open sessions (`open`) from this address. */
  too_many_handshakes: z.object({ reason: z.enum(['rate', 'open']), retryAfterSeconds: seconds }).strict(),
  /** The board holds `max` active orders (`board.maxActiveOrders`). */
  board_full: z.object({ max: count }).strict(),
  /** A staff action tapped on a status the order has left: `status` is the one it is in now (null: gone). */
  stale: z.object({ status: OrderStatus.nullable() }).strict(),
  /** `action` cannot be taken on an order in `status` (an undo: the order changed since the action). */
  not_allowed: z.object({ action: z.enum([...STAFF_ACTIONS, 'undo']), status: OrderStatus }).strict(),
  /** Only `left` of `sku` are left today (0: sold out). */
  sold_out: z.object({ sku: z.string(), left: count }).strict(),
  too_many_screens: z.object({ max: count }).strict(),
  /** An action can be undone for `seconds` only. */
  undo_expired: z.object({ seconds }).strict(),
  /** Well-formed, but the store cannot take it; retrying the same write will not help. */
  store_refused: none,
  /**
   * A webhook's mapping (`webhooks.<hook>.mapping`) failed on this delivery: `problem` is JSONata's error code
   * (`T2002`, `D1012` for over its time), `too_deep` (a payload nested past the stack), `not_orders` (it gave something
   * other than objects), or `too_many`.
   */
  mapping_failed: z.object({ hook: z.string(), problem: z.string() }).strict(),
  internal: none,
  /** OBS refused `request`. */
  obs_error: z.object({ request: z.string() }).strict(),
  obs_unavailable: none,
  /** OBS did not answer `request` within `timeoutMs`. */
  obs_timeout: z.object({ request: z.string(), timeoutMs: count }).strict(),
  /** No clip can be saved: OBS's replay buffer is not running (`director.replayBuffer` off, not in OBS's profile, or `auto` while OBS neither streams nor records). */
  replay_buffer_off: none,
  /** No highlight `id` with a thumbnail (unknown, or saved by an earlier run of the hub). */
  unknown_highlight: z.object({ id: z.string() }).strict(),
  /** No highlight of today saved a clip named `name`. */
  unknown_clip: z.object({ name: z.string() }).strict(),
  /** The clip `name` was saved, but the hub cannot read its file (moved, deleted, or OBS on another computer). */
  clip_unavailable: z.object({ name: z.string() }).strict(),
  /** The hub runs without OBS (`OBS_URL` unset). */
  director_disabled: none,
  /** The hub has not loaded its board yet. */
  not_ready: none,
  /** The state store (Redis) is away; the outcome of a write is unknown and retrying the same one is safe. */
  store_unavailable: none,
} as const;

export type ErrorCode = keyof typeof ERROR_PARAMS;
export type ErrorParams = { [C in ErrorCode]: z.infer<(typeof ERROR_PARAMS)[C]> };
export const ERROR_CODES = Object.keys(ERROR_PARAMS) as ErrorCode[];

/** One error: its code, the values a page words it with, and an English hint for developers (never shown on a page). */
export type ApiError<C extends ErrorCode = ErrorCode> = { [K in C]: { code: K; params: ErrorParams[K]; message: string } }[C];

/** The body of every error answer: `{ ok: false, error: { code, params, message } }`. */
export interface ApiErrorBody<C extends ErrorCode = ErrorCode> {
  ok: false;
  error: ApiError<C>;
}

export function apiError<C extends ErrorCode>(code: C, params: ErrorParams[C], message: string): ApiError<C> {
  return { code, params, message };
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_PARAMS, value);
}

/** A list known not to be empty, as zod's unions want it. */
function nonEmpty<T>(items: T[]): [T, ...T[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error('empty list');
  return [first, ...rest];
}

const errorSchemas = nonEmpty(ERROR_CODES.map((code) => z.object({ code: z.literal(code), params: ERROR_PARAMS[code], message: z.string() }).strict()));

/**
 * The schema of an error answer, exact: an unknown code, a missing or extra param is refused. Built from
 * the table above, so its type is asserted: zod cannot infer a union mapped from an object's keys.
 */
export const ApiErrorBody = z
  .object({
    ok: z.literal(false),
    error: z.discriminatedUnion('code', errorSchemas),
  })
  .strict() as unknown as z.ZodType<ApiErrorBody>;
