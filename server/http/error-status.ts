import type { IntakeError } from '../ingest/intake.js';
import type { KioskError } from '../kiosk/ordering.js';
import type { CommandError } from '../staff/commands.js';

export type ErrorCode = IntakeError['code'] | KioskError['code'] | CommandError['code'];

/** The HTTP status of every error code a route answers with: one table, so a code means one status on every route. */
const STATUS: Record<ErrorCode, number> = {
  invalid_json: 400,
  invalid_input: 400,
  unknown_order: 404,
  // The outcome is unknown: a retry of the same write (same updatedAt, or the kiosk's same key) is safe.
  store_unavailable: 503,
  // Well-formed, but the store cannot take it: retrying the same write will not help.
  store_refused: 422,
  // Valid, but the board has no room for another order until some leave it.
  board_full: 409,
  // A conditional write on a status the order has left (staff `from`).
  stale: 409,
  not_allowed: 409,
  sold_out: 409,
  undo_expired: 410,
  items_limited: 429,
  share_limited: 429,
};

export function errorStatus(code: ErrorCode): number {
  return STATUS[code];
}
