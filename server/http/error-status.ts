import type { Response } from 'express';
import type { ApiError, ApiErrorBody, ErrorCode } from '../../shared/errors.js';

/** The HTTP status of every error code the hub answers with: one table, so a code means one status on every route. */
const STATUS: Record<ErrorCode, number> = {
  invalid_json: 400,
  invalid_input: 400,
  unauthorized: 401,
  // A wrong PIN is a failed authentication: the console stays on its login.
  wrong_pin: 401,
  // A webhook that is not signed with the hook's secret, or signed too long ago: never applied.
  bad_signature: 401,
  stale_timestamp: 401,
  csrf: 403,
  not_found: 404,
  unknown_order: 404,
  unknown_screen: 404,
  unknown_run: 404,
  unknown_scene: 404,
  unknown_highlight: 404,
  unknown_clip: 404,
  // A clip that was saved, but whose file the hub cannot read (OBS on another computer, or the file moved).
  clip_unavailable: 404,
  // Valid, but the board has no room for another order until some leave it.
  board_full: 409,
  // A conditional write on a status the order has left (staff `from`).
  stale: 409,
  not_allowed: 409,
  run_moved: 409,
  sold_out: 409,
  too_many_screens: 409,
  undo_expired: 410,
  too_large: 413,
  not_json: 415,
  // Well-formed, but the store cannot take it: retrying the same write will not help.
  store_refused: 422,
  // The store owner's mapping failed on this payload: the sender retrying the same delivery will not help.
  mapping_failed: 422,
  locked: 429,
  rate_limited: 429,
  items_limited: 429,
  share_limited: 429,
  too_many_handshakes: 429,
  internal: 500,
  // OBS answered, and refused: the hub itself is fine.
  obs_error: 502,
  obs_unavailable: 503,
  obs_timeout: 503,
  director_disabled: 503,
  replay_buffer_off: 503,
  not_ready: 503,
  // The outcome is unknown: a retry of the same write (same updatedAt, or the kiosk's same key) is safe.
  store_unavailable: 503,
};

export function errorStatus(code: ErrorCode): number {
  return STATUS[code];
}

/**
 * The one way a route answers an error: the table's status, `Retry-After` from the params that carry a
 * wait (or `retryAfterSeconds` for a code whose wait is a hint, like the store's), and the shared body.
 */
export function sendError(res: Response, error: ApiError, opts: { retryAfterSeconds?: number } = {}): void {
  const wait = 'retryAfterSeconds' in error.params ? error.params.retryAfterSeconds : opts.retryAfterSeconds;
  res.status(errorStatus(error.code));
  if (wait !== undefined) res.set('Retry-After', String(wait));
  res.json({ ok: false, error } satisfies ApiErrorBody);
}
