/** Bumped when a message shape changes incompatibly. */
export const PROTOCOL_VERSION = 1;

/** Redis names that producers use: part of the public contract, keep them exactly. */
export const CHANNELS = {
  orders: 'batchboard:orders',
  machines: 'batchboard:machines',
  /** People counters' counts (docs/protocol.md, "Footfall"): to the event log, never the board. */
  footfall: 'batchboard:footfall',
} as const;
export const INBOX_STREAM = 'batchboard:inbox';

export const BOARD_NAMESPACE = '/board';
/** Public: the menu and what is left today, live. */
export const KIOSK_NAMESPACE = '/kiosk';
/** Staff only (session cookie at the handshake): the console's live state. */
export const STAFF_NAMESPACE = '/staff';

/**
 * The header every staff write carries: a cross-site form or image cannot set it, so a forged request is refused.
 * Here, not beside the staff schemas, because the kiosk sends it and a browser page must not pull zod in.
 */
export const STAFF_CSRF_HEADER = 'x-batchboard-staff';

/** A board sends at most one `painted` ack this often: enough to time source to screen, never a flood. */
export const PAINTED_EVERY_MS = 5_000;
